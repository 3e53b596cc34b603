import { Injectable } from '@nestjs/common';
import { KeyedRegistry } from '../common/keyed-registry.js';

/**
 * The totals of a campaign, by key: counts and amounts only — never names or emails. Declared empty
 * here; each feature adds its key next to the code that computes it, by module augmentation —
 *
 *     declare module '../campaigns/campaign-totals.registry.js' {
 *       interface CampaignTotals { signatures: SignatureTotals }
 *     }
 *
 * — so campaigns/ imports no feature, and the contributor, the public API and the pages share one type.
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface CampaignTotals {}

export type CampaignTotalsKey = keyof CampaignTotals;

/**
 * The public campaign page shows totals that other features own (pledges, signatures, money, RSVPs).
 * Each feature registers a contributor at start (in its onModuleInit), so campaigns/ needs no import
 * of letters/, events/ or fundraising/ (they import campaigns/, not the other way round).
 */
export interface TotalsContributor<K extends CampaignTotalsKey = CampaignTotalsKey> {
  /** Key in the `totals` object: `pledges`, `signatures`, `money`, `events`. */
  key: K;
  compute(campaignId: string): Promise<CampaignTotals[K]>;
}

@Injectable()
export class CampaignTotalsRegistry {
  private readonly contributors = new KeyedRegistry<CampaignTotalsKey, TotalsContributor>('campaign totals');

  /** One contributor per key; a second one stops the boot. */
  register<K extends CampaignTotalsKey>(contributor: TotalsContributor<K>): void {
    this.contributors.add(contributor.key, contributor as unknown as TotalsContributor);
  }

  async totals(campaignId: string): Promise<CampaignTotals> {
    const entries = await Promise.all(
      this.contributors.values().map(async (c) => [c.key, await c.compute(campaignId)] as const),
    );
    return Object.fromEntries(entries) as unknown as CampaignTotals;
  }
}
