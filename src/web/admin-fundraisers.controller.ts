import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { BadInputError } from '../common/errors.js';
import { UpdateFundraiserDto } from '../fundraising/dto/fundraiser.dto.js';
import { FundraisersService } from '../fundraising/fundraisers.service.js';
import {
  compactGiving,
  fundraiserUpdateInput,
  givingValues,
  localizedValues,
  type FormValues,
} from './admin-forms.js';
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

/** Editing a fundraiser, and opening or closing it. */
@ConsolePages()
@Controller('admin')
export class AdminFundraisersController {
  constructor(private readonly fundraisers: FundraisersService) {}

  @Get('fundraisers/:id/edit')
  async editFundraiser(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.fundraisers.loadFor(user, id, 'manage');
    const fr = await this.fundraisers.get(user, id);
    const values: FormValues = {
      ...localizedValues(fr.title, 'title'),
      ...localizedValues(fr.description, 'description'),
      goalAmount: fr.goal.amount,
      goalCurrency: fr.goal.currency,
      ...givingValues(fr.giving),
    };
    await this.fundraiserForm(req, reply, user, id, values, {}, 200);
  }

  @Post('fundraisers/:id')
  async updateFundraiser(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    // "How to give" rows re-shown as the list's items, so an error on item i sits on row i.
    const f = compactGiving(formFields(body));
    const v = await validateAs(UpdateFundraiserDto, fundraiserUpdateInput(f));
    if (v.errors) return this.fundraiserForm(req, reply, user, id, f, v.errors, 400);
    try {
      const fr = await this.fundraisers.update(user, id, v.dto);
      return redirect(reply, `/admin/campaigns/${fr.campaignId}#fundraisers`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.fundraiserForm(req, reply, user, id, f, errors, 400);
      throw e;
    }
  }

  @Post('fundraisers/:id/status')
  async fundraiserStatus(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const v = await validateAs(UpdateFundraiserDto, { status: formFields(body).status });
    if (v.errors || !v.dto.status) throw new BadInputError('Invalid status');
    const fr = await this.fundraisers.update(user, id, { status: v.dto.status });
    return redirect(reply, `/admin/campaigns/${fr.campaignId}#fundraisers`);
  }

  private async fundraiserForm(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    values: FormValues,
    errors: FieldErrors,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const fr = await this.fundraisers.get(user, id);
    await render(
      req,
      reply,
      lang,
      'admin/fundraiser-form',
      { title: translator(lang)('admin.editFundraiser'), user, fr, values, errors },
      status,
    );
  }
}
