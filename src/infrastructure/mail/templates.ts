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

/** An http(s) URL in running text: up to the next space, angle bracket or quote. */
const URL_IN_TEXT = /\bhttps?:\/\/[^\s<>"“”‘’«»]+/g;

/**
 * A URL as it ends in a sentence: punctuation after it ("see https://x.test/a.") is the sentence's,
 * and so is a closing bracket it did not open ("(https://x.test/a)").
 */
function trimUrl(url: string): string {
  let out = url;
  for (;;) {
    const last = out.at(-1)!;
    if (/[.,;:!?'*…]/.test(last)) out = out.slice(0, -1);
    else if (last === ')' && out.split('(').length < out.split(')').length) out = out.slice(0, -1);
    else if (last === ']' && out.split('[').length < out.split(']').length) out = out.slice(0, -1);
    else return out;
  }
}

/** Plain text as escaped HTML, every http(s) URL in it a link. */
function linkify(text: string): string {
  let html = '';
  let from = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    const url = trimUrl(match[0]);
    if (/^https?:\/\/$/.test(url)) continue;
    html += escapeHtml(text.slice(from, match.index)) + `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>`;
    from = match.index + url.length;
  }
  return html + escapeHtml(text.slice(from));
}

/**
 * A message from paragraphs of plain text: the text part as is, the HTML part escaped, with its
 * URLs as links and `lang` (the message's language, default English) on the document.
 */
export function render(subject: string, paragraphs: string[], footer: string, options?: { lang?: string }): Rendered {
  const text = [...paragraphs, '--', footer].join('\n\n') + '\n';
  const html =
    `<!doctype html><html lang="${escapeHtml(options?.lang ?? 'en')}"><body style="font-family:sans-serif;max-width:40em">` +
    paragraphs.map((p) => `<p>${linkify(p).replace(/\n/g, '<br>')}</p>`).join('') +
    `<hr><p style="color:#555;font-size:90%">${linkify(footer)}</p></body></html>`;
  return { subject, text, html };
}
