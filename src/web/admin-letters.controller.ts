import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { BadInputError, ConflictError, NotFoundError } from '../common/errors.js';
import { LOCALES } from '../common/localized-text.js';
import { zoneLongName } from '../common/time-zones.js';
import { DeliveriesService } from '../letters/deliveries.service.js';
import { CreateDeliveryDto } from '../letters/dto/delivery.dto.js';
import { UpdateLetterActionDto } from '../letters/dto/letter-action.dto.js';
import { PacketsService } from '../letters/packets.service.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { LetterActionsService } from '../letters/letter-actions.service.js';
import { SetPublicStatusDto } from '../letters/dto/public-signer.dto.js';
import { SignaturesService } from '../letters/signatures.service.js';
import { renderLetter } from '../letters/merge-fields.js';
import { targetsIn } from '../letters/target.entity.js';
import { TargetsService } from '../letters/targets.service.js';
import { deliveryInput, letterInput, listField, localizedValues, type FormValues } from './admin-forms.js';
import { instantToLocal, localToInstant } from './format.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { hasKey, translator } from './i18n/index.js';
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
    private readonly deliveries: DeliveriesService,
    private readonly packets: PacketsService,
    private readonly orgs: OrganizationsService,
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
      deadline: instantToLocal(a.deadline, await this.orgs.zoneForCampaign(a.campaignId)),
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
    // The deadline is typed on the organization's wall clock (the label names its zone).
    const zone = await this.orgs.zoneForCampaign((await this.letters.get(user, id)).campaignId);
    input.deadline = f.deadline?.trim() ? (localToInstant(f.deadline.trim(), zone) ?? f.deadline) : null;
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

  /** The delivery screen: each target's packet, email or record a delivery, and the log. */
  @Get('letters/:id/delivery')
  async delivery(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const q = req.query as Record<string, string | undefined>;
    const done = q.done === 'email' || q.done === 'recorded' ? q.done : null;
    await this.deliveryPage(req, reply, user, id, {}, {}, null, done, 200);
  }

  @Post('letters/:id/deliveries')
  async deliver(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const again = (errors: FieldErrors, problem: string | null, status: number) =>
      this.deliveryPage(req, reply, user, id, f, errors, problem, null, status);
    const input = deliveryInput(f);
    // Email goes only to the address shown on the page, after the person ticked that they checked it.
    if (input.method === 'email' && f.confirmEmail !== '1')
      return again({ confirmEmail: 'isNotEmpty' }, null, 400);
    const v = await validateAs(CreateDeliveryDto, input);
    if (v.errors) return again(v.errors, null, 400);
    try {
      await this.deliveries.create(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return again(errors, null, 400);
      if (e instanceof ConflictError) return again({}, e.code ?? 'conflict', 409);
      throw e;
    }
    return redirect(
      reply,
      `/admin/letters/${id}/delivery?done=${v.dto.method === 'email' ? 'email' : 'recorded'}`,
    );
  }

  /** A target's packet, for the console's session (the same PacketsService as the API's route). */
  @Get('letters/:id/targets/:targetId/packet.:format')
  async packet(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('targetId', ParseUUIDPipe) targetId: string,
    @Param('format') format: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    if (format !== 'pdf' && format !== 'csv') throw new NotFoundError('Packet');
    const p = await this.packets.packet(user, id, targetId, format);
    await reply
      .type(p.contentType)
      .header('content-disposition', `attachment; filename="${p.filename}"`)
      .header('cache-control', 'no-store')
      .send(p.stream);
  }

  private async deliveryPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    values: FormValues,
    errors: FieldErrors,
    problem: string | null,
    done: 'email' | 'recorded' | null,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const t = translator(lang);
    const a = await this.letters.get(user, id);
    const [log, zone] = await Promise.all([
      this.deliveries.log(user, id),
      this.orgs.zoneForCampaign(a.campaignId),
    ]);
    const problemKey = problem ? `err.${problem}` : null;
    await render(
      req,
      reply,
      lang,
      'admin/letter-delivery',
      {
        title: `${t('admin.delivery')} · ${a.title[lang] ?? a.title.en ?? a.title.es ?? ''}`,
        user,
        a,
        log,
        zone,
        zoneName: zoneLongName(zone, lang),
        values,
        errors,
        problem: problemKey && hasKey(problemKey) ? t(problemKey) : problem ? t('error.conflict') : null,
        done,
      },
      status,
    );
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
    const zone = await this.orgs.zoneForCampaign(a.campaignId);
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
        zoneName: zoneLongName(zone, lang),
        publicSigners,
      },
      status,
    );
  }
}
