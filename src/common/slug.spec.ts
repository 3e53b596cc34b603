import { SLUG_PATTERN, slugify } from './slug.js';

describe('slugify', () => {
  it('makes a slug from a Spanish title with accents', () => {
    expect(slugify('Sindicato independiente en Silao')).toBe('sindicato-independiente-en-silao');
    expect(slugify('¡Solidaridad con las trabajadoras de Querétaro y Peñón!')).toBe(
      'solidaridad-con-las-trabajadoras-de-queretaro-y-penon',
    );
    expect(slugify('ÑANDÚ Über Ça')).toBe('nandu-uber-ca');
  });

  it('turns every run of other characters into one dash, and trims dashes at both ends', () => {
    expect(slugify('Hello, world')).toBe('hello-world');
    expect(slugify('  --Strike!! Fund 2026--  ')).toBe('strike-fund-2026');
    expect(slugify('a_b.c/d')).toBe('a-b-c-d');
    expect(slugify('¡¿!?')).toBe('');
  });

  it('is at most 60 characters by default', () => {
    expect(slugify('a'.repeat(80))).toBe('a'.repeat(60));
    expect(slugify('ab '.repeat(30))).toHaveLength(59); // cut after "ab-" … "ab-": the dash goes
  });

  it('never ends in a dash when cut', () => {
    expect(slugify('a'.repeat(59) + ' bcd', 61)).toBe('a'.repeat(59) + '-b');
    expect(slugify('a'.repeat(60) + ' b', 61)).toBe('a'.repeat(60));
    expect(slugify('abc def', 4)).toBe('abc');
  });

  it('makes slugs that SLUG_PATTERN accepts', () => {
    for (const title of ['Hello, world', '¡Solidaridad!', 'GM Silao 2026', 'x']) {
      expect(slugify(title)).toMatch(SLUG_PATTERN);
    }
  });
});

describe('SLUG_PATTERN', () => {
  it.each(['a', 'hello', 'hello-world', 'gm-silao-2026', '2026', 'a-b-c'])('accepts %j', (slug) => {
    expect(SLUG_PATTERN.test(slug)).toBe(true);
  });

  it.each([
    '',
    '-',
    '-hello',
    'hello-',
    'hello--world',
    'Hello',
    'hello world',
    'hello_world',
    'peña',
    'x/hello',
    'hello/x',
    '-a-b',
  ])('refuses %j', (slug) => {
    expect(SLUG_PATTERN.test(slug)).toBe(false);
  });
});
