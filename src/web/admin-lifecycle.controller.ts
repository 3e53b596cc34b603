import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import {
  CAMPAIGN_STATUSES,
  campaignMove,
  TRANSITIONS,
  type CampaignStatus,
} from '../campaigns/campaign.entity.js';
import { CampaignsService, type CampaignView } from '../campaigns/campaigns.service.js';
import { BadInputError, ConflictError } from '../common/errors.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { translator, type MessageKey } from './i18n/index.js';
import { formFields, pageLang, redirect, render } from './web-context.js';

/**
 * A campaign's lifecycle in the console. Every move of its status asks first on a page that says what
 * will happen (publishing, winning, losing, archiving, reopening); hiding an archived campaign is one
 * tap because showing it again is one tap too; deleting a draft asks first, or explains why it cannot.
 */
@ConsolePages()
@Controller('admin/campaigns/:id')
export class AdminLifecycleController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly access: CampaignAccessService,
  ) {}

  /** The status form: without `confirm`, the page that asks; with it, the move. */
  @Post('status')
  async status(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const status = CAMPAIGN_STATUSES.find((s) => s === f.status);
    if (!status) throw new BadInputError('Invalid status');
    await this.access.assert(user, id, 'manage');
    const c = await this.campaigns.get(user, id);
    if (f.confirm !== '1') {
      if (!TRANSITIONS[c.status].includes(status)) return redirect(reply, `/admin/campaigns/${id}`);
      return this.confirmPage(req, reply, user, c, status);
    }
    await this.campaigns.update(user, id, { status });
    return redirect(reply, `/admin/campaigns/${id}?moved=${status}`);
  }

  /** Hide an archived campaign from the lists, or show it again. */
  @Post('hidden')
  async hidden(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const hidden = formFields(body).hidden === '1';
    await this.campaigns.update(user, id, { hidden });
    return redirect(reply, hidden ? '/admin?hid=1' : `/admin/campaigns/${id}`);
  }

  @Get('delete')
  async confirmDelete(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.access.assert(user, id, 'manage');
    const c = await this.campaigns.get(user, id);
    const blocked =
      c.status !== 'draft'
        ? 'admin.deleteNotDraft'
        : (await this.campaigns.hasActivity(id))
          ? 'admin.deleteHasActivity'
          : null;
    await this.deletePage(req, reply, user, c, blocked, 200);
  }

  @Post('delete')
  async delete(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    try {
      await this.campaigns.remove(user, id);
    } catch (e) {
      if (!(e instanceof ConflictError)) throw e;
      const c = await this.campaigns.get(user, id);
      const key = e.code === 'not_draft' ? 'admin.deleteNotDraft' : 'admin.deleteHasActivity';
      return this.deletePage(req, reply, user, c, key, 409);
    }
    return redirect(reply, '/admin?deleted=1');
  }

  private async confirmPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    c: CampaignView,
    status: CampaignStatus,
  ) {
    const lang = pageLang(req, reply);
    const t = translator(lang);
    const move = campaignMove(c.status, status);
    await render(req, reply, lang, 'admin/confirm', {
      title: t(`lifecycle.${move}.title` as MessageKey),
      user,
      campaignTitle: c.title[lang] ?? c.title.en ?? c.title.es ?? '',
      back: `/admin/campaigns/${c.id}`,
      what: t(`lifecycle.${move}.what` as MessageKey),
      undo: t(`lifecycle.${move}.undo` as MessageKey),
      action: `/admin/campaigns/${c.id}/status`,
      fields: { status, confirm: '1' },
      button: t(`lifecycle.${move}.button` as MessageKey),
      danger: status === 'archived' || status === 'lost',
    });
  }

  private async deletePage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    c: CampaignView,
    blocked: MessageKey | null,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const t = translator(lang);
    await render(
      req,
      reply,
      lang,
      'admin/confirm',
      {
        title: t('lifecycle.delete.title'),
        user,
        campaignTitle: c.title[lang] ?? c.title.en ?? c.title.es ?? '',
        back: `/admin/campaigns/${c.id}`,
        what: blocked ? t(blocked) : t('lifecycle.delete.what'),
        undo: blocked ? '' : t('lifecycle.delete.undo'),
        action: blocked ? null : `/admin/campaigns/${c.id}/delete`,
        fields: {},
        button: t('lifecycle.delete.button'),
        danger: true,
      },
      status,
    );
  }
}
