import { Injectable } from '@nestjs/common';
import { stringify } from 'csv-stringify/sync';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { neutralizeCell } from '../common/csv-safety.js';
import type { Locale } from '../common/localized-text.js';
import { supporterFilterSql, supportersSeenSql, type SupporterFilterDto } from './supporter-filter.js';
import { SupportersService } from './supporters.service.js';

const COLUMNS: { key: string; en: string; es: string }[] = [
  { key: 'first_name', en: 'First name', es: 'Nombre' },
  { key: 'last_name', en: 'Last name', es: 'Apellido' },
  { key: 'email', en: 'Email', es: 'Correo' },
  { key: 'city', en: 'City', es: 'Ciudad' },
  { key: 'region', en: 'State or region', es: 'Estado' },
  { key: 'country', en: 'Country', es: 'País' },
  { key: 'postal_code', en: 'Postal code', es: 'Código postal' },
  { key: 'locale', en: 'Language', es: 'Idioma' },
  { key: 'email_consent', en: 'Email consent', es: 'Acepta correos' },
  { key: 'tags', en: 'Tags', es: 'Etiquetas' },
  { key: 'created_at', en: 'Joined at', es: 'Se sumó' },
];

/**
 * "Export what is shown": an organization's supporter list as CSV with the list's own filter (the same
 * SQL, SupporterFilterDto), in the reader's language, every cell neutralised against formula
 * injection, written to the audit log with its filter and row count like every export. The tags column
 * has the same shape an import reads ("a; b"), so a file can go out and come back.
 */
@Injectable()
export class SupportersCsv {
  constructor(
    private readonly dataSource: DataSource,
    private readonly supporters: SupportersService,
    private readonly audit: AuditService,
  ) {}

  async export(
    actor: AuthUser,
    organizationId: string,
    filter: SupporterFilterDto,
    lang: Locale,
    ip: string | null,
  ): Promise<{ filename: string; csv: string; rows: number }> {
    const scope = await this.supporters.organizationScope(actor, organizationId);
    const params: unknown[] = [];
    const seen = supportersSeenSql(scope, params);
    const where = supporterFilterSql(organizationId, filter, scope, params);
    const rows = (await this.dataSource.query(
      `SELECT s.first_name, s.last_name, s.email, s.city, s.region, s.country, s.postal_code, s.locale,
              (s.email_consent AND s.unsubscribed_at IS NULL) AS email_consent, s.created_at,
              (SELECT string_agg(t.name, '; ' ORDER BY lower(t.name)) FROM supporter_tags st
                 JOIN tags t ON t.id = st.tag_id WHERE st.supporter_id = s.id AND NOT s.masked) AS tags
         FROM ${seen} s WHERE ${where} ORDER BY s.created_at DESC, s.id`,
      params,
    )) as Record<string, unknown>[];
    const csv = stringify(
      [
        COLUMNS.map((c) => c[lang]),
        ...rows.map((r) =>
          COLUMNS.map((c) =>
            c.key === 'email_consent' ? (r[c.key] ? 'true' : 'false') : neutralizeCell(r[c.key]),
          ),
        ),
      ],
      { bom: true, record_delimiter: '\r\n' },
    );
    await this.audit.record({
      actorUserId: actor.id,
      action: 'export.csv',
      subjectType: 'export',
      subjectId: 'organization-supporters',
      organizationId,
      ip,
      details: { kind: 'organization-supporters', filters: { ...filter }, lang, rowCount: rows.length },
    });
    return { filename: `supporters-${new Date().toISOString().slice(0, 10)}.csv`, csv, rows: rows.length };
  }
}
