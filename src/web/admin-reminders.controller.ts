import { Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { zoneLongName } from '../common/time-zones.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ReminderStaffService } from '../reminders/reminder-staff.service.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { translator } from './i18n/index.js';
import { pageLang, redirect, render } from './web-context.js';

/** A campaign's reminders and messages, and resending one. */
@ConsolePages()
@Controller('admin')
export class AdminRemindersController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly access: CampaignAccessService,
    private readonly reminderStaff: ReminderStaffService,
    private readonly orgs: OrganizationsService,
  ) {}

  @Get('campaigns/:id/reminders')
  async reminders(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const lang = pageLang(req, reply);
    const c = await this.campaigns.get(user, id);
    const page = { limit: 200, offset: 0 };
    const reminders = await this.reminderStaff.list(user, id, page);
    const messages = await this.reminderStaff.messages(user, id, page);
    const role = await this.access.roleIn(user, id);
    const q = req.query as Record<string, string | undefined>;
    // Times on the organization's clock, named ("Mar 14, 2026, 10:00 AM CST"), never bare UTC.
    const zone = await this.orgs.zoneForCampaign(id);
    await render(req, reply, lang, 'admin/reminders', {
      zone,
      zoneName: zoneLongName(zone, lang),
      title: translator(lang)('admin.reminders'),
      user,
      c,
      reminders: reminders.items,
      messages: messages.items,
      // The resend route asks for 'coordinate' on the campaign: every member role has it.
      canResend: role !== null,
      resent: q.resent === '1',
    });
  }

  @Post('reminders/:id/resend')
  async resend(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const r = await this.reminderStaff.resend(user, id);
    return redirect(reply, r.campaignId ? `/admin/campaigns/${r.campaignId}/reminders?resent=1` : '/admin');
  }
}
