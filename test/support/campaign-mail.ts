import { randomUUID } from 'node:crypto';
import { ReminderWorker, type TickResult } from '../../src/reminders/reminder.worker.js';
import { RemindersService } from '../../src/reminders/reminders.service.js';
import type { TestApp } from './test-app.js';

/** A supporter who consented to campaign email, made through the public pledge form; answers her id. */
export async function consentingSupporter(t: TestApp, campaignSlug: string, email: string): Promise<string> {
  const res = await t.http
    .post(`/api/public/campaigns/${campaignSlug}/pledges`)
    .send({ email, firstName: 'Ana', consentEmail: true, kind: 'support' });
  if (res.status >= 300) throw new Error(`pledge → ${res.status} ${JSON.stringify(res.body)}`);
  const { rows } = await t.db.query<{ id: string }>('SELECT id FROM supporters WHERE email = $1', [email]);
  return rows[0].id;
}

/**
 * A campaign mail (non-transactional: it carries the unsubscribe link) to one supporter, queued due
 * now and handed to the worker at once; answers the worker's tick.
 */
export async function sendCampaignMail(
  t: TestApp,
  campaignId: string,
  supporterId: string,
): Promise<TickResult> {
  await t.app.get(RemindersService).schedule(undefined, {
    kind: 'campaign-news',
    template: 'deadline-reminder',
    subjectType: 'campaign',
    subjectId: campaignId,
    campaignId,
    supporterId,
    locale: 'en',
    data: {
      letterTitle: 'Letter to the USTR',
      deadline: 'March 20, 2030',
      signUrl: `${t.config.publicBaseUrl}/c/x`,
    },
    dueAt: t.clock.now(),
    dedupeKey: `test:${randomUUID()}`,
    sendNowIfPast: true,
  });
  return t.app.get(ReminderWorker).tick();
}
