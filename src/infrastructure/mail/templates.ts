/** Minimal, safe HTML for transactional mail: every interpolated value is escaped. */
export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

export interface Rendered {
  subject: string;
  text: string;
  html: string;
  attachments?: { filename: string; content: string; contentType: string }[];
}

/** A message from paragraphs of plain text: the text part as is, the HTML part escaped. */
export function render(subject: string, paragraphs: string[], footer: string): Rendered {
  const text = [...paragraphs, '--', footer].join('\n\n') + '\n';
  const html =
    '<!doctype html><html><body style="font-family:sans-serif;max-width:40em">' +
    paragraphs.map((p) => `<p>${escapeHtml(p).replace(/\n/g, '<br>')}</p>`).join('') +
    `<hr><p style="color:#555;font-size:90%">${escapeHtml(footer)}</p></body></html>`;
  return { subject, text, html };
}
