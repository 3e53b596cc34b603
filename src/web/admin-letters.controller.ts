import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { LOCALES } from '../common/localized-text.js';
import { UpdateLetterActionDto } from '../letters/dto/letter-action.dto.js';
import { LetterActionsService } from '../letters/letter-actions.service.js';
import { SetPublicStatusDto } from '../letters/dto/public-signer.dto.js';
import { SignaturesService } from '../letters/signatures.service.js';
import { BadInputError } from '../common/errors.js';
import { renderLetter } from '../letters/merge-fields.js';
import { targetsIn } from '../letters/target.entity.js';
import { TargetsService } from '../letters/targets.service.js';
import { letterInput, listField, localizedValues, type FormValues } from './admin-forms.js';
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

/** Editing a letter action, with the letter as a supporter reads it beside the fields. */
@ConsolePages()
@Controller('admin')
export class AdminLettersController {
  constructor(
    private readonly campaigns: CampaignsService,
    private readonly access: CampaignAccessService,
    private readonly letters: LetterActionsService,
    private readonly targets: TargetsService,
    private readonly signatures: SignaturesService,
  ) {}

  /** Shows (approves) or hides a public signer, back to the letter's list of public signers. */
  @Post('letters/:id/public-signers/:signatureId')
  async moderate(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('signatureId', ParseUUIDPipe) signatureId: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    const v = await validateAs(SetPublicStatusDto, { status: formFields(body).status });
    if (v.errors) throw new BadInputError('status must be shown or hidden');
    await this.signatures.setPublicStatus(user, signatureId, v.dto.status);
    return redirect(reply, `/admin/letters/${id}/edit#public-signers`);
  }

  @Get('letters/:id/edit')
  async editLetter(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const a = await this.letters.get(user, id);
    await this.access.assert(user, a.campaignId, 'manage');
    const values: FormValues = {
      ...localizedValues(a.title, 'title'),
      ...localizedValues(a.subject, 'subject'),
      ...localizedValues(a.body, 'body'),
      targetIds: a.targets.map((x) => x.id).join(','),
      allowPersonalNote: a.allowPersonalNote ? '1' : '',
      signatureGoal: a.signatureGoal?.toString() ?? '',
    };
    await this.letterForm(req, reply, user, id, values, {}, 200);
  }

  @Post('letters/:id')
  async updateLetter(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const targetIds = listField(body, 'targetIds');
    const values = {
      ...f,
      targetIds: targetIds.join(','),
      allowPersonalNote: f.allowPersonalNote ? '1' : '',
    };
    const input = letterInput(f, targetIds);
    if (!f.signatureGoal?.trim()) input.signatureGoal = null;
    const v = await validateAs(UpdateLetterActionDto, input);
    if (v.errors) return this.letterForm(req, reply, user, id, values, v.errors, 400);
    if (f.preview) return this.letterForm(req, reply, user, id, values, {}, 200);
    try {
      const a = await this.letters.update(user, id, v.dto);
      return redirect(reply, `/admin/campaigns/${a.campaignId}#letters`);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.letterForm(req, reply, user, id, values, errors, 400);
      throw e;
    }
  }

  private async letterForm(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    values: FormValues,
    errors: FieldErrors,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const a = await this.letters.get(user, id);
    const c = await this.campaigns.get(user, a.campaignId);
    const targets = (
      await this.targets.listOwn(user, c.organizationId, { limit: 500, offset: 0, library: true })
    ).items;
    const chosen = targets.filter((x) => (values.targetIds ?? '').split(',').includes(x.id));
    // The preview beside the fields: the letter as a supporter reads it, in each language.
    const preview = LOCALES.map((l) => ({
      lang: l,
      subject: renderLetter(values[`subject_${l}`] ?? '', targetsIn(chosen, l), null, l),
      body: renderLetter(values[`body_${l}`] ?? '', targetsIn(chosen, l), null, l),
    }));
    const publicSigners = await this.signatures.publicSigners(user, id, { limit: 200, offset: 0 });
    await render(
      req,
      reply,
      lang,
      'admin/letter-form',
      {
        title: translator(lang)('admin.editLetter'),
        user,
        a,
        targets,
        values,
        errors,
        preview,
        publicSigners,
      },
      status,
    );
  }
}
