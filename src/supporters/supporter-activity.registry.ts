import { KeyedRegistry } from '../common/keyed-registry.js';
import { Injectable } from '@nestjs/common';

/**
 * A supporter's activity in one campaign, as staff see it: pledges here, signatures, RSVPs and donations
 * from the features that own them (each registers at start, like CampaignTotalsRegistry).
 */
export interface ActivityContributor {
  key: string;
  activity(campaignId: string, supporterId: string): Promise<unknown[]>;
  /**
   * The feature's actions in the campaign `$1` as `supporter_id, source, referrer_id, created_at`
   * (SQL over its own table), for counts by source and referrer (AttributionService).
   */
  attributionSql?: string;
}

@Injectable()
export class SupporterActivityRegistry {
  private readonly contributors = new KeyedRegistry<string, ActivityContributor>('supporter activity');

  /** One contributor per key; a second one stops the boot. */
  register(c: ActivityContributor): void {
    this.contributors.add(c.key, c);
  }

  /** Every feature's actions in campaign `$1`, one row per action (see attributionSql). */
  attributionSql(): string {
    const parts = [...this.contributors.values()].flatMap((c) =>
      c.attributionSql ? [c.attributionSql] : [],
    );
    return parts.length
      ? parts.map((p) => `(${p})`).join(' UNION ALL ')
      : 'SELECT NULL::uuid AS supporter_id, NULL::text AS source, NULL::uuid AS referrer_id, NULL::timestamptz AS created_at WHERE false';
  }

  async activity(campaignId: string, supporterId: string): Promise<Record<string, unknown[]>> {
    const entries = await Promise.all(
      this.contributors
        .values()
        .map(async (c) => [c.key, await c.activity(campaignId, supporterId)] as const),
    );
    return Object.fromEntries(entries);
  }
}
