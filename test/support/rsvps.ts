import { RSVP_MANAGE_PURPOSE } from '../../src/events/event-reminders.js';
import { SignedTokens } from '../../src/common/signed-token.js';
import type { TestApp } from './test-app.js';

/**
 * What a supporter finds in her mailbox after an RSVP: the signed manage token of the RSVP of `email`
 * at the event (`{id}`, or `{slug}` when the slug is unique in the test), as the confirmation mail's
 * link carries it. The public answer never carries one (issue 18); tests that are not about the mail
 * itself read it here instead of parsing mails.
 */
export async function rsvpOf(
  t: TestApp,
  event: { id: string } | { slug: string },
  email: string,
): Promise<{ id: string; status: string; token: string }> {
  const byId = 'id' in event;
  const { rows } = await t.db.query(
    `SELECT r.id, r.status::text AS status FROM rsvps r
       JOIN supporters s ON s.id = r.supporter_id JOIN events e ON e.id = r.event_id
      WHERE ${byId ? 'e.id = $1' : 'e.slug = $1'} AND s.email = lower($2)`,
    [byId ? event.id : event.slug, email],
  );
  const row = rows[0] as { id: string; status: string } | undefined;
  if (!row) throw new Error(`no RSVP of ${email}`);
  return { ...row, token: t.app.get(SignedTokens).sign(RSVP_MANAGE_PURPOSE, row.id) };
}
