import { Injectable, type OnModuleInit } from '@nestjs/common';
import { dateRange, ExportRegistry, personColumns, type ExportFilters } from '../reports/export-registry.js';
import { supportersSeenSql } from '../supporters/supporter-filter.js';

/** The donations export (this module owns the donations table). */
@Injectable()
export class DonationsExports implements OnModuleInit {
  constructor(private readonly registry: ExportRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      kind: 'donations',
      filters: ['fundraiserId', 'status'],
      columns: [
        { key: 'fundraiser', header: { en: 'Fundraiser', es: 'Colecta' }, type: 'text' },
        { key: 'amount', header: { en: 'Amount', es: 'Monto' }, type: 'money' },
        { key: 'currency', header: { en: 'Currency', es: 'Moneda' }, type: 'text' },
        { key: 'status', header: { en: 'Status', es: 'Estado' }, type: 'text' },
        { key: 'method', header: { en: 'Method', es: 'Forma de pago' }, type: 'text' },
        { key: 'received_at', header: { en: 'Received at', es: 'Recibido' }, type: 'datetime' },
        { key: 'external_ref', header: { en: 'Reference', es: 'Referencia' }, type: 'text' },
        ...personColumns('first_name', 'last_name', 'email'),
        { key: 'note', header: { en: 'Note', es: 'Nota' }, type: 'text' },
        { key: 'created_at', header: { en: 'Recorded at', es: 'Registrado' }, type: 'datetime' },
      ],
      query: (campaignId: string, f: ExportFilters, scope: string[] | null) => {
        const params: unknown[] = [campaignId];
        const seen = supportersSeenSql(scope, params);
        let where = 'f.campaign_id = $1';
        if (f.fundraiserId) where += ` AND d.fundraiser_id = $${params.push(f.fundraiserId)}`;
        if (f.status) where += ` AND d.status::text = $${params.push(f.status)}`;
        where += dateRange('d.created_at', f, params);
        return {
          sql: `SELECT coalesce(f.title->>'en', f.title->>'es') AS fundraiser, d.amount_minor::text AS amount,
                       d.currency, d.status, d.method, d.received_at, d.external_ref, d.note, d.created_at,
                       s.first_name, s.last_name, s.email
                  FROM donations d JOIN fundraisers f ON f.id = d.fundraiser_id
                  LEFT JOIN ${seen} s ON s.id = d.supporter_id
                 WHERE ${where}
                 ORDER BY d.created_at, d.id`,
          params,
        };
      },
    });
  }
}
