import { KeyedRegistry } from '../common/keyed-registry.js';
import { Injectable } from '@nestjs/common';
import type { Locale } from '../common/localized-text.js';

export const EXPORT_KINDS = ['supporters', 'pledges', 'signatures', 'rsvps', 'donations'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/**
 * How a column is written: `money` is a decimal string in CSV and a number in XLSX (so sums work and a
 * negative stays numeric); `datetime` is ISO 8601 with offset; everything else is text and passes the
 * formula-injection guard.
 */
export type ColumnType = 'text' | 'int' | 'money' | 'datetime' | 'bool';

export interface ExportColumn {
  /** Row property the query returns. For `money`: integer minor units (as text), with the currency in `currency`. */
  key: string;
  header: Record<Locale, string>;
  type: ColumnType;
}

/** The supporter's own columns, with one translation each, for every export of people. */
const PERSON_COLUMNS = {
  first_name: { key: 'first_name', header: { en: 'First name', es: 'Nombre' }, type: 'text' },
  last_name: { key: 'last_name', header: { en: 'Last name', es: 'Apellido' }, type: 'text' },
  email: { key: 'email', header: { en: 'Email', es: 'Correo' }, type: 'text' },
  city: { key: 'city', header: { en: 'City', es: 'Ciudad' }, type: 'text' },
  region: { key: 'region', header: { en: 'Region', es: 'Estado' }, type: 'text' },
  country: { key: 'country', header: { en: 'Country', es: 'País' }, type: 'text' },
  postal_code: { key: 'postal_code', header: { en: 'Postal code', es: 'Código postal' }, type: 'text' },
} satisfies Record<string, ExportColumn>;

/** Person columns by key, in the order given: `...personColumns('first_name', 'email')`. */
export function personColumns(...keys: (keyof typeof PERSON_COLUMNS)[]): ExportColumn[] {
  return keys.map((k) => PERSON_COLUMNS[k]);
}

export interface ExportFilters {
  from?: Date;
  to?: Date;
  actionId?: string;
  targetId?: string;
  eventId?: string;
  fundraiserId?: string;
  status?: string;
}

export interface ExportDefinition {
  kind: ExportKind;
  columns: ExportColumn[];
  /** Which filters beyond from/to this kind takes (others are 400). */
  filters: (keyof ExportFilters)[];
  /**
   * One SELECT, deterministic order; `$1` is the campaign id. People are read through
   * `supportersSeenSql(scope, params)` (src/supporters/supporter-filter.ts): `scope` is the reader's
   * (CampaignAccessService.supporterScope), so an export shows what their screens show.
   */
  query(campaignId: string, filters: ExportFilters, scope: string[] | null): { sql: string; params: unknown[] };
}

/**
 * Each feature registers the exports of the data it owns (supporters/, letters/, events/,
 * fundraising/), so reports/ streams them without reading other features' tables itself.
 */
@Injectable()
export class ExportRegistry {
  private readonly definitions = new KeyedRegistry<ExportKind, ExportDefinition>('exports');

  /** One definition per kind; a second one stops the boot. */
  register(definition: ExportDefinition): void {
    this.definitions.add(definition.kind, definition);
  }

  get(kind: ExportKind): ExportDefinition | undefined {
    return this.definitions.get(kind);
  }
}

/** `created_at >= from AND created_at < to` on `column`, appended to `params`. */
export function dateRange(column: string, filters: ExportFilters, params: unknown[]): string {
  let sql = '';
  if (filters.from) sql += ` AND ${column} >= $${params.push(filters.from)}`;
  if (filters.to) sql += ` AND ${column} < $${params.push(filters.to)}`;
  return sql;
}
