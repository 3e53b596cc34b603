import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { NotFoundError } from '../common/errors.js';
import type { LocalizedText } from '../common/localized-text.js';

export interface ArchivedBulletin {
  id: string;
  subject: LocalizedText;
  body: LocalizedText;
  /** When it started going out: the date the archive shows. */
  sentAt: Date;
}

export interface ArchiveOrganization {
  id: string;
  slug: string;
  name: string;
}

/**
 * The public archive: bulletins that went out (started sending and were not cancelled), by
 * organization slug. Reads only the bulletin's own texts — never a delivery row or a recipient.
 */
@Injectable()
export class BulletinArchiveService {
  constructor(private readonly dataSource: DataSource) {}

  async organization(slug: string): Promise<ArchiveOrganization> {
    const [o] = (await this.dataSource.query(`SELECT id, slug, name FROM organizations WHERE slug = $1`, [
      slug,
    ])) as ArchiveOrganization[];
    if (!o) throw new NotFoundError('Organization');
    return o;
  }

  async list(organizationId: string, limit = 100): Promise<ArchivedBulletin[]> {
    return (await this.dataSource.query(
      `SELECT id, subject, body, started_at AS "sentAt" FROM bulletins
        WHERE organization_id = $1 AND started_at IS NOT NULL AND status <> 'cancelled'
        ORDER BY started_at DESC LIMIT $2`,
      [organizationId, limit],
    )) as ArchivedBulletin[];
  }

  async get(organizationId: string, id: string): Promise<ArchivedBulletin> {
    const [b] = (await this.dataSource.query(
      `SELECT id, subject, body, started_at AS "sentAt" FROM bulletins
        WHERE organization_id = $1 AND id = $2 AND started_at IS NOT NULL AND status <> 'cancelled'`,
      [organizationId, id],
    )) as ArchivedBulletin[];
    if (!b) throw new NotFoundError('Bulletin');
    return b;
  }
}
