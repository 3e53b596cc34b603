import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { FirstAdminService } from '../auth/first-admin.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { Public } from '../common/public.decorator.js';
import { translator } from './i18n/index.js';
import { pageLang, render } from './web-context.js';
import { WebErrorFilter } from './web-error.filter.js';

/** The instance's front page: its active campaigns, the way to the console, and first-run help. */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller()
export class HomeController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly firstAdmin: FirstAdminService,
  ) {}

  @Public()
  @Get()
  async home(@Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const lang = pageLang(req, reply);
    const [campaigns, fresh] = await Promise.all([
      this.campaigns.activeCampaigns(lang),
      this.firstAdmin.freshInstall(),
    ]);
    const t = translator(lang);
    await render(req, reply, lang, 'home', {
      title: t('home.title'),
      og: { title: t('site.name'), description: t('home.intro') },
      campaigns,
      fresh,
    });
  }
}
