import { localize, localizedTextProblem, pickLocale } from './localized-text.js';

describe('LocalizedText', () => {
  it('accepts one or both languages', () => {
    expect(localizedTextProblem({ en: 'Solidarity' }, 100)).toBeNull();
    expect(localizedTextProblem({ en: 'Solidarity', es: 'Solidaridad' }, 100)).toBeNull();
  });
  it('refuses another language, no text, non-strings and overlong text', () => {
    expect(localizedTextProblem({ fr: 'Solidarité' }, 100)).toContain('fr');
    expect(localizedTextProblem({ en: '', es: '  ' }, 100)).toContain('needs a text');
    expect(localizedTextProblem({ en: 5 }, 100)).toContain('strings');
    expect(localizedTextProblem({ en: 'x'.repeat(101) }, 100)).toContain('at most 100');
    expect(localizedTextProblem('hello', 100)).toContain('object');
  });
  it('falls back to the other language', () => {
    expect(localize({ es: 'Solidaridad' }, 'en')).toBe('Solidaridad');
    expect(localize({ en: 'Solidarity', es: 'Solidaridad' }, 'es')).toBe('Solidaridad');
    expect(localize(null, 'es')).toBe('');
  });
  it('picks the reader language from ?lang, then Accept-Language, then the default', () => {
    expect(pickLocale('es', 'en-US', 'en')).toBe('es');
    expect(pickLocale(undefined, 'fr-FR, es-MX;q=0.8, en;q=0.5', 'en')).toBe('es');
    expect(pickLocale('fr', undefined, 'es')).toBe('es');
  });
});
