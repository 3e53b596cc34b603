import { Body, Controller, Get, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { DONATION_METHODS } from '../fundraising/donation.entity.js';
import { DonationsService, type DonationView } from '../fundraising/donations.service.js';
import { CreateDonationDto, RefundDonationDto, UpdateDonationDto } from '../fundraising/dto/donation.dto.js';
import { FundraisersService } from '../fundraising/fundraisers.service.js';
import { donationInput, typedMoney, type FormValues } from './admin-forms.js';
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

/** A donation as the fix form's values. */
function fixValues(d: DonationView): FormValues {
  return {
    amount: d.amount.amount,
    currency: d.amount.currency,
    method: d.method,
    receivedAt: d.receivedAt ? new Date(d.receivedAt).toISOString().slice(0, 10) : '',
    externalRef: d.externalRef ?? '',
    reason: '',
  };
}

/** Runs `build` (which may throw a field error, e.g. an amount read two ways) and validates as `cls`. */
async function validated<T extends object>(
  cls: new () => T,
  build: () => Record<string, unknown>,
): Promise<{ dto: T; errors: null } | { dto: null; errors: FieldErrors }> {
  let plain: Record<string, unknown>;
  try {
    plain = build();
  } catch (e) {
    const errors = fieldErrorsOf(e);
    if (errors) return { dto: null, errors };
    throw e;
  }
  return validateAs(cls, plain);
}

/**
 * A fundraiser's donations in the console: the list (amount, status, method, donor, date), quick
 * entry that reads amounts as people type them, and for each donation a fix (amount, method, date,
 * reference) and a refund, both with the reason that goes to the audit log. DonationsService answers
 * with the same rules as the API (coordinators and organizers of the campaign).
 */
@ConsolePages()
@Controller('admin')
export class AdminDonationsController {
  constructor(
    private readonly fundraisers: FundraisersService,
    private readonly donations: DonationsService,
  ) {}

  @Get('fundraisers/:id/donations')
  async list(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.listPage(req, reply, user, id, {}, {}, 200);
  }

  @Post('fundraisers/:id/donations/entry')
  async entry(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validated(CreateDonationDto, () => donationInput(f, pageLang(req, reply)));
    if (v.errors) return this.listPage(req, reply, user, id, v.errors, f, 400);
    try {
      await this.donations.record(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.listPage(req, reply, user, id, errors, f, 400);
      throw e;
    }
    return redirect(reply, `/admin/fundraisers/${id}/donations?saved=1`);
  }

  private async listPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    errors: FieldErrors,
    values: FormValues,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const fr = await this.fundraisers.get(user, id);
    const list = await this.donations.list(user, id, { limit: 500, offset: 0 });
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      lang,
      'admin/donations',
      {
        title: translator(lang)('don.title'),
        user,
        fr,
        list,
        methods: DONATION_METHODS,
        saved: q.saved ?? null,
        errors,
        values: { currency: fr.goal.currency, ...values },
      },
      status,
    );
  }

  @Get('donations/:id')
  async show(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const d = await this.donations.get(user, id);
    await this.donationPage(req, reply, user, d, { fix: fixValues(d) }, {}, 200);
  }

  /** Fix: amount, method, date, reference, with the reason (required here: it is the audit trail). */
  @Post('donations/:id')
  async fix(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const d = await this.donations.get(user, id);
    const f = formFields(body);
    const fail = (errors: FieldErrors) => this.donationPage(req, reply, user, d, { fix: f }, errors, 400);
    if (!f.reason?.trim()) return fail({ reason: 'reason_required' });
    const v = await validated(UpdateDonationDto, () => {
      const out: Record<string, unknown> = {
        amount: typedMoney(f.amount, f.currency),
        method: f.method,
        externalRef: f.externalRef?.trim() ?? '',
        reason: f.reason,
      };
      if (f.receivedAt?.trim()) out.receivedAt = f.receivedAt.trim();
      return out;
    });
    if (v.errors) return fail(v.errors);
    try {
      await this.donations.update(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return fail(errors);
      throw e;
    }
    return redirect(reply, `/admin/fundraisers/${d.fundraiserId}/donations?saved=fixed`);
  }

  @Post('donations/:id/refund')
  async refund(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const d = await this.donations.get(user, id);
    const f = formFields(body);
    const fail = (errors: FieldErrors) =>
      this.donationPage(req, reply, user, d, { fix: fixValues(d), refund: f }, errors, 400);
    if (!f.refundReason?.trim()) return fail({ refundReason: 'reason_required' });
    const v = await validateAs(RefundDonationDto, { reason: f.refundReason });
    if (v.errors) return fail({ refundReason: v.errors.reason });
    try {
      await this.donations.refund(user, id, v.dto);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return fail(errors);
      throw e;
    }
    return redirect(reply, `/admin/fundraisers/${d.fundraiserId}/donations?saved=refunded`);
  }

  private async donationPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    d: DonationView,
    values: { fix: FormValues; refund?: FormValues },
    errors: FieldErrors,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    await render(
      req,
      reply,
      lang,
      'admin/donation',
      {
        title: translator(lang)('don.one'),
        user,
        d,
        methods: DONATION_METHODS,
        values: values.fix,
        refundValues: values.refund ?? {},
        errors,
      },
      status,
    );
  }
}
