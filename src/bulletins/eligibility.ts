import { mayReceiveCampaignEmailSql, SupportersService } from '../supporters/supporters.service.js';

/**
 * Who may get a bulletin: the campaign-email rule (consent, not unsubscribed, not erased —
 * SupportersService.mayReceiveCampaignEmail) and an address no server refused for good (`bounced_at`).
 * Audiences count with it, the snapshot selects with it, and the sender checks it again at claim time.
 * A twin pair: test/twins.e2e-spec.ts checks that both answer alike on every combination.
 */
export function mayReceiveBulletin(
  s: Parameters<typeof SupportersService.mayReceiveCampaignEmail>[0] & { bouncedAt: Date | null },
): boolean {
  return SupportersService.mayReceiveCampaignEmail(s) && !s.bouncedAt;
}

/** {@link mayReceiveBulletin} as an SQL expression on the supporters alias `s`. */
export function mayReceiveBulletinSql(s: string): string {
  return `(${mayReceiveCampaignEmailSql(s)} AND ${s}.bounced_at IS NULL)`;
}
