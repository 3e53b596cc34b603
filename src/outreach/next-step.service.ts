import { Injectable } from '@nestjs/common';
import { CampaignsService, type PublicCampaignView } from '../campaigns/campaigns.service.js';
import { Clock } from '../common/clock.js';
import { localize, type Locale } from '../common/localized-text.js';
import { publicLinks } from '../common/public-links.js';
import { AppConfig } from '../config/config.js';
import { EventsService, type PublicEventView } from '../events/events.service.js';
import type { GivingMethod } from '../fundraising/fundraiser.entity.js';
import { FundraisersService } from '../fundraising/fundraisers.service.js';
import { LetterActionsService, type PublicLetterView } from '../letters/letter-actions.service.js';

/** What the supporter just did (from the form, never from a stored record). */
export type DoneAction =
  { kind: 'letter'; slug: string } | { kind: 'event'; slug: string } | { kind: 'pledge'; pledgeKind: string };

/** The campaign's next open action to propose after one is done. */
export interface NextStep {
  kind: 'letter' | 'event' | 'pledge';
  /** The letter's or event's title, or the campaign's for a pledge, in the reader's language. */
  title: string;
  /** Absolute (PUBLIC_BASE_URL), so that pages and mails share it. */
  url: string;
  /** An event's start on its own clock ("Saturday, June 1, 2030, 1:00 PM EDT"), and its city. */
  when?: string;
  city?: string | null;
}

/** One way to give, ready to show: the fundraiser's title and the details in the reader's language. */
export interface GivingLine {
  fundraiser: string;
  method: GivingMethod['method'];
  currency: string;
  url?: string;
  details?: string;
}

interface CampaignTotals {
  signatures?: { byAction: { slug: string }[] };
  events?: { events: { slug: string }[] };
}

/**
 * "Next step, always": after a signature, an RSVP or a pledge, the thank-you page and its mail propose
 * the campaign's next open action — another open letter, else an upcoming event taking RSVPs, else a
 * pledge (while the campaign is active). It depends on the campaign and on what was just done, never
 * on the supporter's record: the page answers the same for a known and an unknown email, and the mail
 * says nothing the page does not.
 */
@Injectable()
export class NextStepService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly letters: LetterActionsService,
    private readonly events: EventsService,
    private readonly fundraisers: FundraisersService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  /** The campaign's open letters, in the campaign's order. */
  async openLetters(c: PublicCampaignView, lang: Locale): Promise<PublicLetterView[]> {
    const out: PublicLetterView[] = [];
    for (const a of (c.totals as CampaignTotals).signatures?.byAction ?? []) {
      const l = await this.letters.publicRead(c.slug, a.slug, lang);
      if (l.status === 'open') out.push(l);
    }
    return out;
  }

  /** The campaign's upcoming events (as the campaign's totals list them), soonest first. */
  async upcomingEvents(c: PublicCampaignView, lang: Locale): Promise<PublicEventView[]> {
    const out: PublicEventView[] = [];
    for (const e of (c.totals as CampaignTotals).events?.events ?? [])
      out.push(await this.events.publicRead(c.slug, e.slug, lang));
    return out;
  }

  async next(slug: string, lang: Locale, done: DoneAction): Promise<NextStep | null> {
    const c = await this.campaigns.publicRead(slug, lang);
    const base = this.config.publicBaseUrl;
    const letter = (await this.openLetters(c, lang)).find(
      (l) => !(done.kind === 'letter' && l.slug === done.slug),
    );
    if (letter)
      return { kind: 'letter', title: letter.title, url: publicLinks.letter(base, slug, letter.slug) };
    const event = (await this.upcomingEvents(c, lang)).find(
      (e) => e.rsvpOpen && !(done.kind === 'event' && e.slug === done.slug),
    );
    if (event)
      return {
        kind: 'event',
        title: event.title,
        url: publicLinks.event(base, slug, event.slug),
        when: event.startsAtLocal,
        city: event.city,
      };
    if (c.status === 'active' && done.kind !== 'pledge')
      return { kind: 'pledge', title: c.title, url: `${publicLinks.campaign(base, slug)}#pledge` };
    return null;
  }

  /** How to give to the campaign's open fundraisers, in the reader's language. */
  async giving(campaignId: string, lang: Locale): Promise<GivingLine[]> {
    const out: GivingLine[] = [];
    for (const f of await this.fundraisers.publicGiving(campaignId))
      for (const g of f.giving)
        out.push({
          fundraiser: localize(f.title, lang),
          method: g.method,
          currency: g.currency,
          ...(g.url ? { url: g.url } : {}),
          ...(g.details ? { details: localize(g.details, lang) } : {}),
        });
    return out;
  }
}
