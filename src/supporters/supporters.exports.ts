import { Injectable, type OnModuleInit } from '@nestjs/common';
import { dateRange, ExportRegistry, personColumns, type ExportFilters } from '../reports/export-registry.js';
import { supportersSeenSql } from './supporter-filter.js';

/** The supporters and pledges exports (this module owns those tables). */
@Injectable()
export class SupportersExports implements OnModuleInit {
  constructor(private readonly registry: ExportRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      kind: 'supporters',
      filters: [],
      columns: [
        ...personColumns('first_name', 'last_name', 'email', 'city', 'region', 'country', 'postal_code'),
        { key: 'locale', header: { en: 'Language', es: 'Idioma' }, type: 'text' },
        { key: 'timezone', header: { en: 'Time zone', es: 'Zona horaria' }, type: 'text' },
        { key: 'email_consent', header: { en: 'Email consent', es: 'Acepta correos' }, type: 'bool' },
        { key: 'phone', header: { en: 'Phone', es: 'Teléfono' }, type: 'text' },
        {
          key: 'phone_consent',
          header: { en: 'Calls and texts', es: 'Acepta llamadas y SMS' },
          type: 'bool',
        },
        { key: 'whatsapp_consent', header: { en: 'WhatsApp', es: 'Acepta WhatsApp' }, type: 'bool' },
        { key: 'source', header: { en: 'First action', es: 'Primera acción' }, type: 'text' },
        { key: 'first_action_at', header: { en: 'Joined at', es: 'Se sumó' }, type: 'datetime' },
      ],
      query: (campaignId: string, f: ExportFilters, scope: string[] | null) => {
        const params: unknown[] = [campaignId];
        const seen = supportersSeenSql(scope, params);
        const range = dateRange('cs.first_action_at', f, params);
        return {
          sql: `SELECT s.first_name, s.last_name, s.email, s.city, s.region, s.country, s.postal_code, s.locale,
                       s.timezone, (s.email_consent AND s.unsubscribed_at IS NULL) AS email_consent, s.phone,
                       s.phone_consent, s.whatsapp_consent, cs.source,
                       cs.first_action_at
                  FROM campaign_supporters cs JOIN ${seen} s ON s.id = cs.supporter_id
                 WHERE cs.campaign_id = $1 AND s.erased_at IS NULL${range}
                 ORDER BY cs.first_action_at, s.id`,
          params,
        };
      },
    });
    this.registry.register({
      kind: 'pledges',
      filters: ['status'],
      columns: [
        { key: 'kind', header: { en: 'Pledge', es: 'Compromiso' }, type: 'text' },
        { key: 'status', header: { en: 'Status', es: 'Estado' }, type: 'text' },
        { key: 'amount', header: { en: 'Amount', es: 'Monto' }, type: 'money' },
        { key: 'currency', header: { en: 'Currency', es: 'Moneda' }, type: 'text' },
        { key: 'message', header: { en: 'Message', es: 'Mensaje' }, type: 'text' },
        ...personColumns('first_name', 'last_name', 'email', 'city', 'country'),
        { key: 'created_at', header: { en: 'Pledged at', es: 'Fecha' }, type: 'datetime' },
        { key: 'fulfilled_at', header: { en: 'Fulfilled at', es: 'Cumplido' }, type: 'datetime' },
      ],
      // Pledges are her own public acts in this campaign, which keep its link visible (supporters.sql.ts):
      // every pledger is seen in full by whoever may export them, so the table is read as it is.
      query: (campaignId: string, f: ExportFilters) => {
        const params: unknown[] = [campaignId];
        let where = 'p.campaign_id = $1';
        if (f.status) where += ` AND p.status::text = $${params.push(f.status)}`;
        where += dateRange('p.created_at', f, params);
        return {
          sql: `SELECT p.kind, p.status, p.currency, p.message, p.created_at, p.fulfilled_at,
                       p.amount_minor::text AS amount,
                       s.first_name, s.last_name, s.email, s.city, s.country
                  FROM pledges p JOIN supporters s ON s.id = p.supporter_id
                 WHERE ${where}
                 ORDER BY p.created_at, p.id`,
          params,
        };
      },
    });
  }
}
