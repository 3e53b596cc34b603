import { Injectable } from '@nestjs/common';
import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { CsvError, parse } from 'csv-parse';
import { Readable } from 'node:stream';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignsService } from '../campaigns/campaigns.service.js';
import { BadInputError } from '../common/errors.js';
import { flattenValidationErrors } from '../common/validation.js';
import { TransactionService } from '../database/transaction.service.js';
import { SupporterFieldsDto } from './dto/supporter-fields.dto.js';
import { SupportersService } from './supporters.service.js';
import { TAG_NAME_MAX } from './tags/tags.dto.js';
import { TagsService } from './tags/tags.service.js';

/** Column names of Puente's own export and of common organizing tools, normalised (a-z0-9_). */
const ALIASES: Record<keyof SupporterFieldsDto, string[]> = {
  email: [
    'email',
    'email_address',
    'e_mail',
    'emailaddress',
    'correo',
    'correo_electronico',
    'primary_email',
  ],
  firstName: ['first_name', 'firstname', 'given_name', 'first', 'nombre', 'name_first'],
  lastName: ['last_name', 'lastname', 'family_name', 'surname', 'last', 'apellido', 'apellidos', 'name_last'],
  city: ['city', 'ciudad', 'town', 'locality', 'municipio'],
  region: ['region', 'state', 'province', 'estado', 'state_province', 'state_code'],
  country: ['country', 'country_code', 'pais', 'país'],
  postalCode: ['postal_code', 'zip', 'zip_code', 'zipcode', 'postcode', 'codigo_postal', 'cp'],
  locale: ['locale', 'language', 'lang', 'idioma'],
  timezone: ['timezone', 'time_zone', 'tz', 'zona_horaria'],
  consentEmail: [
    'email_consent',
    'consent',
    'email_opt_in',
    'opt_in',
    'can_email',
    'subscribed',
    'acepta_correos',
  ],
  // Not imported yet: a phone consent needs its own record of where it was given (issue 23).
  phone: [],
  consentPhone: [],
  consentWhatsapp: [],
};

/** A column of tags, several in a cell separated by `;`, `,` or `|` ("volunteer; Guanajuato"). */
const TAG_HEADERS = ['tags', 'tag', 'etiquetas', 'etiqueta', 'labels', 'groups'];
type Column = keyof SupporterFieldsDto | 'tags';

/** The tags of one cell: trimmed, at most 60 characters each, no repeats (any case). */
export function tagsOfCell(cell: string): string[] {
  const out = new Map<string, string>();
  for (const raw of cell.split(/[;,|]/)) {
    const name = raw.trim().replace(/\s+/g, ' ');
    if (name && !out.has(name.toLowerCase())) out.set(name.toLowerCase(), name);
  }
  return [...out.values()];
}

const normalise = (h: string) =>
  h
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_|_$/g, '');

const FIELD_BY_HEADER = new Map<string, Column>([
  ...Object.entries(ALIASES).flatMap(([field, names]) =>
    names.map((n) => [normalise(n), field as keyof SupporterFieldsDto] as const),
  ),
  ...TAG_HEADERS.map((h) => [h, 'tags'] as const),
]);

const YES = new Set(['true', 'yes', 'y', '1', 'si', 'sí', 'x']);
const NO = new Set(['false', 'no', 'n', '0', '']);
const BATCH = 500;

/** An upload stream; `truncated` is set when it was cut at the size limit (@fastify/multipart). */
export type UploadedFile = Readable & { truncated?: boolean };

/** The whole upload, or BadInputError `file_too_large` when it was cut at `maxBytes`. */
async function readWhole(file: UploadedFile, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of file as AsyncIterable<Buffer>) {
    size += chunk.length;
    chunks.push(chunk);
  }
  if (file.truncated || size > maxBytes)
    throw BadInputError.field(
      'file',
      'file_too_large',
      `The file is larger than ${formatBytes(maxBytes)}; nothing was imported`,
    );
  return Buffer.concat(chunks);
}

function formatBytes(n: number): string {
  return n >= 1024 * 1024 ? `${Math.round((n / 1024 / 1024) * 10) / 10} MB` : `${Math.ceil(n / 1024)} KB`;
}

interface Row {
  line: number;
  dto: SupporterFieldsDto;
  tags: string[];
}

export interface ImportRowError {
  line: number;
  field: string;
  code: string;
  message: string;
}

export interface ImportResult {
  dryRun: boolean;
  rows: number;
  created: number;
  updated: number;
  rejected: number;
  /** Unmapped columns, ignored. */
  ignoredColumns: string[];
  /** The first 1,000 problems, by line number of the file (the header is line 1). */
  errors: ImportRowError[];
  /** With a tags column: the tags put on the imported rows, and those the organization had none by. */
  tags?: { names: string[]; newNames: string[]; rowsTagged: number };
}

@Injectable()
export class ImportService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly campaigns: CampaignsService,
    private readonly supporters: SupportersService,
    private readonly tx: TransactionService,
    private readonly audit: AuditService,
    private readonly tags: TagsService,
  ) {}

  /**
   * Import supporters from CSV into a campaign. Bad rows never stop good ones; consent is recorded only
   * from an explicit consent column (and, as for forms, never withdrawn by an import). Dry run answers
   * what would be created, updated and rejected, changing nothing.
   */
  async importCsv(
    actor: AuthUser,
    campaignId: string,
    file: UploadedFile,
    dryRun: boolean,
    maxBytes: number,
  ): Promise<ImportResult> {
    await this.campaigns.loadWritable(actor, campaignId, 'manage');
    // The whole file first: one over the limit is refused before anything is written.
    const content = await readWhole(file, maxBytes);
    if (dryRun) return this.consume(actor, campaignId, content, null);
    // One transaction: a malformed line or a failure half-way commits nothing either.
    return this.tx.run((m) => this.consume(actor, campaignId, content, m));
  }

  private async consume(
    actor: AuthUser,
    campaignId: string,
    content: Buffer,
    m: EntityManager | null,
  ): Promise<ImportResult> {
    const dryRun = m === null;
    const result: ImportResult = {
      dryRun,
      rows: 0,
      created: 0,
      updated: 0,
      rejected: 0,
      ignoredColumns: [],
      errors: [],
    };
    const reject = (e: ImportRowError) => {
      if (result.errors.length < 1000) result.errors.push(e);
    };
    let header: (Column | null)[] | null = null;
    let batch: Row[] = [];
    const tagNames = new Map<string, string>();
    let rowsTagged = 0;
    const seen = new Set<string>();
    const scope = dryRun ? null : await this.supporters.campaignScope(actor, campaignId);

    const parser = Readable.from([content]).pipe(
      parse({
        bom: true,
        skip_empty_lines: true,
        relax_column_count: true,
        trim: true,
        info: true,
        max_record_size: 64 * 1024,
      }),
    );
    try {
      for await (const { record, info } of parser as AsyncIterable<{
        record: string[];
        info: { lines: number };
      }>) {
        if (!header) {
          header = record.map((h) => FIELD_BY_HEADER.get(normalise(h)) ?? null);
          result.ignoredColumns = record.filter((_, i) => header![i] === null);
          if (!header.includes('email')) {
            throw BadInputError.field(
              'file',
              'no_email_column',
              'The file has no email column (email, email_address, …)',
            );
          }
          continue;
        }
        result.rows++;
        const line = info.lines;
        const raw: Record<string, unknown> = {};
        let consentProblem = false;
        let rowTags: string[] = [];
        header.forEach((field, i) => {
          const v = record[i] ?? '';
          if (!field || v === '') return;
          if (field === 'tags') rowTags = tagsOfCell(v);
          else if (field === 'consentEmail') {
            const b = v.trim().toLowerCase();
            if (YES.has(b)) raw.consentEmail = true;
            else if (!NO.has(b)) consentProblem = true;
          } else raw[field] = field === 'locale' ? v.toLowerCase().slice(0, 2) : v;
        });
        const dto = plainToInstance(SupporterFieldsDto, raw);
        const problems = flattenValidationErrors(
          await validate(dto, { whitelist: true, forbidNonWhitelisted: true }),
        );
        if (consentProblem) {
          problems.push({
            field: 'consentEmail',
            code: 'not_yes_or_no',
            message: 'consent must be yes or no',
          });
        }
        const longTag = rowTags.find((n) => n.length > TAG_NAME_MAX);
        if (longTag) {
          problems.push({
            field: 'tags',
            code: 'maxLength',
            message: `a tag has at most ${TAG_NAME_MAX} characters`,
          });
        }
        if (problems.length) {
          result.rejected++;
          for (const p of problems) reject({ line, ...p });
          continue;
        }
        for (const n of rowTags) if (!tagNames.has(n.toLowerCase())) tagNames.set(n.toLowerCase(), n);
        if (rowTags.length) rowsTagged++;
        batch.push({ line, dto, tags: rowTags });
        if (batch.length >= BATCH) await this.flush(batch, campaignId, m, scope, seen, result);
        if (batch.length >= BATCH) batch = [];
      }
    } catch (e) {
      if (e instanceof CsvError) {
        const line = (e as CsvError & { lines?: number }).lines;
        throw BadInputError.field(
          'file',
          'malformed_csv',
          `The file is not valid CSV at line ${line ?? '?'}: ${e.message}`,
        );
      }
      throw e;
    }
    if (!header) throw BadInputError.field('file', 'empty_file', 'The file is empty');
    await this.flush(batch, campaignId, m, scope, seen, result);
    if (header.includes('tags')) {
      const names = [...tagNames.values()];
      const organizationId = await this.organizationOf(campaignId);
      // After a real import every name exists: what was new is known from before it (the dry run's answer).
      result.tags = {
        names,
        newNames: m ? [] : await this.tags.unknownNames(organizationId, names),
        rowsTagged,
      };
    }
    // Dry runs too: a dry run tells which emails the organization knows, so it is audited like an import.
    await this.audit.record(
      {
        actorUserId: actor.id,
        action: m ? 'import.supporters' : 'import.supporters_dry_run',
        subjectType: 'campaign',
        subjectId: campaignId,
        campaignId,
        details: {
          rows: result.rows,
          created: result.created,
          updated: result.updated,
          rejected: result.rejected,
        },
      },
      m ?? undefined,
    );
    return result;
  }

  private async organizationOf(campaignId: string): Promise<string> {
    const [c] = (await this.dataSource.query(`SELECT organization_id AS id FROM campaigns WHERE id = $1`, [
      campaignId,
    ])) as { id: string }[];
    return c.id;
  }

  /** Writes a batch with the import's transaction `m`; a dry run (`m` null) only counts. */
  private async flush(
    batch: Row[],
    campaignId: string,
    m: EntityManager | null,
    scope: string[] | null,
    seen: Set<string>,
    result: ImportResult,
  ): Promise<void> {
    if (!batch.length) return;
    if (!m) {
      const emails = batch.map((b) => b.dto.email);
      // Known in the campaign's organization only: another organization's records are never looked at.
      const rows = (await this.dataSource.query(
        `SELECT email::text FROM supporters
          WHERE organization_id = (SELECT organization_id FROM campaigns WHERE id = $2) AND email = ANY($1::citext[])`,
        [emails, campaignId],
      )) as { email: string }[];
      const known = new Set(rows.map((r) => r.email.toLowerCase()));
      for (const b of batch) {
        const e = b.dto.email.toLowerCase();
        if (known.has(e) || seen.has(e)) result.updated++;
        else result.created++;
        seen.add(e);
      }
    } else {
      const organizationId = batch.some((b) => b.tags.length) ? await this.organizationOf(campaignId) : '';
      for (const b of batch) {
        const { created, supporterId } = await this.supporters.upsertStaffEntry(
          m,
          scope,
          b.dto,
          campaignId,
          'import',
        );
        if (created) result.created++;
        else result.updated++;
        if (b.tags.length) await this.tags.tagByNames(m, organizationId, supporterId, b.tags);
      }
    }
    batch.length = 0;
  }
}
