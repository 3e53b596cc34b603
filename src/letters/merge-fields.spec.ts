import vm from 'node:vm';
import {
  MERGE_FIELDS,
  mergeFieldProblems,
  renderForTarget,
  renderLetter,
  replaceMergeFields,
  unknownMergeFields,
  usesSupporterFields,
} from './merge-fields.js';

/**
 * Runs `fn` so that jest's default test timeout (5 s) stops it even while it blocks: a backtracking
 * regular expression never yields, so jest's own timer could not fire until it had finished (hours).
 */
function stoppedAtJestTimeout<T>(fn: () => T): T {
  return vm.runInNewContext('fn()', { fn }, { timeout: 5_000 }) as T;
}

describe('merge fields', () => {
  it('finds unknown fields, tolerating spaces inside the braces', () => {
    expect(unknownMergeFields('Dear {{ target.name }}, from {{supporter.firstName}}')).toEqual([]);
    expect(unknownMergeFields('{{supporter.email}} {{target.name}} {{ foo }}')).toEqual([
      'supporter.email',
      'foo',
    ]);
    expect(unknownMergeFields('{{ foo }} and {{foo}} again')).toEqual(['foo']);
  });

  it('names body.en / body.es and the field in the error details', () => {
    const details = mergeFieldProblems('body', { en: 'Hi {{supporter.email}}', es: 'Hola {{target.name}}' });
    expect(details).toEqual([
      {
        field: 'body.en',
        code: 'unknown_merge_field',
        message:
          'body.en uses an unknown merge field {{supporter.email}}; known: {{target.name}}, {{target.title}}, ' +
          '{{target.organization}}, {{supporter.firstName}}, {{supporter.lastName}}, {{supporter.city}}, ' +
          '{{supporter.region}}, {{supporter.country}}',
      },
    ]);
  });

  it('checks a letter in one language only, and no letter at all', () => {
    expect(mergeFieldProblems('subject', { es: 'Hola {{ nombre }}' })).toMatchObject([
      { field: 'subject.es', code: 'unknown_merge_field' },
    ]);
    expect(mergeFieldProblems('subject', { en: 'Hello {{target.name}}' })).toEqual([]);
    expect(mergeFieldProblems('subject', undefined)).toEqual([]);
  });

  it('knows which letters need a single signer', () => {
    expect(usesSupporterFields('From {{ supporter.city }}')).toBe(true);
    expect(usesSupporterFields('{{target.name}} and {{supporter.lastName}}')).toBe(true);
    expect(usesSupporterFields('Dear {{target.name}}')).toBe(false);
    expect(usesSupporterFields('Dear {{target.supporter.}}')).toBe(false);
    expect(usesSupporterFields('No fields at all')).toBe(false);
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

  it('renders every field, with spaces inside the braces, and leaves unknown fields as written', () => {
    const text =
      '{{ target.name }}|{{target.title}}|{{target.organization}}|{{supporter.firstName}}|' +
      '{{supporter.lastName}}|{{supporter.city}}|{{supporter.region}}|{{supporter.country}}|{{ other }}';
    const out = renderLetter(
      text,
      { name: 'Katherine Tai', title: 'Trade Representative', organization: 'USTR' },
      { firstName: 'Ana', lastName: 'Peña', city: 'Silao', region: 'Guanajuato', country: 'MX' },
      'en',
    );
    expect(out).toBe('Katherine Tai|Trade Representative|USTR|Ana|Peña|Silao|Guanajuato|MX|{{ other }}');
  });

  it('renders a field with no value as empty', () => {
    const text = '[{{target.title}}][{{target.organization}}][{{supporter.lastName}}][{{supporter.city}}]';
    expect(renderLetter(text, { name: 'A', title: null }, { lastName: null }, 'en')).toBe('[][][][]');
    expect(renderLetter('[{{target.name}}]', [], null, 'en')).toBe('[]');
  });

  it('lists several targets in the letter language: "A, B and C" / "A, B y C"', () => {
    const targets = [{ name: 'A' }, { name: 'B' }, { name: 'C' }];
    expect(renderLetter('{{target.name}}', targets, null, 'en')).toBe('A, B and C');
    expect(renderLetter('{{target.name}}', targets, null, 'es')).toBe('A, B y C');
    expect(renderLetter('{{target.name}}', targets.slice(0, 2), null, 'en')).toBe('A and B');
    expect(renderLetter('{{target.name}}', targets.slice(0, 1), null, 'es')).toBe('A');
  });

  it('lists only the targets that have the field', () => {
    const targets = [
      { name: 'A', title: 'Secretary', organization: 'DOL' },
      { name: 'B', title: null },
      { name: 'C', title: 'Representative', organization: 'USTR' },
    ];
    expect(renderLetter('{{target.title}}', targets, null, 'en')).toBe('Secretary and Representative');
    expect(renderLetter('{{target.organization}}', targets, null, 'es')).toBe('DOL y USTR');
  });

  it('uses placeholders in the letter language when there is no single signer', () => {
    const text = MERGE_FIELDS.filter((f) => f.startsWith('supporter.'))
      .map((f) => `{{${f}}}`)
      .join(' ');
    expect(renderLetter(text, { name: 'A' }, null, 'en')).toBe(
      '[first name] [last name] [city] [region] [country]',
    );
    expect(renderLetter(text, { name: 'A' }, null, 'es')).toBe(
      '[nombre] [apellido] [ciudad] [estado] [país]',
    );
    expect(renderLetter('{{target.name}} — {{supporter.firstName}}', [{ name: 'A' }], null, 'es')).toBe(
      'A — [nombre]',
    );
  });

  it('reads "{{" followed by thousands of spaces as plain text (the pattern does not backtrack)', () => {
    const body = `Dear {{${' '.repeat(10_000)}`;
    expect(stoppedAtJestTimeout(() => renderLetter(body, { name: 'A' }, null, 'en'))).toBe(body);
    expect(stoppedAtJestTimeout(() => unknownMergeFields(body))).toEqual([]);
    expect(stoppedAtJestTimeout(() => usesSupporterFields(body))).toBe(false);
    const many = '{{ '.repeat(5_000) + ' '.repeat(5_000) + '{{target.name}}';
    expect(stoppedAtJestTimeout(() => renderLetter(many, { name: 'A' }, null, 'en'))).toBe(
      `${'{{ '.repeat(5_000)}${' '.repeat(5_000)}A`,
    );
    expect(stoppedAtJestTimeout(() => unknownMergeFields(`{{${' '.repeat(10_000)}}}`))).toEqual(['']);
  });

  it('writes the letter for the target with no placeholder: a signature block becomes "the undersigned"', () => {
    const es =
      'Estimada {{target.name}}:\n\nApoyamos a las y los trabajadores.\n\nAtentamente,\n{{supporter.firstName}} {{supporter.lastName}}, {{supporter.city}}';
    expect(renderForTarget(es, { name: 'Secretaría del Trabajo' }, 'es')).toBe(
      'Estimada Secretaría del Trabajo:\n\nApoyamos a las y los trabajadores.\n\nAtentamente,\nLas personas abajo firmantes',
    );
    const en =
      'Dear {{target.name}}, we, {{ supporter.firstName }}\t{{supporter.lastName}}, write from {{supporter.city}}.';
    expect(renderForTarget(en, { name: 'USTR' }, 'en')).toBe(
      'Dear USTR, we, the undersigned, write from our communities.',
    );
    // A signature block over several lines is one run; a tab inside the braces is still a field.
    expect(
      renderForTarget(
        '{{supporter.firstName}}\n{{supporter.city}},\n{{\tsupporter.country}}',
        { name: 'A' },
        'en',
      ),
    ).toBe('The undersigned');
    for (const text of [en, es, 'x {{supporter.region}} y', '{{supporter.country}}'])
      for (const l of ['en', 'es'] as const)
        expect(renderForTarget(text, { name: 'A' }, l)).not.toMatch(/[[\]{}]/);
  });

  it('says "the undersigned" for a run with a name, capitalised only where a line starts', () => {
    expect(renderForTarget('Firmado: {{supporter.lastName}}', { name: 'A' }, 'es')).toBe(
      'Firmado: las personas abajo firmantes',
    );
    expect(
      renderForTarget('Sincerely,\n   {{supporter.firstName}} {{ supporter.lastName }}', { name: 'A' }, 'en'),
    ).toBe('Sincerely,\n   The undersigned');
    expect(
      renderForTarget('Sincerely, {{supporter.firstName}}\n{{supporter.region}}', { name: 'A' }, 'en'),
    ).toBe('Sincerely, the undersigned');
  });

  it('finds signature blocks in a long letter without backtracking', () => {
    const body = `{{supporter.city}}${' '.repeat(20_000)}x`.repeat(3) + `{{${' '.repeat(10_000)}`;
    expect(stoppedAtJestTimeout(() => renderForTarget(body, { name: 'A' }, 'en'))).toContain(
      'Our communities',
    );
  });

  it('replaces every {{…}} with what the callback answers for its trimmed inside and the whole field', () => {
    const seen: [string, string][] = [];
    const out = replaceMergeFields('Dear {{ target.name }}, from {{x}}.', (inner, whole) => {
      seen.push([inner, whole]);
      return `<${inner}>`;
    });
    expect(out).toBe('Dear <target.name>, from <x>.');
    expect(seen).toEqual([
      ['target.name', '{{ target.name }}'],
      ['x', '{{x}}'],
    ]);
  });
});
