import { formatCount, formatLongDate, formatMoneyCode, formatPercent } from './locale-format.js';

describe('locale formats', () => {
  it('groups thousands as Mexico and the US do', () => {
    expect(formatCount(1204, 'en')).toBe('1,204');
    expect(formatCount(1204, 'es')).toBe('1,204');
    expect(formatCount(7, 'es')).toBe('7');
  });

  it('writes money with its currency code, decimals only when there are cents', () => {
    expect(formatMoneyCode('540.94', 'USD', 'en')).toBe('USD 540.94');
    expect(formatMoneyCode('20000.00', 'USD', 'en')).toBe('USD 20,000');
    expect(formatMoneyCode('1500', 'MXN', 'es')).toBe('MXN 1,500');
    expect(formatMoneyCode('1234567.5', 'MXN', 'es')).toBe('MXN 1,234,567.50');
  });

  it('writes a percentage with at most one decimal', () => {
    expect(formatPercent('2.70', 'en')).toBe('2.7%');
    expect(formatPercent(30, 'es')).toBe('30%');
    expect(formatPercent(0.04, 'en')).toBe('0%');
  });

  it('writes the date in words in each language', () => {
    const d = new Date('2026-03-14T17:05:09Z');
    expect(formatLongDate(d, 'en')).toBe('March 14, 2026');
    expect(formatLongDate(d, 'es')).toBe('14 de marzo de 2026');
  });
});
