import { toE164 } from './phone.js';

describe('toE164', () => {
  it('reads a national number with the form country', () => {
    expect(toE164('477 123 4567', 'MX')).toBe('+524771234567');
    expect(toE164('(313) 555-0123', 'Estados Unidos')).toBe('+13135550123');
  });
  it('reads an international number whatever the country', () => {
    expect(toE164('+52 477 123 4567', 'US')).toBe('+524771234567');
    expect(toE164('+1 313 555 0123')).toBe('+13135550123');
  });
  it('refuses what is not a valid number', () => {
    expect(toE164('12345', 'MX')).toBeNull();
    expect(toE164('call me', 'MX')).toBeNull();
    expect(toE164('313 555 0123')).toBeNull();
  });
});
