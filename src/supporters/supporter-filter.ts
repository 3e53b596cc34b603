import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, MaxLength } from 'class-validator';
import { OptionalCountry } from '../common/dto-fields.js';
import { LOCALES, type Locale } from '../common/localized-text.js';

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

/** Activity as SQL on the supporters alias `s`; `$c` is the campaign parameter (or NULL for any). */
const ACTIVITY_SQL: Record<SupporterActivity, (c: string) => string> = {
  signed: (c) => `EXISTS (SELECT 1 FROM signatures x JOIN letter_actions la ON la.id = x.action_id
                   WHERE x.supporter_id = s.id AND (${c}::uuid IS NULL OR la.campaign_id = ${c}::uuid))`,
  rsvped: (c) => `EXISTS (SELECT 1 FROM rsvps x JOIN events e ON e.id = x.event_id
                   WHERE x.supporter_id = s.id AND x.status <> 'cancelled' AND (${c}::uuid IS NULL OR e.campaign_id = ${c}::uuid))`,
  attended: (c) => `EXISTS (SELECT 1 FROM rsvps x JOIN events e ON e.id = x.event_id
                   WHERE x.supporter_id = s.id AND x.checked_in_at IS NOT NULL AND (${c}::uuid IS NULL OR e.campaign_id = ${c}::uuid))`,
  pledged: (c) => `EXISTS (SELECT 1 FROM pledges x
                   WHERE x.supporter_id = s.id AND (${c}::uuid IS NULL OR x.campaign_id = ${c}::uuid))`,
  gave: (c) => `EXISTS (SELECT 1 FROM donations x JOIN fundraisers f ON f.id = x.fundraiser_id
                   WHERE x.supporter_id = s.id AND x.status IN ('received', 'fulfilled') AND (${c}::uuid IS NULL OR f.campaign_id = ${c}::uuid))`,
};

/**
 * The WHERE conditions (on the supporters alias `s`) for one organization's supporters matching `f`,
 * appending to `params`. `campaignIds` narrows to supporters of those campaigns (a coordinator's own);
 * null means the whole organization. Erased supporters are never listed.
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
  if (f.activity) where.push(ACTIVITY_SQL[f.activity](campaign));
  if (f.tagId) {
    where.push(
      `EXISTS (SELECT 1 FROM supporter_tags st WHERE st.supporter_id = s.id AND st.tag_id = ${p(f.tagId)})`,
    );
  }
  return where.join(' AND ');
}
