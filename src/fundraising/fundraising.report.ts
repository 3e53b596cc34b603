import { Injectable, type OnModuleInit } from '@nestjs/common';
import { InjectRepository } from '@nestjs/typeorm';
import { Repository } from 'typeorm';
import { localize, type Locale } from '../common/localized-text.js';
import { ReportRegistry } from '../reports/report-registry.js';
import { Fundraiser } from './fundraiser.entity.js';
import { TallyService } from './tally.service.js';

/** Report section: every fundraiser's tally (per currency and converted), without donor names. */
@Injectable()
export class FundraisingReport implements OnModuleInit {
  constructor(
    private readonly registry: ReportRegistry,
    @InjectRepository(Fundraiser) private readonly fundraisers: Repository<Fundraiser>,
    private readonly tallies: TallyService,
  ) {}

  onModuleInit(): void {
    this.registry.register({ key: 'money', build: (id, lang) => this.build(id, lang) });
  }

  private async build(campaignId: string, lang: Locale) {
    const all = await this.fundraisers.find({
      where: { campaignId },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    const out = [];
    for (const f of all) {
      const t = await this.tallies.tally(f, { withDonationIds: false });
      out.push({ ...t, title: localize(t.title, lang), status: f.status });
    }
    return { fundraisers: out };
  }
}
