import { pledgeFormBody, rsvpFormBody, signFormBody } from './web-context.js';

describe('public form bodies (pages and embeds)', () => {
  const who = { email: 'ana@example.org', firstName: 'Ana' };

  it('reads a gift as people type it, and leaves what it cannot read for the DTO to refuse', () => {
    expect(
      pledgeFormBody({ ...who, kind: 'donate', amount: '$1,500', currency: 'mxn' }, 'es').amount,
    ).toEqual({
      amount: '1500',
      currency: 'MXN',
    });
    expect(pledgeFormBody({ ...who, kind: 'donate', amount: 'USD 25.50' }, 'en').amount).toEqual({
      amount: '25.50',
      currency: 'USD',
    });
    expect(pledgeFormBody({ ...who, kind: 'donate', amount: 'abc' }, 'en').amount).toEqual({
      amount: 'abc',
      currency: 'USD',
    });
    // Another kind ignores an amount rather than refusing the pledge.
    expect(pledgeFormBody({ ...who, kind: 'support', amount: '5' }, 'en')).not.toHaveProperty('amount');
  });

  it('takes a note only where the letter allows one, and guests as a number', () => {
    expect(signFormBody({ ...who, personalNote: 'Hola' }, 'es', false)).not.toHaveProperty('personalNote');
    expect(signFormBody({ ...who, personalNote: 'Hola', showPublicly: 'on' }, 'es', true)).toMatchObject({
      personalNote: 'Hola',
      showPublicly: true,
    });
    expect(rsvpFormBody({ ...who, guests: ' 2 ' }, 'en').guests).toBe(2);
    expect(rsvpFormBody({ ...who, guests: 'two' }, 'en').guests).toBe('two');
  });
});
