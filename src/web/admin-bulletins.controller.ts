import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { AudiencesService, type BuilderOptions } from '../bulletins/audiences.service.js';
import { bulletinLinks } from '../bulletins/bulletin-links.js';
import { BulletinTestService, renderPreview } from '../bulletins/bulletin-test.service.js';
import { BulletinsService } from '../bulletins/bulletins.service.js';
import { CreateAudienceDto } from '../bulletins/dto/audience.dto.js';
import { CreateBulletinDto, type BulletinDto } from '../bulletins/dto/bulletin.dto.js';
import type { LocalizedText } from '../common/localized-text.js';
import { listField } from './admin-forms.js';
import { audienceInput, audienceValues, bulletinInput, bulletinValues } from './admin-bulletin-forms.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { translator } from './i18n/index.js';
import {
  fieldErrorsOf,
  formFields,
  pageLang,
  redirect,
  render,
  validateAs,
  type FieldErrors,
} from './web-context.js';

type Values = Record<string, string>;

/** The organization's bulletins and audiences in the console: build, count, write, preview, send, follow. */
@ConsolePages()
@Controller('admin')
export class AdminBulletinsController {
  constructor(
    private readonly audiences: AudiencesService,
    private readonly bulletins: BulletinsService,
    private readonly tests: BulletinTestService,
  ) {}

  @Get('organizations/:id/bulletins')
  async list(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const lang = pageLang(req, reply);
    const options = await this.audiences.builderOptions(user, id);
    await render(req, reply, lang, 'admin/bulletins', {
      title: translator(lang)('bulletins.title'),
      user,
      org: options.organization,
      bulletins: await this.bulletins.list(user, id),
      audiences: await this.audiences.list(user, id),
      archiveUrl: bulletinLinks.archive('', options.organization.slug),
    });
  }

  // ---- Audiences ------------------------------------------------------------------------------

  @Get('organizations/:id/audiences/new')
  async newAudience(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const options = await this.audiences.builderOptions(user, id);
    await this.audiencePage(
      req,
      reply,
      user,
      options,
      null,
      { values: {}, campaignIds: [], tags: [] },
      {},
      null,
      200,
    );
  }

  @Get('audiences/:id')
  async showAudience(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const a = await this.audiences.get(user, id);
    const options = await this.audiences.builderOptions(user, a.organizationId);
    const count = (await this.audiences.count(user, id)).count;
    await this.audiencePage(req, reply, user, options, a.id, audienceValues(a), {}, count, 200);
  }

  /** Count (intent=count) or save the audience; errors come back with every typed value kept. */
  @Post('organizations/:id/audiences')
  async saveAudience(
    @Param('id', ParseUUIDPipe) orgId: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const audienceId = f.audienceId || null;
    const options = await this.audiences.builderOptions(user, orgId);
    const state = { values: f, campaignIds: listField(body, 'campaignIds'), tags: listField(body, 'tags') };
    const input = audienceInput(f, state.campaignIds, state.tags);
    const v = await validateAs(
      CreateAudienceDto,
      f.intent === 'count' ? { ...input, name: input.name || '-' } : input,
    );
    if (v.errors) return this.audiencePage(req, reply, user, options, audienceId, state, v.errors, null, 400);
    if (f.intent === 'count') {
      const count = await this.audiences.countUnsaved(user, orgId, v.dto.filter);
      return this.audiencePage(req, reply, user, options, audienceId, state, {}, count, 200);
    }
    try {
      const saved = audienceId
        ? await this.audiences.update(user, audienceId, v.dto)
        : await this.audiences.create(user, orgId, v.dto);
      return redirect(reply, `/admin/audiences/${saved.id}?saved=1`);
    } catch (e) {
      const errors = fieldErrorsOf(e) ?? (isNameTaken(e) ? { name: 'audience_name_taken' } : null);
      if (errors) return this.audiencePage(req, reply, user, options, audienceId, state, errors, null, 409);
      throw e;
    }
  }

  private async audiencePage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    options: BuilderOptions,
    audienceId: string | null,
    state: { values: Values; campaignIds: string[]; tags: string[] },
    errors: FieldErrors,
    count: number | null,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      lang,
      'admin/audience-form',
      {
        title: translator(lang)(audienceId ? 'bulletins.audience' : 'bulletins.newAudience'),
        user,
        org: options.organization,
        options,
        audienceId,
        values: state.values,
        campaignIds: state.campaignIds,
        tags: state.tags,
        errors,
        count,
        saved: q.saved === '1',
        pick: (t: LocalizedText) => t[lang] || t.en || t.es || '',
      },
      status,
    );
  }

  // ---- Bulletins ------------------------------------------------------------------------------

  @Get('organizations/:id/bulletins/new')
  async newBulletin(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const options = await this.audiences.builderOptions(user, id);
    await this.bulletinPage(req, reply, user, options, null, {}, {}, 200);
  }

  @Get('bulletins/:id')
  async showBulletin(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const b = await this.bulletins.get(user, id);
    const options = await this.audiences.builderOptions(user, b.organizationId);
    await this.bulletinPage(
      req,
      reply,
      user,
      options,
      b,
      bulletinValues(b, options.organization.timezone),
      {},
      200,
    );
  }

  /** Save a draft (or a new one), or preview what is typed (intent=preview) without saving. */
  @Post('organizations/:id/bulletins')
  async saveBulletin(
    @Param('id', ParseUUIDPipe) orgId: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const options = await this.audiences.builderOptions(user, orgId);
    const existing = f.bulletinId ? await this.bulletins.get(user, f.bulletinId) : null;
    const input = bulletinInput(f, options.organization.timezone);
    const v = await validateAs(CreateBulletinDto, input);
    if (v.errors) return this.bulletinPage(req, reply, user, options, existing, f, v.errors, 400);
    if (f.intent === 'preview')
      return this.bulletinPage(req, reply, user, options, existing, f, {}, 200, v.dto);
    try {
      const saved = existing
        ? await this.bulletins.update(user, existing.id, v.dto)
        : await this.bulletins.create(user, orgId, v.dto);
      return redirect(reply, `/admin/bulletins/${saved.id}?done=saved`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.bulletinPage(req, reply, user, options, existing, f, errors, 400);
      throw e;
    }
  }

  @Post('bulletins/:id/test')
  async test(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const to = (f.testTo ?? '')
      .split(/[\s,;]+/)
      .map((e) => e.trim())
      .filter(Boolean);
    try {
      await this.tests.sendTest(user, id, to.length ? to : undefined);
      return redirect(reply, `/admin/bulletins/${id}?done=tested`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (!errors) throw e;
      const b = await this.bulletins.get(user, id);
      const options = await this.audiences.builderOptions(user, b.organizationId);
      const values = { ...bulletinValues(b, options.organization.timezone), testTo: f.testTo ?? '' };
      return this.bulletinPage(
        req,
        reply,
        user,
        options,
        b,
        values,
        { testTo: errors.to ?? 'staffOnly' },
        400,
      );
    }
  }

  @Post('bulletins/:id/:action')
  async act(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('action') action: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    switch (action) {
      case 'send':
        await this.bulletins.send(user, id);
        break;
      case 'pause':
        await this.bulletins.pause(user, id);
        break;
      case 'resume':
        await this.bulletins.resume(user, id);
        break;
      case 'cancel':
        await this.bulletins.cancel(user, id);
        break;
      default:
        return reply.status(404).send();
    }
    return redirect(reply, `/admin/bulletins/${id}?done=${action}`);
  }

  /** The progress as JSON, for the page's small script (bulletin-progress.js) that updates the bar. */
  @Get('bulletins/:id/progress.json')
  async progress(@Param('id', ParseUUIDPipe) id: string, @ConsoleUser() user: AuthUser) {
    const b = await this.bulletins.get(user, id);
    return { status: b.status, audienceCount: b.audienceCount, stats: b.stats };
  }

  private async bulletinPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    options: BuilderOptions,
    b: BulletinDto | null,
    values: Values,
    errors: FieldErrors,
    status: number,
    typed?: { subject: LocalizedText; body: LocalizedText },
  ) {
    const lang = pageLang(req, reply);
    const t = translator(lang);
    const q = req.query as Record<string, string | undefined>;
    const source = typed ?? b;
    const preview = source
      ? {
          en: renderPreview(source.subject, source.body, 'en'),
          es: renderPreview(source.subject, source.body, 'es'),
        }
      : null;
    const editable = !b || b.status === 'draft' || b.status === 'scheduled';
    await render(
      req,
      reply,
      lang,
      'admin/bulletin',
      {
        title: b ? t('bulletins.bulletin') : t('bulletins.new'),
        user,
        org: options.organization,
        audiences: await this.audiences.list(user, options.organization.id),
        b,
        editable,
        preview,
        values,
        errors,
        done: q.done ?? null,
        zone: options.organization.timezone,
        archiveUrl:
          b && b.startedAt ? `${bulletinLinks.archive('', options.organization.slug)}/${b.id}` : null,
      },
      status,
    );
  }
}

function isNameTaken(e: unknown): boolean {
  return (e as { code?: string }).code === 'audience_name_taken';
}
