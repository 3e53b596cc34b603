import { Injectable, type OnModuleInit } from '@nestjs/common';
import { dateRange, ExportRegistry, personColumns, type ExportFilters } from '../reports/export-registry.js';

/** The signatures export (this module owns signatures and letter actions). */
@Injectable()
export class SignaturesExports implements OnModuleInit {
  constructor(private readonly registry: ExportRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      kind: 'signatures',
      filters: ['actionId', 'targetId'],
      columns: [
        { key: 'action', header: { en: 'Letter', es: 'Carta' }, type: 'text' },
        ...personColumns('first_name', 'last_name', 'email', 'city', 'region', 'country'),
        { key: 'personal_note', header: { en: 'Personal note', es: 'Nota personal' }, type: 'text' },
        { key: 'locale', header: { en: 'Language', es: 'Idioma' }, type: 'text' },
        { key: 'created_at', header: { en: 'Signed at', es: 'Firmó' }, type: 'datetime' },
      ],
      // Signing is her own public act in this campaign, which keeps its link visible (supporters.sql.ts):
      // every signer is seen in full by whoever may export them, so the table is read as it is.
      query: (campaignId: string, f: ExportFilters) => {
        const params: unknown[] = [campaignId];
        let where = 'a.campaign_id = $1';
        if (f.actionId) where += ` AND g.action_id = $${params.push(f.actionId)}`;
        if (f.targetId) {
          where += ` AND EXISTS (SELECT 1 FROM letter_action_targets lt WHERE lt.action_id = g.action_id AND lt.target_id = $${params.push(f.targetId)})`;
        }
        where += dateRange('g.created_at', f, params);
        return {
          sql: `SELECT a.slug AS action, s.first_name, s.last_name, s.email, s.city, s.region, s.country,
                       g.personal_note, g.locale, g.created_at
                  FROM signatures g JOIN letter_actions a ON a.id = g.action_id
                  JOIN supporters s ON s.id = g.supporter_id
                 WHERE ${where}
                 ORDER BY g.seq`,
          params,
        };
      },
    });
  }
}
