import type { ActivityFilterDto, AudienceFilterDto } from './dto/audience.dto.js';
import { mayReceiveBulletinSql } from './eligibility.js';

/**
 * An audience filter as one SQL condition on the supporters alias `s`, with its parameters appended
 * to `params` (numbered after what is already there). Every part is ANDed; activity is an EXISTS on
 * the activity's own table by supporter (each indexed by supporter_id). Supporters belong to one
 * organization, so an activity of another organization's letter or event can never match.
 */
export function audienceConditionSql(filter: AudienceFilterDto, params: unknown[]): string {
  const p = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  const parts = [mayReceiveBulletinSql('s'), 's.email IS NOT NULL'];
  if (filter.campaignIds?.length)
    parts.push(
      `EXISTS (SELECT 1 FROM campaign_supporters cs WHERE cs.supporter_id = s.id AND cs.campaign_id = ANY(${p(filter.campaignIds)}::uuid[]))`,
    );
  if (filter.locale) parts.push(`s.locale = ${p(filter.locale)}`);
  if (filter.country) parts.push(`s.country = ${p(filter.country)}`);
  if (filter.region) parts.push(`lower(btrim(s.region)) = lower(${p(filter.region)})`);
  if (filter.city) parts.push(`lower(btrim(s.city)) = lower(${p(filter.city)})`);
  if (filter.tags?.length)
    parts.push(
      `EXISTS (SELECT 1 FROM supporter_tags st WHERE st.supporter_id = s.id AND st.tag_id = ANY(${p(filter.tags)}::uuid[]))`,
    );
  for (const a of filter.did ?? []) parts.push(activitySql(a, p));
  for (const a of filter.didNot ?? []) parts.push(`NOT ${activitySql(a, p)}`);
  return parts.join('\n   AND ');
}

function activitySql(a: ActivityFilterDto, p: (v: unknown) => string): string {
  const { table, key, at, extra } = ACTIVITY[a.action];
  const where = ['x.supporter_id = s.id', ...extra];
  if (a.id) where.push(`x.${key} = ${p(a.id)}::uuid`);
  if (a.action === 'pledged' && a.kind) where.push(`x.kind = ${p(a.kind)}::pledge_kind`);
  if (a.from) where.push(`x.${at} >= ${p(a.from)}::timestamptz`);
  if (a.to) where.push(`x.${at} < ${p(a.to)}::timestamptz`);
  return `EXISTS (SELECT 1 FROM ${table} x WHERE ${where.join(' AND ')})`;
}

/** Where each activity is recorded: its table, the column `id` names, the time the date range reads. */
const ACTIVITY: Record<
  ActivityFilterDto['action'],
  { table: string; key: string; at: string; extra: string[] }
> = {
  signed: { table: 'signatures', key: 'action_id', at: 'created_at', extra: [] },
  rsvped: { table: 'rsvps', key: 'event_id', at: 'created_at', extra: [`x.status <> 'cancelled'`] },
  attended: { table: 'rsvps', key: 'event_id', at: 'checked_in_at', extra: ['x.checked_in_at IS NOT NULL'] },
  pledged: { table: 'pledges', key: 'campaign_id', at: 'created_at', extra: [] },
  gave: { table: 'donations', key: 'fundraiser_id', at: 'created_at', extra: [`x.status <> 'refunded'`] },
};
