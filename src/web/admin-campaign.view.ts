import { Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { campaignMove, TRANSITIONS } from '../campaigns/campaign.entity.js';
import { CampaignTotalsRegistry } from '../campaigns/campaign-totals.registry.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { CampaignImagesService } from '../campaigns/campaign-images.service.js';
import { LOCALES } from '../common/localized-text.js';
import { EVENT_KINDS } from '../events/event.entity.js';
import { EventsService } from '../events/events.service.js';
import { DONATION_METHODS } from '../fundraising/donation.entity.js';
import { FundraisersService } from '../fundraising/fundraisers.service.js';
import { LetterActionsService } from '../letters/letter-actions.service.js';
import { targetsIn } from '../letters/target.entity.js';
import { renderLetter } from '../letters/merge-fields.js';
import { TargetsService } from '../letters/targets.service.js';
import { EXPORT_KINDS } from '../reports/export-registry.js';
import { AttributionService } from '../supporters/attribution.service.js';
import { embedSnippet } from './embed.js';
import { translator } from './i18n/index.js';
import { pageLang, publicBase, render, type FieldErrors } from './web-context.js';

/** The console's campaign page: its lists, its create forms (shown only to roles that may use them). */
@Injectable()
export class AdminCampaignView {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly access: CampaignAccessService,
    private readonly totals: CampaignTotalsRegistry,
    private readonly events: EventsService,
    private readonly letters: LetterActionsService,
    private readonly targets: TargetsService,
    private readonly fundraisers: FundraisersService,
    private readonly attribution: AttributionService,
    private readonly images: CampaignImagesService,
  ) {}

  async show(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    errors: FieldErrors,
    values: Record<string, string>,
    openForm: string | null,
    status: number,
    preview = false,
  ): Promise<void> {
    const lang = pageLang(req, reply);
    const c = await this.campaigns.get(user, id);
    const role = await this.access.roleIn(user, id);
    const canManage = role === 'admin' || (role === 'organizer' && user.role === 'organizer');
    const page = { limit: 200, offset: 0 };
    const [letters, events, fundraisers, totals, attribution] = await Promise.all([
      this.letters.list(user, id, page),
      this.events.list(user, id, page),
      this.fundraisers.list(user, id, page),
      this.totals.totals(id),
      this.access.campaignSupporterScope(user, id).then((scope) => this.attribution.forCampaign(id, scope)),
    ]);
    const base = publicBase(req);
    const previewImage = await this.images.ogImageUrl('', c.slug);
    const embedLang = c.defaultLocale;
    const title = (x: { en?: string; es?: string }) => x[lang] ?? x.en ?? x.es ?? '';
    const embeds = [
      ...letters.items
        .filter((l) => l.status !== 'draft')
        .map((l) => ({ label: title(l.title), path: `/embed/c/${c.slug}/letters/${l.slug}` })),
      ...events.items
        .filter((e) => e.status === 'scheduled')
        .map((e) => ({ label: title(e.title), path: `/embed/c/${c.slug}/events/${e.slug}` })),
      { label: translator(lang)('admin.embedPledge'), path: `/embed/c/${c.slug}/pledge` },
    ].map((e) => ({ label: e.label, code: embedSnippet(base, e.path, e.label, embedLang) }));
    const tallies = await Promise.all(fundraisers.items.map((f) => this.fundraisers.tally(user, f.id)));
    const targets = canManage
      ? (await this.targets.listOwn(user, c.organizationId, { limit: 500, offset: 0, library: true })).items
      : [];
    let letterPreview: { lang: string; subject: string; body: string }[] | null = null;
    if (preview) {
      const chosen = targets.filter((t) => (values.targetIds ?? '').split(',').includes(t.id));
      letterPreview = LOCALES.map((l) => ({
        lang: l,
        subject: renderLetter(values[`subject_${l}`] ?? '', targetsIn(chosen, l), null, l),
        body: renderLetter(values[`body_${l}`] ?? '', targetsIn(chosen, l), null, l),
      }));
    }
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      lang,
      'admin/campaign',
      {
        title: c.title[lang] ?? c.title.en ?? c.title.es ?? '',
        user,
        c,
        role,
        canManage,
        nextStatuses: TRANSITIONS[c.status].map((s) => ({ status: s, move: campaignMove(c.status, s) })),
        letters: letters.items,
        events: events.items,
        fundraisers: fundraisers.items.map((f, i) => ({ f, tally: tallies[i] })),
        totals,
        targets,
        eventKinds: EVENT_KINDS,
        methods: DONATION_METHODS,
        exportKinds: EXPORT_KINDS,
        errors,
        values,
        openForm,
        letterPreview,
        attribution,
        embeds,
        previewImage,
        imageSaved: q.image === '1',
        donationSaved: q.donation === '1',
        moved: Boolean(q.moved),
      },
      status,
    );
  }
}
