import { mayReceiveCampaignEmailSql } from '../supporters/supporters.service.js';
import { mayReceiveBulletin, mayReceiveBulletinSql } from './eligibility.js';

// The JavaScript side of the twin pair; test/twins.e2e-spec.ts runs both on every combination in the
// real PostgreSQL and requires the same answers.
describe('mayReceiveBulletin: who may get a bulletin', () => {
  const NOW = new Date('2026-02-01T12:00:00Z');
  const ok = { emailConsent: true, unsubscribedAt: null, erasedAt: null, bouncedAt: null };

  it('takes a consenting, subscribed, not erased, not bounced supporter', () => {
    expect(mayReceiveBulletin(ok)).toBe(true);
  });

  it.each([
    ['without consent', { emailConsent: false }],
    ['unsubscribed', { unsubscribedAt: NOW }],
    ['erased', { erasedAt: NOW }],
    ['whose address bounced for good', { bouncedAt: NOW }],
  ])('refuses a supporter %s', (_, change) => {
    expect(mayReceiveBulletin({ ...ok, ...change })).toBe(false);
  });
});

describe('mayReceiveBulletinSql', () => {
  it('is the campaign-email rule and "not bounced", on the alias it is given', () => {
    expect(mayReceiveBulletinSql('x')).toBe(`(${mayReceiveCampaignEmailSql('x')} AND x.bounced_at IS NULL)`);
    expect(mayReceiveBulletinSql('s')).toContain('s.bounced_at IS NULL');
  });
});
