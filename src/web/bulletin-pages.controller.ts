import { Controller, Get, Param, ParseUUIDPipe, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { BulletinArchiveService, type ArchivedBulletin } from '../bulletins/bulletin-archive.service.js';
import { bulletinArchiveUrl, bulletinLinks } from '../bulletins/bulletin-links.js';
import { pickBulletinLocale } from '../bulletins/bulletin-render.js';
import { renderPreview } from '../bulletins/bulletin-test.service.js';
import { escapeHtml } from '../common/html.js';
import type { Locale } from '../common/localized-text.js';
import { Public } from '../common/public.decorator.js';
import { translator } from './i18n/index.js';
import { pageLang, publicBase, render } from './web-context.js';
import { WebErrorFilter } from './web-error.filter.js';

/** A bulletin in the page's language (or its other one), as everyone sees it: no recipient, no name. */
function shown(b: ArchivedBulletin, lang: Locale) {
  const l = pickBulletinLocale(b.body, lang);
  const r = renderPreview(b.subject, b.body, l)!;
  return { id: b.id, sentAt: b.sentAt, lang: l, subject: r.subject, html: r.html, text: r.text };
}

/**
 * The public archive of an organization's bulletins: a list, each bulletin's web version, an Atom feed.
 * Built from the bulletin's own texts only; merge fields show their fallback, never a recipient's name.
 */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller('o/:orgSlug')
export class BulletinPagesController {
  constructor(private readonly archive: BulletinArchiveService) {}

  @Public()
  @Get('bulletins')
  async list(@Param('orgSlug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    const org = await this.archive.organization(slug);
    const t = translator(lang);
    const bulletins = (await this.archive.list(org.id)).map((b) => shown(b, lang));
    await render(req, reply, lang, 'bulletins', {
      title: `${t('archive.title')} — ${org.name}`,
      og: { title: `${t('archive.title')} — ${org.name}`, description: t('archive.intro') },
      org,
      bulletins,
      feedUrl: bulletinLinks.feed('', org.slug),
    });
  }

  @Public()
  @Get('bulletins.atom')
  async feed(@Param('orgSlug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const q = req.query as Record<string, string | undefined>;
    const lang: Locale = q.lang === 'es' ? 'es' : q.lang === 'en' ? 'en' : 'en';
    const org = await this.archive.organization(slug);
    const base = publicBase(req);
    const items = (await this.archive.list(org.id, 50)).map((b) => shown(b, lang));
    const updated = (items[0]?.sentAt ?? new Date(0)).toISOString();
    const x = escapeHtml;
    const entries = items
      .map(
        (b) => `  <entry>
    <id>${x(bulletinArchiveUrl(base, org.slug, b.id))}</id>
    <title>${x(b.subject)}</title>
    <link rel="alternate" type="text/html" hreflang="${b.lang}" href="${x(bulletinArchiveUrl(base, org.slug, b.id, b.lang))}"/>
    <updated>${new Date(b.sentAt).toISOString()}</updated>
    <content type="html">${x(b.html)}</content>
  </entry>`,
      )
      .join('\n');
    const xml = `<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="${lang}">
  <id>${x(bulletinLinks.archive(base, org.slug))}</id>
  <title>${x(`${translator(lang)('archive.title')} — ${org.name}`)}</title>
  <link rel="self" href="${x(bulletinLinks.feed(base, org.slug))}"/>
  <link rel="alternate" type="text/html" href="${x(bulletinLinks.archive(base, org.slug))}"/>
  <author><name>${x(org.name)}</name></author>
  <updated>${updated}</updated>
${entries}
</feed>
`;
    await reply.header('cache-control', 'no-store').type('application/atom+xml; charset=utf-8').send(xml);
  }

  @Public()
  @Get('bulletins/:id')
  async one(
    @Param('orgSlug') slug: string,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const lang = pageLang(req, reply);
    const org = await this.archive.organization(slug);
    const b = shown(await this.archive.get(org.id, id), lang);
    await render(req, reply, lang, 'bulletin', {
      title: `${b.subject} — ${org.name}`,
      og: { title: b.subject, description: b.text.slice(0, 200) },
      org,
      b,
    });
  }
}
