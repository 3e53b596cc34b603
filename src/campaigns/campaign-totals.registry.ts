import { Injectable } from '@nestjs/common';

/**
 * The public campaign page shows totals that other features own (pledges, signatures, money, RSVPs).
 * Each feature registers a contributor at start (in its onModuleInit), so campaigns/ needs no import
 * of letters/, events/ or fundraising/ (they import campaigns/, not the other way round).
 */
export interface TotalsContributor {
  /** Key in the `totals` object: `pledges`, `signatures`, `money`, `events`. */
  key: string;
  /** Counts and amounts only — never names or emails. */
  compute(campaignId: string): Promise<unknown>;
}

@Injectable()
export class CampaignTotalsRegistry {
  private readonly contributors = new Map<string, TotalsContributor>();

  register(contributor: TotalsContributor): void {
    this.contributors.set(contributor.key, contributor);
  }

  async totals(campaignId: string): Promise<Record<string, unknown>> {
    const entries = await Promise.all(
      [...this.contributors.values()].map(async (c) => [c.key, await c.compute(campaignId)] as const),
    );
    return Object.fromEntries(entries);
  }
}
