import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { MEMBER_ROLES } from '../auth/membership.entity.js';
import { MembershipService } from '../auth/membership.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { PutCampaignMemberDto } from '../organizations/dto/organization.dto.js';
import { CampaignTeamService } from '../organizations/campaign-team.service.js';
import type { FormValues } from './admin-forms.js';
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

/** A campaign's own team: add someone by email (or invite them), remove a member. */
@ConsolePages()
@Controller('admin')
export class AdminTeamController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly membership: MembershipService,
    private readonly team: CampaignTeamService,
  ) {}

  @Get('campaigns/:id/members')
  async members(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.membersPage(req, reply, user, id, {}, {}, 200);
  }

  @Post('campaigns/:id/members')
  async putMember(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(PutCampaignMemberDto, { email: f.email ?? '', role: f.role });
    if (v.errors) return this.membersPage(req, reply, user, id, v.errors, f, 400);
    let status: string;
    try {
      const out = await this.team.put(user, id, v.dto);
      status = 'status' in out ? out.status : 'added';
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.membersPage(req, reply, user, id, errors, f, 400);
      throw e;
    }
    return redirect(reply, `/admin/campaigns/${id}/members?team=${status}`);
  }

  @Post('campaigns/:id/members/:userId/remove')
  async removeMember(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    await this.membership.remove(user, id, userId);
    return redirect(reply, `/admin/campaigns/${id}/members?team=removed`);
  }

  private async membersPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    errors: FieldErrors,
    values: FormValues,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const c = await this.campaigns.get(user, id);
    const members = await this.membership.list(user, id); // 403 unless organizer here or admin
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      lang,
      'admin/members',
      {
        title: translator(lang)('admin.members'),
        user,
        c,
        members,
        memberRoles: MEMBER_ROLES,
        teamStatus: q.team ?? null,
        errors,
        values,
      },
      status,
    );
  }
}
