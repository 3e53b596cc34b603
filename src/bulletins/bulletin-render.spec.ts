import { bulletinFieldProblems, compileBulletin, pickBulletinLocale } from './bulletin-render.js';

describe('bulletin rendering', () => {
  it('renders Markdown to HTML and keeps the Markdown as the text part', () => {
    const t = compileBulletin('News', '# Silao\n\n**The vote** is [on](https://example.org).', 'en');
    expect(t.html(null)).toContain('<h1>Silao</h1>');
    expect(t.html(null)).toContain('<strong>The vote</strong>');
    expect(t.html(null)).toContain('<a href="https://example.org">on</a>');
    expect(t.text(null)).toBe('# Silao\n\n**The vote** is [on](https://example.org).');
  });

  it('never lets raw HTML or a javascript: link through', () => {
    const t = compileBulletin(
      'x',
      '<script>alert(1)</script> <img src=x onerror=alert(1)>\n\n[a](javascript:alert(1))',
      'en',
    );
    const html = t.html(null);
    expect(html).not.toMatch(/<script|<img|href="javascript/i);
    expect(html).toContain('&lt;script&gt;');
  });

  it('fills the first name, escaped in HTML, else the field’s fallback, else the language’s word', () => {
    const t = compileBulletin(
      'Hola, {{supporter.firstName}}',
      'Hola, {{ supporter.firstName | compañera }}: **ya**',
      'es',
    );
    expect(t.subject('Ana')).toBe('Hola, Ana');
    expect(t.subject(null)).toBe('Hola, compa');
    expect(t.html('<b>Ana</b>')).toContain('Hola, &lt;b&gt;Ana&lt;/b&gt;: <strong>ya</strong>');
    expect(t.text('<b>Ana</b>')).toBe('Hola, <b>Ana</b>: **ya**');
    expect(t.html('  ')).toContain('Hola, compañera:');
    expect(compileBulletin('Hi {{supporter.firstName}}', '', 'en').subject(null)).toBe('Hi friend');
  });

  it('names unknown merge fields by language, and accepts the first name with a fallback', () => {
    expect(
      bulletinFieldProblems('body', { en: 'Hi {{supporter.firstName | pal}}', es: '{{supporter.email}}' }),
    ).toEqual([expect.objectContaining({ field: 'body.es', code: 'unknown_merge_field' })]);
  });

  it('scans a hostile body in linear time (no catastrophic backtracking)', () => {
    const hostile = `${'{{'.repeat(20_000)}${' '.repeat(20_000)}|${'}'.repeat(3)}`;
    const t = compileBulletin(hostile, hostile, 'en');
    expect(typeof t.html('Ana')).toBe('string');
  });

  it('picks the recipient’s language, else the other one', () => {
    expect(pickBulletinLocale({ en: 'a', es: 'b' }, 'es')).toBe('es');
    expect(pickBulletinLocale({ en: 'a' }, 'es')).toBe('en');
    expect(pickBulletinLocale({ es: 'b' }, 'en')).toBe('es');
  });
});
