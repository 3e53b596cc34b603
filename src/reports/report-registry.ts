import { KeyedRegistry } from '../common/keyed-registry.js';
import { Injectable } from '@nestjs/common';
import type { Locale } from '../common/localized-text.js';

/**
 * Sections of the staff campaign report, contributed by the features that own the data (like exports
 * and public totals), so reports/ composes them without reading other features' tables.
 */
export interface ReportSection {
  key: string;
  /**
   * `scope`: the reader's (CampaignAccessService.supporterScope); a section that reads people's
   * columns reads them through `supportersSeenSql(scope, params)` (src/supporters/supporter-filter.ts).
   */
  build(campaignId: string, lang: Locale, scope: string[] | null): Promise<unknown>;
}

@Injectable()
export class ReportRegistry {
  private readonly sections = new KeyedRegistry<string, ReportSection>('report sections');

  /** One section per key; a second one stops the boot. */
  register(section: ReportSection): void {
    this.sections.add(section.key, section);
  }

  async build(campaignId: string, lang: Locale, scope: string[] | null): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      this.sections.values().map(async (s) => [s.key, await s.build(campaignId, lang, scope)] as const),
    );
    return Object.fromEntries(entries);
  }
}

export interface DayCount {
  day: string;
  count: number;
}
