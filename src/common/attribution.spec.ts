import { cleanShareCode, cleanSource } from './attribution.js';

describe('cleanSource', () => {
  it('keeps a plain label, lower-cased', () => {
    expect(cleanSource('Newsletter')).toBe('newsletter');
    expect(cleanSource('fb-ad_2.v1')).toBe('fb-ad_2.v1');
  });
  it('drops what is outside the charset and turns spaces into dashes', () => {
    expect(cleanSource('Sindicato Minero!')).toBe('sindicato-minero');
    expect(cleanSource('<script>alert(1)</script>')).toBe('scriptalert1script');
    expect(cleanSource('Señal')).toBe('senal');
  });
  it('bounds the length', () => {
    expect(cleanSource('a'.repeat(500))).toHaveLength(64);
  });
  it('is nothing when nothing is left', () => {
    expect(cleanSource('¡¡¡')).toBeUndefined();
    expect(cleanSource('')).toBeUndefined();
    expect(cleanSource(42)).toBeUndefined();
  });
});

describe('cleanShareCode', () => {
  it('accepts an opaque code', () => {
    expect(cleanShareCode(' AB12cd34ef56 ')).toBe('ab12cd34ef56');
  });
  it('refuses anything else', () => {
    expect(cleanShareCode('short')).toBeUndefined();
    expect(cleanShareCode('ana@example.org')).toBeUndefined();
    expect(cleanShareCode(['x'])).toBeUndefined();
  });
});
