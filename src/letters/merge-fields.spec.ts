import { mergeFieldProblems, renderLetter, unknownMergeFields } from './merge-fields.js';

describe('merge fields', () => {
  it('finds unknown fields, tolerating spaces inside the braces', () => {
    expect(unknownMergeFields('Dear {{ target.name }}, from {{supporter.firstName}}')).toEqual([]);
    expect(unknownMergeFields('{{supporter.email}} {{target.name}} {{ foo }}')).toEqual([
      'supporter.email',
      'foo',
    ]);
  });

  it('names body.en / body.es and the field in the error details', () => {
    const details = mergeFieldProblems('body', { en: 'Hi {{supporter.email}}', es: 'Hola {{target.name}}' });
    expect(details).toHaveLength(1);
    expect(details[0]).toMatchObject({ field: 'body.en', code: 'unknown_merge_field' });
    expect(details[0].message).toContain('supporter.email');
  });

  it('renders per target and signer, as plain text without interpreting values', () => {
    const text = 'Dear {{target.title}} {{target.name}}: {{supporter.firstName}} from {{supporter.city}}';
    const out = renderLetter(
      text,
      { name: 'Katherine <b>', title: 'Secretary' },
      { firstName: '{{target.name}}', city: 'Querétaro' },
      'en',
    );
    expect(out).toBe('Dear Secretary Katherine <b>: {{target.name}} from Querétaro');
  });

  it('lists several targets and uses placeholders when there is no single signer', () => {
    const out = renderLetter(
      '{{target.name}} — {{supporter.firstName}}',
      [{ name: 'A' }, { name: 'B' }, { name: 'C' }],
      null,
      'es',
    );
    expect(out).toBe('A, B y C — [nombre]');
  });
});
