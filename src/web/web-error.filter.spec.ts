import { errorKey } from './web-error.filter.js';

describe('errorKey (what a supporter reads for an error code)', () => {
  it.each(['campaign_not_active', 'event_cancelled', 'event_completed', 'event_started'])(
    '%s reads as closed',
    (code) => expect(errorKey(409, code)).toBe('error.closed'),
  );

  it('reads any other 409 as a conflict, also codes that merely look alike', () => {
    for (const code of ['rsvp_deadline_passed', 'letter_not_open', 'no_room', 'event_scheduled', 'closed_x'])
      expect(errorKey(409, code)).toBe('error.conflict');
  });

  it('maps the statuses and the link and rate codes first', () => {
    expect(errorKey(400, 'invalid_link')).toBe('error.badLink');
    expect(errorKey(429)).toBe('error.rateLimited');
    expect(errorKey(410, 'letter_deadline_passed')).toBe('error.closed');
    expect(errorKey(404, 'campaign_not_active')).toBe('error.notFound');
    expect(errorKey(503)).toBe('error.unavailable');
    expect(errorKey(400, 'bad_input')).toBe('error.generic');
  });
});
