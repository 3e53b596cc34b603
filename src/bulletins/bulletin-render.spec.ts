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

  it('keeps a subject on one line: runs of white space become one space, ends trimmed', () => {
    expect(compileBulletin('  News\n\n from   Silao ', '', 'en').subject(null)).toBe('News from Silao');
    expect(compileBulletin('\tHi, {{supporter.firstName}}\r\n', '', 'en').subject('Ana')).toBe('Hi, Ana');
  });

  it('reads any line ending as one and trims the text part', () => {
    const t = compileBulletin('x', '\n\nOne\r\nTwo\rThree\r\n\r\nFour\n\n', 'en');
    expect(t.text(null)).toBe('One\nTwo\nThree\n\nFour');
    expect(t.html(null)).toBe('<p>One\nTwo\nThree</p>\n<p>Four</p>\n');
  });

  it('links bare addresses, and leaves quotes, dashes and (c) as typed (no typographer)', () => {
    const t = compileBulletin('x', 'See https://example.org/vote -- "now" (c)', 'en');
    expect(t.html(null)).toBe(
      '<p>See <a href="https://example.org/vote">https://example.org/vote</a> -- &quot;now&quot; (c)</p>\n',
    );
  });

  it('leaves an unknown merge field as typed text', () => {
    const t = compileBulletin('{{supporter.email}} {{supporter.firstName}}', '{{ supporter.email }}', 'en');
    expect(t.subject('Ana')).toBe('{{supporter.email}} Ana');
    expect(t.text('Ana')).toBe('{{ supporter.email }}');
    expect(t.html('Ana')).toBe('<p>{{ supporter.email }}</p>\n');
  });

  it('drops a \\u0001 that came in, so the fields land where they were written', () => {
    const t = compileBulletin(
      'A\u0001B {{supporter.firstName}} C',
      'A\u0001B {{supporter.firstName}} C',
      'en',
    );
    expect(t.subject('Ana')).toBe('AB Ana C');
    expect(t.text('Ana')).toBe('AB Ana C');
    expect(t.html('Ana')).toBe('<p>AB Ana C</p>\n');
  });

  it('fills every one of many fields (markers with two digits), each where it was written', () => {
    const body = Array.from({ length: 12 }, (_, i) => `${i}:{{supporter.firstName}}`).join(' ');
    const expected = Array.from({ length: 12 }, (_, i) => `${i}:Ana`).join(' ');
    const t = compileBulletin('x', body, 'en');
    expect(t.text('Ana')).toBe(expected);
    expect(t.html('Ana')).toBe(`<p>${expected}</p>\n`);
  });

  it('leaves a field out of the HTML where Markdown copied it (a linked address), never a marker', () => {
    const t = compileBulletin(
      'x',
      'Hi {{supporter.firstName}}: https://example.org/{{supporter.firstName}}',
      'en',
    );
    const link = 'https://example.org/';
    expect(t.html('Ana')).toBe(`<p>Hi : <a href="${link}">${link}</a></p>\n`);
    expect(t.text('Ana')).toBe(`Hi Ana: ${link}Ana`);
    // With eleven fields before it, the copied marker has two digits.
    const many = `${'{{supporter.firstName}} '.repeat(11)}https://example.org/{{supporter.firstName}}`;
    expect(compileBulletin('x', many, 'en').html('Ana')).toBe(
      `<p>${' '.repeat(10)} <a href="${link}">${link}</a></p>\n`,
    );
  });

  it('checks only the languages given, and says which field is unknown and what is known', () => {
    expect(bulletinFieldProblems('subject', undefined)).toEqual([]);
    expect(bulletinFieldProblems('subject', { es: 'Hola, {{supporter.firstName}}' })).toEqual([]);
    expect(bulletinFieldProblems('subject', { en: 'Hi {{ supporter.city }}', es: '' })).toEqual([
      {
        field: 'subject.en',
        code: 'unknown_merge_field',
        message:
          'subject.en uses an unknown merge field {{supporter.city}}; known: {{supporter.firstName}} (with an optional fallback: {{supporter.firstName | friend}})',
      },
    ]);
    expect(bulletinFieldProblems('body', { en: '{{|friend}} {{ supporter.firstName|pal }}' })).toEqual([
      expect.objectContaining({ field: 'body.en', message: expect.stringContaining('{{|friend}}') }),
    ]);
  });
});
