import { Injectable } from '@nestjs/common';
import sharp from 'sharp';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { Clock } from '../common/clock.js';
import { BadInputError } from '../common/errors.js';
import { CampaignsService } from './campaigns.service.js';

/** What an uploaded preview image may be: its type read from its bytes (never the file name or header). */
export const PREVIEW_IMAGE_MAX_BYTES = 5 * 1024 * 1024;
const ACCEPTED = new Set(['jpeg', 'png', 'webp']);
/** The size link previews (Open Graph, X's summary_large_image, WhatsApp) expect. */
export const PREVIEW_WIDTH = 1200;
export const PREVIEW_HEIGHT = 630;

export interface StoredImage {
  bytes: Buffer;
  contentType: string;
  updatedAt: Date;
}

/**
 * One preview image per campaign (Open Graph / Twitter tags of its pages). Uploads are checked by
 * content (sharp reads the header: JPEG, PNG or WebP only; at most 5 MB and 40 megapixels, so a
 * decompression bomb is refused before it is decoded), turned upright, cut to 1200×630 and re-encoded
 * as JPEG (which also drops EXIF metadata such as GPS positions). Stored in PostgreSQL
 * (`campaign_images`), not on disk: every app instance behind a load balancer serves it without a shared
 * volume, and backups carry it.
 */
@Injectable()
export class CampaignImagesService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly clock: Clock,
  ) {}

  /** `read` gives the uploaded bytes; it runs only once the actor may change this campaign. */
  async put(
    actor: AuthUser,
    campaignId: string,
    read: () => Promise<Buffer>,
  ): Promise<{ width: number; height: number }> {
    await this.campaigns.loadWritable(actor, campaignId, 'manage');
    const input = await read();
    if (input.length > PREVIEW_IMAGE_MAX_BYTES)
      throw BadInputError.field('file', 'image_too_large', 'The image is over 5 MB');
    let format: string | undefined;
    try {
      format = (await sharp(input, { limitInputPixels: 40_000_000 }).metadata()).format;
    } catch {
      throw BadInputError.field('file', 'image_unreadable', 'The file is not an image that can be read');
    }
    if (!format || !ACCEPTED.has(format))
      throw BadInputError.field('file', 'image_type', 'Upload a JPEG, PNG or WebP image');
    let bytes: Buffer;
    try {
      bytes = await sharp(input, { limitInputPixels: 40_000_000 })
        .rotate()
        .resize(PREVIEW_WIDTH, PREVIEW_HEIGHT, { fit: 'cover', position: 'attention' })
        .flatten({ background: '#ffffff' })
        .jpeg({ quality: 82, mozjpeg: true })
        .toBuffer();
    } catch {
      throw BadInputError.field('file', 'image_unreadable', 'The file is not an image that can be read');
    }
    await this.dataSource.query(
      `INSERT INTO campaign_images (campaign_id, content_type, bytes, width, height, updated_at)
       VALUES ($1, 'image/jpeg', $2, $3, $4, $5)
       ON CONFLICT ON CONSTRAINT campaign_images_pkey
       DO UPDATE SET bytes = EXCLUDED.bytes, width = EXCLUDED.width, height = EXCLUDED.height, updated_at = EXCLUDED.updated_at`,
      [campaignId, bytes, PREVIEW_WIDTH, PREVIEW_HEIGHT, this.clock.now()],
    );
    return { width: PREVIEW_WIDTH, height: PREVIEW_HEIGHT };
  }

  async remove(actor: AuthUser, campaignId: string): Promise<void> {
    await this.campaigns.loadWritable(actor, campaignId, 'manage');
    await this.dataSource.query(`DELETE FROM campaign_images WHERE campaign_id = $1`, [campaignId]);
  }

  /** The image of a public campaign (by slug), or null (then pages use the generic one). */
  async forPublicCampaign(slug: string): Promise<StoredImage | null> {
    const c = await this.campaigns.findPublic(slug);
    const rows = (await this.dataSource.query(
      `SELECT bytes, content_type AS "contentType", updated_at AS "updatedAt" FROM campaign_images WHERE campaign_id = $1`,
      [c.id],
    )) as StoredImage[];
    return rows[0] ?? null;
  }

  /** The og:image URL of a public campaign: its own image (versioned), else null. */
  async ogImageUrl(base: string, slug: string): Promise<string | null> {
    const rows = (await this.dataSource.query(
      `SELECT i.updated_at AS "updatedAt" FROM campaign_images i JOIN campaigns c ON c.id = i.campaign_id WHERE c.slug = $1`,
      [slug],
    )) as { updatedAt: Date }[];
    if (!rows.length) return null;
    return `${base}/c/${encodeURIComponent(slug)}/preview.jpg?v=${rows[0].updatedAt.getTime()}`;
  }
}
