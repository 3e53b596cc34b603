import { KeyedRegistry } from '../common/keyed-registry.js';
import { Injectable } from '@nestjs/common';

/**
 * A supporter's activity in one campaign, as staff see it: pledges here, signatures, RSVPs and donations
 * from the features that own them (each registers at start, like CampaignTotalsRegistry).
 */
export interface ActivityContributor {
  key: string;
  activity(campaignId: string, supporterId: string): Promise<unknown[]>;
}

@Injectable()
export class SupporterActivityRegistry {
  private readonly contributors = new KeyedRegistry<string, ActivityContributor>('supporter activity');

  /** One contributor per key; a second one stops the boot. */
  register(c: ActivityContributor): void {
    this.contributors.add(c.key, c);
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
