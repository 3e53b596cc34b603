import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { isLocale, type Locale } from '../common/localized-text.js';
import { displayMoney } from '../common/money.js';
import { publicLinks } from '../common/public-links.js';
import { AppConfig } from '../config/config.js';
import { EventReminders } from '../events/event-reminders.js';
import { LetterActionsService } from '../letters/letter-actions.service.js';
import type { TemplateDataMap } from '../mail/templates/templates.js';
import {
  RemindersService,
  type ReminderHookAnswer,
  type ReminderToSend,
} from '../reminders/reminders.service.js';
import { NextStepService, type GivingLine } from './next-step.service.js';

/** The reminder kind (and template) of the thank-you after a signature or a pledge. */
export const ACTION_THANKS = 'action-thanks';

/**
 * At most this many thank-yous per supporter per hour: a busy supporter (three letters, a pledge and
 * an RSVP in a row) is not flooded, and thank-yous never eat the address's hourly cap
 * (MAIL_MAX_PER_ADDRESS_PER_HOUR) that a data link or a confirmation needs.
 */
export const THANKS_PER_HOUR = 2;

/**
 * What an `action-thanks` reminder keeps until it is sent: only what the form had (the campaign and
 * letter it was sent on, the pledge's kind and amount, the first name as typed), never fields read
 * from the supporter's stored record.
 */
export interface ActionThanksQueued {
  action: 'letter' | 'pledge';
  campaignSlug: string;
  actionSlug?: string;
  pledgeKind?: string;
  firstName?: string;
  amount?: { amount: string; currency: string };
}

const METHOD: Record<Locale, Record<GivingLine['method'], string>> = {
  en: { link: 'Online payment', bank: 'Bank transfer', oxxo: 'OXXO deposit', other: 'Other' },
  es: {
    link: 'Pago en línea',
    bank: 'Transferencia bancaria',
    oxxo: 'Depósito en OXXO',
    other: 'Otra forma',
  },
};

/** One way to give as a mail line: "MXN · OXXO deposit: card 4152… — https://…". */
export function givingLine(g: GivingLine, lang: Locale): string {
  const what = [g.details, g.url].filter(Boolean).join(' — ');
  return `${g.currency} · ${METHOD[lang][g.method]}${what ? `: ${what}` : ''}`;
}

/**
 * Renders the thank-you when it is sent (the worker sends it from the organization's sender name with
 * its reply-to): the letter's title and the campaign's in the mail's language, the next step from
 * {@link NextStepService} (the same one the thank-you page shows), share links and, after a donate
 * pledge, how to give.
 */
@Injectable()
export class ActionThanksMail implements OnModuleInit {
  constructor(
    private readonly reminders: RemindersService,
    private readonly campaigns: CampaignsService,
    private readonly letters: LetterActionsService,
    private readonly next: NextStepService,
    private readonly config: AppConfig,
    private readonly events: EventReminders,
    private readonly dataSource: DataSource,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.reminders.onSend(ACTION_THANKS, (r) => this.atSendTime(r));
    // The RSVP confirmation ends with the same next step as the page after RSVPing, and share links.
    this.events.setConfirmationExtras(async (row, lang) => {
      const next = await this.next.next(row.campaignSlug, lang, { kind: 'event', slug: row.eventSlug });
      return {
        shareUrl: publicLinks.event(this.config.publicBaseUrl, row.campaignSlug, row.eventSlug),
        ...(next
          ? { nextKind: next.kind, nextTitle: next.title, nextUrl: next.url, nextWhen: next.when }
          : {}),
      };
    });
  }

  private async atSendTime(r: ReminderToSend): Promise<ReminderHookAnswer> {
    const q = r.data as unknown as ActionThanksQueued;
    if (r.supporterId) {
      const [{ n }] = (await this.dataSource.query(
        `SELECT count(*)::int AS n FROM messages
          WHERE supporter_id = $1 AND template = $2 AND created_at > $3`,
        [r.supporterId, ACTION_THANKS, new Date(this.clock.now().getTime() - 3600_000)],
      )) as { n: number }[];
      if (n >= THANKS_PER_HOUR) return { skip: `${THANKS_PER_HOUR} thank-yous in the last hour already` };
    }
    const lang: Locale = isLocale(r.locale) ? r.locale : 'en';
    const base = this.config.publicBaseUrl;
    const c = await this.campaigns.publicRead(q.campaignSlug, lang);
    const letter =
      q.action === 'letter' && q.actionSlug
        ? await this.letters.publicRead(q.campaignSlug, q.actionSlug, lang)
        : null;
    const next = await this.next.next(
      q.campaignSlug,
      lang,
      letter
        ? { kind: 'letter', slug: letter.slug }
        : { kind: 'pledge', pledgeKind: q.pledgeKind ?? 'support' },
    );
    const giving = q.pledgeKind === 'donate' ? await this.next.giving(c.id, lang) : [];
    // Her own share code on the links she shares (the mail goes only to her): `?ref=` credits her
    // with whoever follows them, and the code is random, so it tells the public nothing about her.
    const ref = r.supporterId
      ? ((
          (await this.dataSource.query(`SELECT share_code FROM supporters WHERE id = $1`, [
            r.supporterId,
          ])) as {
            share_code: string | null;
          }[]
        )[0]?.share_code ?? null)
      : null;
    const shared = (url: string) => (ref ? `${url}?ref=${encodeURIComponent(ref)}` : url);
    const data = {
      firstName: q.firstName || undefined,
      action: letter ? 'letter' : 'pledge',
      pledgeKind: q.pledgeKind,
      title: letter ? letter.title : c.title,
      campaignTitle: c.title,
      shareUrl: shared(
        letter ? publicLinks.letter(base, c.slug, letter.slug) : publicLinks.campaign(base, c.slug),
      ),
      amount: q.amount ? displayMoney(q.amount, lang) : undefined,
      giving: giving.map((g) => givingLine(g, lang)),
      nextKind: next?.kind,
      nextTitle: next?.title,
      nextUrl: next?.url,
      nextWhen: next?.when,
    } satisfies TemplateDataMap['action-thanks'];
    return { data };
  }
}
