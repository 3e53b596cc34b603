import type { AudienceDto } from '../bulletins/dto/audience.dto.js';
import type { BulletinDto } from '../bulletins/dto/bulletin.dto.js';
import { instantToLocal, localToInstant } from './format.js';

type Values = Record<string, string>;

/** `signed:<id>` (or `signed:` for any) from the builder's select, with its date range. */
function activity(f: Values, prefix: 'did' | 'didNot'): Record<string, unknown>[] {
  const picked = f[`${prefix}Action`];
  if (!picked) return [];
  const [action, id] = picked.split(':');
  const a: Record<string, unknown> = { action };
  if (id) a.id = id;
  if (f[`${prefix}From`]) a.from = `${f[`${prefix}From`]}T00:00:00Z`;
  if (f[`${prefix}To`]) a.to = `${f[`${prefix}To`]}T00:00:00Z`;
  return [a];
}

/** The audience builder's form → the API's `{name, filter}`. */
export function audienceInput(f: Values, campaignIds: string[], tags: string[]): Record<string, unknown> {
  const filter: Record<string, unknown> = {};
  if (campaignIds.length) filter.campaignIds = campaignIds;
  if (tags.length) filter.tags = tags;
  for (const k of ['locale', 'country', 'region', 'city'] as const) if (f[k]?.trim()) filter[k] = f[k];
  const did = activity(f, 'did');
  const didNot = activity(f, 'didNot');
  if (did.length) filter.did = did;
  if (didNot.length) filter.didNot = didNot;
  return { name: f.name ?? '', filter };
}

/** A saved audience as the builder's form values. */
export function audienceValues(a: AudienceDto): { values: Values; campaignIds: string[]; tags: string[] } {
  const f = a.filter;
  const values: Values = { name: a.name };
  for (const k of ['locale', 'country', 'region', 'city'] as const) if (f[k]) values[k] = f[k];
  for (const prefix of ['did', 'didNot'] as const) {
    const x = f[prefix]?.[0];
    if (!x) continue;
    values[`${prefix}Action`] = `${x.action}:${x.id ?? ''}`;
    if (x.from) values[`${prefix}From`] = x.from.slice(0, 10);
    if (x.to) values[`${prefix}To`] = x.to.slice(0, 10);
  }
  return { values, campaignIds: f.campaignIds ?? [], tags: f.tags ?? [] };
}

/**
 * The compose form → the API's bulletin: texts side by side, the audience, and when — a time on the
 * organization's clock, or (perZone) that time of day in each recipient's zone on that date.
 */
export function bulletinInput(f: Values, zone: string): Record<string, unknown> {
  const texts = (name: string) => {
    const t: Record<string, string> = {};
    if (f[`${name}_en`]?.trim()) t.en = f[`${name}_en`];
    if (f[`${name}_es`]?.trim()) t.es = f[`${name}_es`];
    return t;
  };
  const out: Record<string, unknown> = { subject: texts('subject'), body: texts('body') };
  if (f.audienceId) out.audienceId = f.audienceId;
  const sendAt = f.sendAt?.trim();
  out.scheduledAt = sendAt ? (localToInstant(sendAt, zone) ?? sendAt) : null;
  out.localTime = sendAt && f.perZone ? sendAt.slice(11, 16) : null;
  return out;
}

/** A bulletin as the compose form's values. */
export function bulletinValues(b: BulletinDto, zone: string): Values {
  const v: Values = {};
  for (const l of ['en', 'es'] as const) {
    if (b.subject[l]) v[`subject_${l}`] = b.subject[l];
    if (b.body[l]) v[`body_${l}`] = b.body[l];
  }
  if (b.audienceId) v.audienceId = b.audienceId;
  if (b.localTime && b.localDate) {
    v.sendAt = `${b.localDate}T${b.localTime}`;
    v.perZone = '1';
  } else if (b.scheduledAt) v.sendAt = instantToLocal(b.scheduledAt, zone);
  return v;
}
