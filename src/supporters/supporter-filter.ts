import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { OptionalCountry } from '../common/dto-fields.js';
import { LOCALES, type Locale } from '../common/localized-text.js';
import { ENTERED_FIELDS } from './supporters.sql.js';

/** What a supporter did, for the activity filter. */
export const SUPPORTER_ACTIVITIES = ['signed', 'rsvped', 'attended', 'pledged', 'gave'] as const;
export type SupporterActivity = (typeof SUPPORTER_ACTIVITIES)[number];

/**
 * The filter of an organization's supporter list, shared by the list, its CSV export and "tag all N
 * matching this filter", so the three always mean the same people. All parts are ANDed; an activity
 * with a campaign means that activity in that campaign.
 */
export class SupporterFilterDto {
  @ApiPropertyOptional({ description: 'name, email or city contains', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  search?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  campaignId?: string;

  @ApiPropertyOptional({ enum: LOCALES })
  @IsOptional()
  @IsIn(LOCALES)
  locale?: Locale;

  @OptionalCountry()
  country?: string;

  @ApiPropertyOptional({ enum: SUPPORTER_ACTIVITIES })
  @IsOptional()
  @IsIn(SUPPORTER_ACTIVITIES)
  activity?: SupporterActivity;

  @ApiPropertyOptional({ format: 'uuid', description: 'a tag of this organization' })
  @IsOptional()
  @IsUUID()
  tagId?: string;
}

/**
 * Activity as SQL on the supporters alias `s`; `$c` is the campaign parameter (or NULL for any), `also`
 * a further condition on the column of the activity's campaign.
 */
const ACTIVITY_SQL: Record<SupporterActivity, (c: string, also: (column: string) => string) => string> = {
  signed: (c, also) => `EXISTS (SELECT 1 FROM signatures x JOIN letter_actions la ON la.id = x.action_id
                   WHERE x.supporter_id = s.id AND (${c}::uuid IS NULL OR la.campaign_id = ${c}::uuid) AND ${also('la.campaign_id')})`,
  rsvped: (c, also) => `EXISTS (SELECT 1 FROM rsvps x JOIN events e ON e.id = x.event_id
                   WHERE x.supporter_id = s.id AND x.status <> 'cancelled' AND (${c}::uuid IS NULL OR e.campaign_id = ${c}::uuid) AND ${also('e.campaign_id')})`,
  attended: (c, also) => `EXISTS (SELECT 1 FROM rsvps x JOIN events e ON e.id = x.event_id
                   WHERE x.supporter_id = s.id AND x.checked_in_at IS NOT NULL AND (${c}::uuid IS NULL OR e.campaign_id = ${c}::uuid) AND ${also('e.campaign_id')})`,
  pledged: (c, also) => `EXISTS (SELECT 1 FROM pledges x
                   WHERE x.supporter_id = s.id AND (${c}::uuid IS NULL OR x.campaign_id = ${c}::uuid) AND ${also('x.campaign_id')})`,
  gave: (c, also) => `EXISTS (SELECT 1 FROM donations x JOIN fundraisers f ON f.id = x.fundraiser_id
                   WHERE x.supporter_id = s.id AND x.status IN ('received', 'fulfilled') AND (${c}::uuid IS NULL OR f.campaign_id = ${c}::uuid) AND ${also('f.campaign_id')})`,
};

/**
 * The WHERE conditions (on the supporters alias `s`) for one organization's supporters matching `f`,
 * appending to `params`. `campaignIds` narrows to supporters of those campaigns (a coordinator's own);
 * null means the whole organization. Erased supporters are never listed. With `campaignIds`, `s` must
 * be {@link supportersSeenSql} of the same scope: search, language and country then match only what
 * this actor sees, and a masked record matches no tag and only activity in the scope's campaigns.
 */
export function supporterFilterSql(
  organizationId: string,
  f: SupporterFilterDto,
  campaignIds: string[] | null,
  params: unknown[],
): string {
  const p = (v: unknown) => `$${params.push(v)}`;
  const where = [`s.organization_id = ${p(organizationId)}`, 's.erased_at IS NULL'];
  if (campaignIds) {
    where.push(
      `EXISTS (SELECT 1 FROM campaign_supporters cs WHERE cs.supporter_id = s.id AND cs.campaign_id = ANY(${p(campaignIds)}::uuid[]))`,
    );
  }
  if (f.search?.trim()) {
    const like = p(`%${f.search.trim().replace(/[%_\\]/g, '\\$&')}%`);
    where.push(
      `(s.email ILIKE ${like} OR (coalesce(s.first_name, '') || ' ' || coalesce(s.last_name, '') || ' ' || coalesce(s.city, '')) ILIKE ${like})`,
    );
  }
  const campaign = f.campaignId ? p(f.campaignId) : 'NULL';
  if (f.campaignId) {
    where.push(
      `EXISTS (SELECT 1 FROM campaign_supporters cs WHERE cs.supporter_id = s.id AND cs.campaign_id = ${campaign}::uuid)`,
    );
  }
  if (f.locale) where.push(`s.locale = ${p(f.locale)}`);
  if (f.country) where.push(`s.country = ${p(f.country)}`);
  if (f.activity) {
    const scope = campaignIds ? `${p(campaignIds)}::uuid[]` : null;
    where.push(
      ACTIVITY_SQL[f.activity](campaign, (c) => (scope ? `(NOT s.masked OR ${c} = ANY(${scope}))` : 'true')),
    );
  }
  if (f.tagId) {
    where.push(
      `${campaignIds ? 'NOT s.masked AND ' : ''}EXISTS (SELECT 1 FROM supporter_tags st WHERE st.supporter_id = s.id AND st.tag_id = ${p(f.tagId)})`,
    );
  }
  return where.join(' AND ');
}

/**
 * A stored personal column of `supporters` and the key of `campaign_supporters.entered` (what staff
 * typed) that stands in for it when the record is masked ({@link supportersSeenSql}); the language
 * has a default of its own there.
 */
const MASKED_TEXT: [column: string, key: string][] = Object.entries(ENTERED_FIELDS)
  .filter(([key]) => key !== 'locale')
  .map(([key, column]) => [column, key]);

/** Stored state that a masked record does not show (consent history, bounces): NULL or false. */
const MASKED_HIDDEN: Record<string, 'null' | 'false'> = {
  email_consent: 'false',
  email_consent_at: 'null',
  email_consent_source: 'null',
  phone_consent: 'false',
  phone_consent_at: 'null',
  whatsapp_consent: 'false',
  whatsapp_consent_at: 'null',
  unsubscribed_at: 'null',
  bounced_at: 'null',
};

/**
 * THE supporters table as an actor with this `scope` sees it (issue 17: nothing staff submit reveals
 * stored data they could not already see), for `FROM … s` / `JOIN … s` in every staff view of people:
 * the same column names as `supporters`, plus
 * - `masked`: she has no visible link (`campaign_supporters.concealed = false`) to a campaign in the
 *   scope — she is known to this actor only from staff entries (a walk-in, a donor, an import row) made
 *   while the organization already held her record from elsewhere. Her personal columns are then what
 *   was typed at the latest such entry (`entered`; the language `en` and the time of that entry when
 *   none), the email as stored (it is what was typed), and her consent history, bounces and phone
 *   consents hidden. Callers hide what is not a column here (tags, history) on `s.masked`.
 * - `staff_entered`: some link in the scope was made by a staff entry (the console says other details
 *   may be kept by the organization: shown for every such person, masked or not, so it reveals nothing).
 * A null scope (the whole organization) is the table itself: nothing is masked. `params` gets the scope.
 */
export function supportersSeenSql(scope: string[] | null, params: unknown[]): string {
  if (!scope) return `(SELECT s0.*, false AS masked, false AS staff_entered FROM supporters s0)`;
  const ids = `$${params.push(scope)}::uuid[]`;
  const text = MASKED_TEXT.map(
    ([column, key]) => `CASE WHEN v.visible THEN s0.${column} ELSE v.entered->>'${key}' END AS ${column}`,
  );
  const hidden = Object.entries(MASKED_HIDDEN).map(
    ([column, none]) => `CASE WHEN v.visible THEN s0.${column} ELSE ${none} END AS ${column}`,
  );
  return `(SELECT s0.id, s0.organization_id, s0.email, s0.share_code, s0.erased_at, s0.updated_at,
          ${[...text, ...hidden].join(',\n          ')},
          CASE WHEN v.visible THEN s0.locale ELSE coalesce(v.entered->>'locale', 'en') END AS locale,
          CASE WHEN v.visible THEN s0.created_at ELSE coalesce(v.entered_at, s0.created_at) END AS created_at,
          NOT v.visible AS masked, v.staff_entered
     FROM supporters s0
     CROSS JOIN LATERAL (
       SELECT coalesce(bool_or(NOT l.concealed), false) AS visible,
              (array_agg(l.entered ORDER BY l.last_action_at DESC) FILTER (WHERE l.concealed))[1] AS entered,
              (array_agg(l.first_action_at ORDER BY l.last_action_at DESC) FILTER (WHERE l.concealed))[1] AS entered_at,
              coalesce(bool_or(l.entered IS NOT NULL), false) AS staff_entered
         FROM campaign_supporters l
        WHERE l.supporter_id = s0.id AND l.campaign_id = ANY(${ids})) v)`;
}
