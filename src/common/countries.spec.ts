import { countryCode, countryName, countryOptions } from './countries.js';

describe('countries as people type them', () => {
  it.each([
    ['MX', 'MX'],
    ['mx', 'MX'],
    [' us ', 'US'],
    ['México', 'MX'],
    ['Mexico', 'MX'],
    ['mexico', 'MX'],
    ['MÉXICO', 'MX'],
    ['Méjico', 'MX'],
    ['Estados Unidos', 'US'],
    ['estados unidos', 'US'],
    ['United States', 'US'],
    ['USA', 'US'],
    ['U.S.A.', 'US'],
    ['EE. UU.', 'US'],
    ['EEUU', 'US'],
    ['Canadá', 'CA'],
    ['Canada', 'CA'],
    ['Guatemala', 'GT'],
    ['Reino Unido', 'GB'],
    ['UK', 'GB'],
    ['Alemania', 'DE'],
    ['Germany', 'DE'],
  ])('%j → %s', (typed, code) => {
    expect(countryCode(typed)).toBe(code);
  });

  it.each(['', 'Narnia', 'XX', 'ZZ', 'Detroit', 'M', 'Mexic'])('%j names no country', (typed) => {
    expect(countryCode(typed)).toBeNull();
  });

  it('names a country in each language, and leaves a non-country as typed', () => {
    expect(countryName('MX', 'es')).toBe('México');
    expect(countryName('MX', 'en')).toBe('Mexico');
    expect(countryName('US', 'es')).toBe('Estados Unidos');
    expect(countryName('XX', 'en')).toBe('XX');
  });

  it('offers every country once, Mexico, the US and Canada first, the rest by name in the language', () => {
    const es = countryOptions('es');
    expect(es.slice(0, 3).map((c) => c.code)).toEqual(['MX', 'US', 'CA']);
    expect(new Set(es.map((c) => c.code)).size).toBe(es.length);
    expect(es.length).toBe(249);
    const rest = es.slice(3).map((c) => c.name);
    expect(rest).toEqual([...rest].sort(new Intl.Collator('es').compare));
    // every name offered is understood back
    for (const { code, name } of [...es, ...countryOptions('en')]) expect(countryCode(name)).toBe(code);
  });
});
