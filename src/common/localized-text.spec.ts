import 'reflect-metadata';
import { validate } from 'class-validator';
import {
  IsLocalizedText,
  cleanLocalizedText,
  localize,
  localizedTextProblem,
  pickLocale,
  type LocalizedText,
} from './localized-text.js';

describe('LocalizedText', () => {
  it('accepts one or both languages', () => {
    expect(localizedTextProblem({ en: 'Solidarity' }, 100)).toBeNull();
    expect(localizedTextProblem({ en: 'Solidarity', es: 'Solidaridad' }, 100)).toBeNull();
    expect(localizedTextProblem({ en: 'Solidarity', es: ' ' }, 100)).toBeNull(); // one text is enough
  });

  it('refuses another language, no text, non-strings and overlong text', () => {
    expect(localizedTextProblem({ fr: 'Solidarité' }, 100)).toContain('fr');
    expect(localizedTextProblem({ fr: 'Solidarité', en: 'x', de: 'Solidarität' }, 100)).toBe(
      'has a language other than en and es: fr, de',
    );
    expect(localizedTextProblem({ en: '', es: '  ' }, 100)).toBe('needs a text in English or Spanish');
    expect(localizedTextProblem({}, 100)).toBe('needs a text in English or Spanish');
    expect(localizedTextProblem({ en: 5 }, 100)).toBe('must hold strings');
    expect(localizedTextProblem({ en: 'Solidarity', es: 5 }, 100)).toBe('must hold strings');
    expect(localizedTextProblem({ en: 'x'.repeat(101) }, 100)).toBe(
      'must be at most 100 characters per language',
    );
    expect(localizedTextProblem({ en: 'short', es: 'x'.repeat(101) }, 100)).toContain('at most 100');
  });

  it('allows exactly the maximum length', () => {
    expect(localizedTextProblem({ en: 'x'.repeat(100) }, 100)).toBeNull();
  });

  it.each([['hello'], [null], [undefined], [['en', 'x']], [42]])('refuses %j as not an object', (value) => {
    expect(localizedTextProblem(value, 100)).toBe('must be an object like {"en": "...", "es": "..."}');
  });

  it('validates a DTO field with IsLocalizedText, naming the field and the problem', async () => {
    class Dto {
      @IsLocalizedText(10)
      title!: LocalizedText;
    }
    const problems = async (title: unknown) =>
      (await validate(Object.assign(new Dto(), { title }))).flatMap((e) =>
        Object.values(e.constraints ?? {}),
      );
    expect(await problems({ en: 'Strike' })).toEqual([]);
    expect(await problems({ en: 'x'.repeat(11) })).toEqual([
      'title must be at most 10 characters per language',
    ]);
    expect(await problems({ fr: 'Grève' })).toEqual(['title has a language other than en and es: fr']);
    expect(await problems('Strike')).toEqual(['title must be an object like {"en": "...", "es": "..."}']);
    // The constraint's name is the error code the API answers with (common/validation.ts).
    const [error] = await validate(Object.assign(new Dto(), { title: {} }));
    expect(error.constraints).toEqual({ isLocalizedText: 'title needs a text in English or Spanish' });
  });

  it('cleans a text: trims each language and drops the empty ones', () => {
    expect(cleanLocalizedText({ en: '  Solidarity ', es: '   ' })).toEqual({ en: 'Solidarity' });
    expect(cleanLocalizedText({ es: 'Solidaridad' })).toEqual({ es: 'Solidaridad' });
    expect(cleanLocalizedText({ en: 'a', es: ' b ' })).toEqual({ en: 'a', es: 'b' });
    expect(cleanLocalizedText({})).toEqual({});
  });

  it('falls back to the other language, either way round, else to nothing', () => {
    expect(localize({ es: 'Solidaridad' }, 'en')).toBe('Solidaridad');
    expect(localize({ en: 'Solidarity' }, 'es')).toBe('Solidarity');
    expect(localize({ en: 'Solidarity', es: 'Solidaridad' }, 'es')).toBe('Solidaridad');
    expect(localize({ en: 'Solidarity', es: 'Solidaridad' }, 'en')).toBe('Solidarity');
    expect(localize({}, 'en')).toBe('');
    expect(localize(null, 'es')).toBe('');
    expect(localize(undefined, 'en')).toBe('');
  });
});

describe('pickLocale', () => {
  it('takes ?lang first, then Accept-Language, then the default', () => {
    expect(pickLocale('es', 'en-US', 'en')).toBe('es');
    expect(pickLocale('en', 'es-MX', 'es')).toBe('en');
    expect(pickLocale(undefined, 'fr-FR, es-MX;q=0.8, en;q=0.5', 'en')).toBe('es');
    expect(pickLocale('fr', undefined, 'es')).toBe('es');
    expect(pickLocale(undefined, '', 'es')).toBe('es');
  });

  it('falls back to the default when no language in the header is English or Spanish', () => {
    expect(pickLocale(undefined, 'fr-FR', 'es')).toBe('es');
    expect(pickLocale(undefined, 'fr-FR', 'en')).toBe('en');
    expect(pickLocale(undefined, 'de, fr;q=0.5, *;q=0.1', 'es')).toBe('es');
  });

  it('ranks by q-value, not by the order in the header', () => {
    expect(pickLocale(undefined, 'en;q=0.5, es;q=0.9', 'en')).toBe('es');
    expect(pickLocale(undefined, 'es;q=0.5, en;q=0.9', 'es')).toBe('en');
    expect(pickLocale(undefined, 'en-GB;q=0.2, fr, es-419;q=0.7, en-US;q=0.3', 'en')).toBe('es');
    expect(pickLocale(undefined, 'es-MX, en;q=0.9', 'en')).toBe('es'); // no q means 1
  });

  it('never picks a language the reader refuses with q=0', () => {
    expect(pickLocale(undefined, 'es;q=0', 'en')).toBe('en');
    expect(pickLocale(undefined, 'es;q=0, en;q=0', 'es')).toBe('es');
    expect(pickLocale(undefined, 'en;q=0, fr', 'es')).toBe('es');
  });

  it('reads case and spaces around tags and parameters', () => {
    expect(pickLocale(undefined, 'ES-mx', 'en')).toBe('es');
    expect(pickLocale(undefined, 'es; q=0.5, en; q=0.8', 'es')).toBe('en');
    expect(pickLocale(undefined, 'es; q=0.5', 'en')).toBe('es');
    expect(pickLocale(undefined, 'fr,es ;q=0.5 , en ; q=0.2', 'en')).toBe('es');
  });

  it('finds q among other parameters', () => {
    expect(pickLocale(undefined, 'es;v=0;q=0.9, en;q=0.5', 'en')).toBe('es');
  });
});
