import { render } from './templates.js';

const paragraph = (html: string) => /<body[^>]*><p>(.*?)<\/p>/s.exec(html)![1];

describe('render', () => {
  it.each([
    ['a URL at the end of a sentence: the full stop is the sentence’s', 'Open https://x.test/a/b.', 'Open <a href="https://x.test/a/b">https://x.test/a/b</a>.'],
    ['http as well as https', 'See http://x.test', 'See <a href="http://x.test">http://x.test</a>'],
    ['a query string: & escaped in href and text', 'Go: https://x.test/p?a=1&b=2', 'Go: <a href="https://x.test/p?a=1&amp;b=2">https://x.test/p?a=1&amp;b=2</a>'],
    ['in brackets: the closing bracket is the sentence’s', 'Authority (https://ico.org.uk), then', 'Authority (<a href="https://ico.org.uk">https://ico.org.uk</a>), then'],
    ['a bracket the URL opened stays in it', 'https://en.wikipedia.org/wiki/Foo_(bar)', '<a href="https://en.wikipedia.org/wiki/Foo_(bar)">https://en.wikipedia.org/wiki/Foo_(bar)</a>'],
    ['a quote ends the URL: no attribute injection', 'x https://x.test/"onmouseover="alert(1)', 'x <a href="https://x.test/">https://x.test/</a>&quot;onmouseover=&quot;alert(1)'],
    ['markup around a URL is escaped, never a tag', '<b>https://x.test/<i></b>', '&lt;b&gt;<a href="https://x.test/">https://x.test/</a>&lt;i&gt;&lt;/b&gt;'],
    ['two URLs, and a French colon before one', 'lien : https://a.test et https://b.test ;', 'lien : <a href="https://a.test">https://a.test</a> et <a href="https://b.test">https://b.test</a> ;'],
    ['other schemes stay text', 'javascript:alert(1) ftp://x.test mailto:a@b.test', 'javascript:alert(1) ftp://x.test mailto:a@b.test'],
    ['a scheme alone is no link', 'see https://.', 'see https://.'],
    ['a scheme inside a word is no link', 'xhttps://x.test', 'xhttps://x.test'],
    ['line breaks become <br>, links on either side', 'https://a.test\nhttps://b.test', '<a href="https://a.test">https://a.test</a><br><a href="https://b.test">https://b.test</a>'],
  ])('%s', (_rule, text, html) => {
    const out = render('S', [text], 'F');
    expect(paragraph(out.html)).toBe(html);
    expect(out.text).toBe(`${text}\n\n--\n\nF\n`);
  });

  it('puts the language on <html>, English unless told', () => {
    expect(render('S', ['p'], 'F').html).toMatch(/^<!doctype html><html lang="en"><body/);
    expect(render('S', ['p'], 'F', { lang: 'de' }).html).toMatch(/^<!doctype html><html lang="de"><body/);
    expect(render('S', ['p'], 'F', { lang: '"><script>' }).html).toMatch(/^<!doctype html><html lang="&quot;&gt;&lt;script&gt;"><body/);
  });

  it('links a URL in the footer too', () => {
    expect(render('S', ['p'], 'Acme — privacy contact: https://acme.test/privacy').html).toContain('<hr><p style="color:#555;font-size:90%">Acme — privacy contact: <a href="https://acme.test/privacy">https://acme.test/privacy</a></p>');
  });
});
