import type { CampaignStatus } from './campaign.entity.js';
import type { SubmissionTarget } from './campaigns.service.js';

/** The one campaign status that takes public submissions (assertAcceptingActions and the SQL below). */
export const ACCEPTING: CampaignStatus = 'active';

/**
 * {@link CampaignsService.findAcceptingTarget} as SQL, for a hot path's one statement (a CTE body; its
 * JavaScript twin is assertAcceptingActions): the letter or event whose slug is `targetSlug` in the
 * campaign whose slug is `slug`, only while the campaign takes submissions and `accepting` holds for
 * the thing. Answers `id`, `campaign_id` and `columns`; `accepting` and `columns` get the aliases of the
 * target row and of its campaign. Empty otherwise; the statement then writes nothing, and
 * findAcceptingTarget says why.
 */
export function acceptingTargetSql(
  target: {
    table: SubmissionTarget['table'];
    columns?: (campaign: string) => string;
    accepting: (target: string) => string;
  },
  slug: string,
  targetSlug: string,
): string {
  return `SELECT target.id, target.campaign_id${target.columns ? `, ${target.columns('campaign')}` : ''}
      FROM campaigns campaign JOIN ${target.table} target ON target.campaign_id = campaign.id AND target.slug = ${targetSlug}
     WHERE campaign.slug = ${slug} AND campaign.status = '${ACCEPTING}' AND ${target.accepting('target')}`;
}
