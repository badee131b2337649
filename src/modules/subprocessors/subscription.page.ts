import { escapeHtml } from '../../infrastructure/mail/templates.js';

/**
 * The page a person sees after following a link from our email: plain HTML, no scripts and no
 * third-party resources, every value escaped.
 */
export function subscriptionPage(controller: string, title: string, message: string, button?: string): string {
  // A form without an action posts to the page's own address, query string included.
  const form = button
    ? `<form method="post"><button type="submit" style="font:inherit;padding:.6em 1.2em;min-height:44px">${escapeHtml(button)}</button></form>`
    : '';
  return (
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>` +
    '<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;padding:0 1em;line-height:1.5}</style></head>' +
    `<body><main><h1>${escapeHtml(title)}</h1><p>${escapeHtml(message)}</p>${form}<p style="color:#555">${escapeHtml(controller)}</p></main></body></html>`
  );
}
