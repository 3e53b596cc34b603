import { slugify } from './slug.js';

describe('slugify', () => {
  it('makes a slug from a Spanish title with accents', () => {
    expect(slugify('Sindicato independiente en Silao')).toBe('sindicato-independiente-en-silao');
    expect(slugify('¡Solidaridad con las trabajadoras de Querétaro y Peñón!')).toBe(
      'solidaridad-con-las-trabajadoras-de-queretaro-y-penon',
    );
  });
  it('never ends in a dash when cut', () => {
    expect(slugify('a'.repeat(59) + ' bcd', 61)).toBe('a'.repeat(59) + '-b');
    expect(slugify('a'.repeat(60) + ' b', 61)).toBe('a'.repeat(60));
  });
});
