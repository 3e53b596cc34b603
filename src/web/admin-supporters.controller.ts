import { Body, Controller, Get, Ip, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Readable } from 'node:stream';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { countryOptions } from '../common/countries.js';
import { BadInputError, ForbiddenError } from '../common/errors.js';
import { LOCALES } from '../common/localized-text.js';
import { AppConfig } from '../config/config.js';
import { OrganizationsService } from '../organizations/organizations.service.js';
import { ImportService, type ImportResult } from '../supporters/import.service.js';
import { SUPPORTER_ACTIVITIES, SupporterFilterDto } from '../supporters/supporter-filter.js';
import { SupportersCsv } from '../supporters/supporters-csv.js';
import { SupportersService } from '../supporters/supporters.service.js';
import { BulkTagDto, TagNameDto } from '../supporters/tags/tags.dto.js';
import { TagsService } from '../supporters/tags/tags.service.js';
import { listField, type FormValues } from './admin-forms.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { translator } from './i18n/index.js';
import { csrfOk } from './setup.js';
import {
  fieldErrorsOf,
  formFields,
  pageLang,
  redirect,
  render,
  validateAs,
  type FieldErrors,
} from './web-context.js';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['search', 'campaignId', 'locale', 'country', 'activity', 'tagId'] as const;

/** The filter fields of a query string or form (`f_` prefixed in the bulk form), blanks dropped. */
function filterValues(src: Record<string, unknown>, prefix = ''): FormValues {
  const out: FormValues = {};
  for (const k of FILTER_KEYS) {
    const v = src[prefix + k];
    if (typeof v === 'string' && v.trim()) out[k] = v.trim();
  }
  return out;
}

function query(values: FormValues): string {
  return new URLSearchParams(values).toString();
}

/**
 * The console's supporter screens for one organization: the list (search, filters, paging), the CSV
 * of what is shown, one supporter with her history and tags, tagging one or many at once, the
 * organization's tags, and imports with a dry-run preview. Each handler calls the services the API
 * calls (SupportersService, TagsService, ImportService), so the same access rules answer: organizers
 * see every supporter, coordinators those of their campaigns; only organizers tag and import.
 */
@ConsolePages()
@Controller('admin/organizations/:id')
export class AdminSupportersController {
  constructor(
    private readonly orgs: OrganizationsService,
    private readonly campaigns: CampaignsService,
    private readonly supporters: SupportersService,
    private readonly tags: TagsService,
    private readonly csv: SupportersCsv,
    private readonly imports: ImportService,
    private readonly config: AppConfig,
  ) {}

  @Get('supporters')
  async list(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.listPage(req, reply, user, id, {}, {}, 200);
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
    const o = await this.orgs.get(user, id);
    const q = req.query as Record<string, string | undefined>;
    const raw = filterValues(q);
    const v = await validateAs(SupporterFilterDto, raw);
    const filter = v.dto ?? {};
    const page = Math.max(1, Number.parseInt(q.page ?? '1', 10) || 1);
    const list = await this.supporters.listForOrganization(user, id, {
      ...filter,
      limit: PAGE_SIZE,
      offset: (page - 1) * PAGE_SIZE,
    });
    const canManage = await this.orgs.mayManage(user, id);
    const campaigns = (await this.campaigns.list(user, { organizationId: id, limit: 200, offset: 0 })).items;
    const tags = await this.tags.list(user, id);
    await render(
      req,
      reply,
      lang,
      'admin/supporters',
      {
        title: `${translator(lang)('sup.title')} · ${o.name}`,
        user,
        o,
        list,
        page,
        pages: Math.max(1, Math.ceil(list.total / PAGE_SIZE)),
        filter: raw,
        filterErrors: v.errors ?? {},
        filterQuery: query(raw),
        campaigns,
        tags,
        canManage,
        locales: LOCALES,
        activities: SUPPORTER_ACTIVITIES,
        countries: countryOptions(lang),
        tagged: q.tagged ?? null,
        errors,
        values,
      },
      status,
    );
  }

  /** Export what is shown: the list's filter, every matching row (not only this page). */
  @Get('supporters.csv')
  async export(
    @Param('id', ParseUUIDPipe) id: string,
    @Ip() ip: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const v = await validateAs(SupporterFilterDto, filterValues(req.query as Record<string, unknown>));
    if (v.errors) throw new BadInputError('Invalid filter');
    const out = await this.csv.export(user, id, v.dto, pageLang(req, reply), ip);
    await reply
      .type('text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${out.filename}"`)
      .header('cache-control', 'no-store')
      .send(out.csv);
  }

  /** Tag or untag the checked rows, or every supporter the list's filter matches. */
  @Post('supporters/tags')
  async bulkTag(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const filter = filterValues(f, 'f_');
    const ids = listField(body, 'supporterIds');
    const input: Record<string, unknown> = {
      tag: f.tag ?? '',
      action: f.action === 'remove' ? 'remove' : 'add',
    };
    if (f.scope === 'all') input.filter = filter;
    else if (ids.length) input.supporterIds = ids;
    else return this.retry(req, reply, user, id, filter, { supporterIds: 'choose_supporters' }, f);
    const v = await validateAs(BulkTagDto, input);
    if (v.errors) return this.retry(req, reply, user, id, filter, v.errors, f);
    const out = await this.tags.bulk(user, id, v.dto);
    const back = query({ ...filter, tagged: `${out.action}:${out.changed}:${out.tag.name}` });
    return redirect(reply, `/admin/organizations/${id}/supporters?${back}`);
  }

  /** The list again (with the filter it was on), its bulk form showing what went wrong. */
  private retry(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    filter: FormValues,
    errors: FieldErrors,
    values: FormValues,
  ) {
    (req as { query: unknown }).query = filter;
    return this.listPage(req, reply, user, id, errors, values, 400);
  }

  @Get('supporters/:supporterId')
  async show(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('supporterId', ParseUUIDPipe) supporterId: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.supporterPage(req, reply, user, id, supporterId, {}, {}, 200);
  }

  private async supporterPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    supporterId: string,
    errors: FieldErrors,
    values: FormValues,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const o = await this.orgs.get(user, id);
    const s = await this.supporters.getForOrganization(user, id, supporterId);
    const name = [s.firstName, s.lastName].filter(Boolean).join(' ') || s.email || '—';
    await render(
      req,
      reply,
      lang,
      'admin/supporter',
      {
        title: name,
        user,
        o,
        s,
        tags: s.masked ? [] : await this.tags.ofSupporter(supporterId),
        allTags: await this.tags.list(user, id),
        canManage: await this.orgs.mayManage(user, id),
        errors,
        values,
      },
      status,
    );
  }

  @Post('supporters/:supporterId/tags')
  async tagOne(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('supporterId', ParseUUIDPipe) supporterId: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(BulkTagDto, { tag: f.tag ?? '', action: 'add', supporterIds: [supporterId] });
    if (v.errors) return this.supporterPage(req, reply, user, id, supporterId, v.errors, f, 400);
    await this.tags.bulk(user, id, v.dto);
    return redirect(reply, `/admin/organizations/${id}/supporters/${supporterId}#tags`);
  }

  @Post('supporters/:supporterId/tags/:tagId/remove')
  async untagOne(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('supporterId', ParseUUIDPipe) supporterId: string,
    @Param('tagId', ParseUUIDPipe) tagId: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    await this.tags.untagOne(user, id, supporterId, tagId);
    return redirect(reply, `/admin/organizations/${id}/supporters/${supporterId}#tags`);
  }

  // ---- The organization's tags ------------------------------------------------------------------

  @Get('tags')
  async tagList(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.tagsPage(req, reply, user, id, {}, {}, 200);
  }

  @Post('tags')
  async createTag(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(TagNameDto, { name: f.name ?? '' });
    if (v.errors) return this.tagsPage(req, reply, user, id, v.errors, f, 400);
    try {
      await this.tags.create(user, id, v.dto.name);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.tagsPage(req, reply, user, id, errors, f, 409);
      throw e;
    }
    return redirect(reply, `/admin/organizations/${id}/tags?saved=1`);
  }

  @Post('tags/:tagId')
  async renameTag(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('tagId', ParseUUIDPipe) tagId: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const v = await validateAs(TagNameDto, { name: f[`name_${tagId}`] ?? '' });
    const fail = (errors: FieldErrors, status: number) =>
      this.tagsPage(req, reply, user, id, { [`name_${tagId}`]: errors.name }, f, status);
    if (v.errors) return fail(v.errors, 400);
    try {
      await this.tags.rename(user, tagId, v.dto.name);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return fail(errors, 409);
      throw e;
    }
    return redirect(reply, `/admin/organizations/${id}/tags?saved=1`);
  }

  @Post('tags/:tagId/delete')
  async deleteTag(
    @Param('id', ParseUUIDPipe) id: string,
    @Param('tagId', ParseUUIDPipe) tagId: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    await this.tags.remove(user, tagId);
    return redirect(reply, `/admin/organizations/${id}/tags?deleted=1`);
  }

  private async tagsPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    errors: FieldErrors,
    values: FormValues,
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const o = await this.orgs.get(user, id);
    const q = req.query as Record<string, string | undefined>;
    await render(
      req,
      reply,
      lang,
      'admin/tags',
      {
        title: `${translator(lang)('tags.title')} · ${o.name}`,
        user,
        o,
        tags: await this.tags.list(user, id),
        canManage: await this.orgs.mayManage(user, id),
        saved: q.saved === '1',
        deleted: q.deleted === '1',
        errors,
        values,
      },
      status,
    );
  }

  // ---- Import -----------------------------------------------------------------------------------

  @Get('import')
  async importForm(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    await this.importPage(req, reply, user, id, { values: {}, errors: {} }, 200);
  }

  /** Step 1: the file, read whole and run as a dry run; the page shows what would happen. */
  @Post('import/preview')
  async preview(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const fields: FormValues = {};
    let content: Buffer | null = null;
    let truncated = false;
    if (req.isMultipart()) {
      for await (const part of req.parts({ limits: { fileSize: this.config.importMaxBytes, files: 1 } })) {
        if (part.type === 'file') {
          content = await part.toBuffer().catch(() => null);
          truncated = part.file.truncated || content === null;
        } else if (typeof part.value === 'string') fields[part.fieldname] = part.value;
      }
    }
    // The CSRF token came in the upload's own fields (setup.ts leaves this route to us).
    (req as { body: unknown }).body = { _csrf: fields._csrf };
    if (!csrfOk(req, reply)) throw new ForbiddenError('Invalid form token', 'csrf');
    delete fields._csrf;
    const values = { campaignId: fields.campaignId ?? '' };
    if (!values.campaignId)
      return this.importPage(req, reply, user, id, { values, errors: { campaignId: 'required' } }, 400);
    if (!content?.length && !truncated) {
      return this.importPage(req, reply, user, id, { values, errors: { file: 'missing_file' } }, 400);
    }
    const file = Object.assign(Readable.from(truncated ? [] : [content!]), { truncated });
    try {
      const result = await this.imports.importCsv(
        user,
        values.campaignId,
        file,
        true,
        this.config.importMaxBytes,
      );
      const csv = content!.toString('utf8');
      // The file goes back with the "Import" button as a form field, up to what a form may carry.
      const carry =
        Buffer.byteLength(encodeURIComponent(csv)) < this.config.bodyLimitBytes - 4096 ? csv : null;
      return this.importPage(req, reply, user, id, { values, errors: {}, result, csv: carry }, 200);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.importPage(req, reply, user, id, { values, errors }, 400);
      throw e;
    }
  }

  /** Step 2: the same file (carried by the preview page), imported for real. */
  @Post('import')
  async runImport(
    @Param('id', ParseUUIDPipe) id: string,
    @Body() body: unknown,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const f = formFields(body);
    const values = { campaignId: f.campaignId ?? '' };
    if (!values.campaignId || !f.csv) {
      return this.importPage(req, reply, user, id, { values, errors: { file: 'missing_file' } }, 400);
    }
    const file = Readable.from([Buffer.from(f.csv, 'utf8')]);
    try {
      const result = await this.imports.importCsv(
        user,
        values.campaignId,
        file,
        false,
        this.config.importMaxBytes,
      );
      return this.importPage(req, reply, user, id, { values, errors: {}, result }, 200);
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.importPage(req, reply, user, id, { values, errors }, 400);
      throw e;
    }
  }

  private async importPage(
    req: FastifyRequest,
    reply: FastifyReply,
    user: AuthUser,
    id: string,
    state: { values: FormValues; errors: FieldErrors; result?: ImportResult; csv?: string | null },
    status: number,
  ) {
    const lang = pageLang(req, reply);
    const o = await this.orgs.get(user, id);
    const campaigns = (await this.campaigns.list(user, { organizationId: id, limit: 200, offset: 0 })).items;
    const campaign = campaigns.find((c) => c.id === state.values.campaignId) ?? null;
    await render(
      req,
      reply,
      lang,
      'admin/import',
      {
        title: `${translator(lang)('imp.title')} · ${o.name}`,
        user,
        o,
        campaigns,
        campaign,
        maxMb: Math.round(this.config.importMaxBytes / 1024 / 1024),
        ...state,
        result: state.result ?? null,
        csv: state.csv ?? null,
      },
      status,
    );
  }
}
