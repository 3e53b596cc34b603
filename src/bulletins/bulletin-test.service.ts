import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { BadInputError } from '../common/errors.js';
import { LOCALES, type Locale, type LocalizedText } from '../common/localized-text.js';
import { AppConfig } from '../config/config.js';
import { MailService } from '../mail/mail.service.js';
import { bulletinArchiveUrl } from './bulletin-links.js';
import { compileBulletin } from './bulletin-render.js';
import { BulletinsService } from './bulletins.service.js';
import type { TestSendResultDto } from './dto/bulletin.dto.js';
import type { BulletinPreviewDto, PreviewBulletinDto, RenderedBulletinDto } from './dto/preview.dto.js';

/** Renders a bulletin in one language as a recipient without a first name sees it (the fallback). */
export function renderPreview(
  subject: LocalizedText,
  body: LocalizedText,
  l: Locale,
): RenderedBulletinDto | null {
  if (!body[l] && !subject[l]) return null;
  const t = compileBulletin(subject[l] ?? subject[l === 'en' ? 'es' : 'en'] ?? '', body[l] ?? '', l);
  return { subject: t.subject(null), html: t.html(null), text: t.text(null) };
}

/** The preview of both languages and test sends to staff. */
@Injectable()
export class BulletinTestService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly access: CampaignAccessService,
    private readonly bulletins: BulletinsService,
    private readonly mail: MailService,
    private readonly config: AppConfig,
  ) {}

  async preview(
    user: AuthUser,
    organizationId: string,
    dto: PreviewBulletinDto,
  ): Promise<BulletinPreviewDto> {
    await this.access.assertOrganization(user, organizationId, 'supporters');
    return { en: renderPreview(dto.subject, dto.body, 'en'), es: renderPreview(dto.subject, dto.body, 'es') };
  }

  /**
   * One test mail per language the bulletin has, to each address — only addresses of the
   * organization's own staff (a test send must not become a way to mail anyone), the caller's by default.
   */
  async sendTest(user: AuthUser, id: string, to?: string[]): Promise<TestSendResultDto> {
    const b = await this.bulletins.get(user, id);
    const wanted = [...new Set((to?.length ? to : [user.email]).map((e) => e.trim().toLowerCase()))];
    const staff = (await this.dataSource.query(
      `SELECT lower(u.email) AS email FROM users u
         JOIN organization_members m ON m.user_id = u.id AND m.organization_id = $1
        WHERE lower(u.email) = ANY($2::text[]) AND u.disabled_at IS NULL`,
      [b.organizationId, wanted],
    )) as { email: string }[];
    const allowed = new Set(staff.map((s) => s.email));
    const refused = wanted.filter((e) => !allowed.has(e));
    if (refused.length)
      throw BadInputError.field('to', 'staffOnly', 'Test sends go only to staff of this organization');
    const [org] = (await this.dataSource.query(
      `SELECT slug, coalesce(sender_name, name) AS "senderName", reply_to::text AS "replyTo" FROM organizations WHERE id = $1`,
      [b.organizationId],
    )) as { slug: string; senderName: string; replyTo: string | null }[];
    // The web version exists once the bulletin went out (the archive shows only those): a draft's
    // test mail has no "view in your browser" link, which would answer 404.
    const archived = b.startedAt !== null && b.status !== 'cancelled';
    let sent = 0;
    for (const email of wanted) {
      for (const l of LOCALES) {
        const r = renderPreview(b.subject, b.body, l);
        if (!r) continue;
        const result = await this.mail.send({
          to: email,
          template: 'bulletin',
          locale: l,
          data: {
            subject: `[TEST] ${r.subject}`,
            html: r.html,
            text: r.text,
            ...(archived ? { webUrl: bulletinArchiveUrl(this.config.publicBaseUrl, org.slug, b.id, l) } : {}),
          },
          userId: user.id,
          related: { type: 'bulletin', id: b.id },
          sender: { name: org.senderName, replyTo: org.replyTo },
        });
        if (result.status === 'sent') sent++;
      }
    }
    return { sent };
  }
}
