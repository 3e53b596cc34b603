import { Injectable, type OnModuleInit } from '@nestjs/common';
import { dateRange, ExportRegistry, personColumns, type ExportFilters } from '../reports/export-registry.js';
import { supportersSeenSql } from '../supporters/supporter-filter.js';

/** The RSVPs export, with check-in (this module owns events and RSVPs). */
@Injectable()
export class RsvpsExports implements OnModuleInit {
  constructor(private readonly registry: ExportRegistry) {}

  onModuleInit(): void {
    this.registry.register({
      kind: 'rsvps',
      filters: ['eventId', 'status'],
      columns: [
        { key: 'event', header: { en: 'Event', es: 'Evento' }, type: 'text' },
        { key: 'starts_at', header: { en: 'Starts at', es: 'Empieza' }, type: 'datetime' },
        { key: 'status', header: { en: 'Status', es: 'Estado' }, type: 'text' },
        { key: 'guests', header: { en: 'Guests', es: 'Acompañantes' }, type: 'int' },
        ...personColumns('first_name', 'last_name', 'email', 'city'),
        { key: 'walk_in', header: { en: 'Walk-in', es: 'Llegó sin registro' }, type: 'bool' },
        { key: 'checked_in_at', header: { en: 'Checked in at', es: 'Registró llegada' }, type: 'datetime' },
        { key: 'no_show', header: { en: 'No-show', es: 'No asistió' }, type: 'bool' },
        { key: 'created_at', header: { en: 'RSVPed at', es: 'Confirmó' }, type: 'datetime' },
      ],
      query: (campaignId: string, f: ExportFilters, scope: string[] | null) => {
        const params: unknown[] = [campaignId];
        const seen = supportersSeenSql(scope, params);
        let where = 'e.campaign_id = $1';
        if (f.eventId) where += ` AND r.event_id = $${params.push(f.eventId)}`;
        if (f.status) where += ` AND r.status::text = $${params.push(f.status)}`;
        where += dateRange('r.created_at', f, params);
        return {
          sql: `SELECT e.slug AS event, e.starts_at, r.status, r.guests, s.first_name, s.last_name, s.email, s.city,
                       r.walk_in, r.checked_in_at, r.no_show, r.created_at
                  FROM rsvps r JOIN events e ON e.id = r.event_id JOIN ${seen} s ON s.id = r.supporter_id
                 WHERE ${where}
                 ORDER BY e.starts_at, r.queue_seq`,
          params,
        };
      },
    });
  }
}
