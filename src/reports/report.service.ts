import { Injectable } from '@nestjs/common';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { Clock } from '../common/clock.js';
import { localize, type Locale } from '../common/localized-text.js';
import { ReportRegistry } from './report-registry.js';

export interface CampaignReport {
  generatedAt: Date;
  lang: Locale;
  campaign: {
    id: string;
    slug: string;
    title: string;
    status: string;
    employer: string | null;
    workplace: string | null;
    city: string | null;
    country: string | null;
    goals: {
      pledges: number | null;
      signatures: number | null;
      money: { amount: string; currency: string } | null;
    };
  };
  /** pledges, supporters, signatures, events, money — each from the feature that owns it. */
  sections: Record<string, unknown>;
}

/** The staff campaign summary, as JSON (and drawn as a PDF by report-pdf.ts). Members only. */
@Injectable()
export class ReportService {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly registry: ReportRegistry,
    private readonly clock: Clock,
    private readonly access: CampaignAccessService,
  ) {}

  async build(actor: AuthUser, campaignId: string, lang: Locale): Promise<CampaignReport> {
    const c = await this.campaigns.load(actor, campaignId, 'coordinate');
    const view = this.campaigns.view(c);
    return {
      generatedAt: this.clock.now(),
      lang,
      campaign: {
        id: c.id,
        slug: c.slug,
        title: localize(c.title, lang),
        status: c.status,
        employer: c.employer,
        workplace: c.workplace,
        city: c.city,
        country: c.country,
        goals: view.goals,
      },
      sections: await this.registry.build(c.id, lang, await this.access.campaignSupporterScope(actor, c.id)),
    };
  }
}
