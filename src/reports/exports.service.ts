import { PassThrough, Transform, type Readable } from 'node:stream';
import { Injectable, Logger } from '@nestjs/common';
import { stringify } from 'csv-stringify';
import ExcelJS from 'exceljs';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import { CampaignAccessService } from '../auth/campaign-access.service.js';
import { neutralizeCell } from '../common/csv-safety.js';
import { BadInputError, NotFoundError } from '../common/errors.js';
import { STREAM_STATEMENT_TIMEOUT } from '../database/data-source-options.js';
import type { Locale } from '../common/localized-text.js';
import { formatAmount } from '../common/money.js';
import {
  EXPORT_KINDS,
  ExportRegistry,
  type ExportColumn,
  type ExportFilters,
  type ExportKind,
} from './export-registry.js';

export type ExportFormat = 'csv' | 'xlsx';

export interface ExportRequest {
  kind: ExportKind;
  format: ExportFormat;
  filters: ExportFilters;
  lang: Locale;
  bom: boolean;
  ip?: string | null;
}

export interface ExportStream {
  filename: string;
  contentType: string;
  stream: Readable;
}

const FILE = /^([a-z]+)\.(csv|xlsx)$/;

/** `signatures.csv` → kind and format, or 404 for anything else. */
export function parseExportFile(file: string): { kind: ExportKind; format: ExportFormat } {
  const m = FILE.exec(file);
  if (!m || !(EXPORT_KINDS as readonly string[]).includes(m[1])) throw new NotFoundError('Export');
  return { kind: m[1] as ExportKind, format: m[2] as ExportFormat };
}

function cell(column: ExportColumn, row: Record<string, unknown>, format: ExportFormat): unknown {
  const value = row[column.key];
  if (value === null || value === undefined) return format === 'csv' ? '' : null;
  switch (column.type) {
    case 'int':
      return format === 'csv' ? String(value) : Number(value);
    case 'money': {
      // Minor units formatted with the currency's own exponent: an exact decimal string in CSV, a number
      // in XLSX (so sums work and a negative stays numeric; the CSV is the exact record).
      const text = formatAmount(BigInt(String(value)), String(row.currency));
      return format === 'csv' ? text : Number(text);
    }
    case 'datetime':
      return value instanceof Date ? value.toISOString() : String(value);
    case 'bool':
      return value ? 'true' : 'false';
    case 'text':
      return neutralizeCell(value);
  }
}

/**
 * Streams an export from PostgreSQL (a server-side cursor through pg-query-stream) to the client:
 * memory stays flat whatever the row count, the first bytes leave before the last rows are read, and a
 * client that goes away ends the query and releases the connection. Every export — finished or cut
 * off — is written to the audit log with its filters and row count.
 */
@Injectable()
export class ExportsService {
  private readonly logger = new Logger('Exports');

  constructor(
    private readonly dataSource: DataSource,
    private readonly registry: ExportRegistry,
    private readonly access: CampaignAccessService,
    private readonly audit: AuditService,
  ) {}

  async open(actor: AuthUser, campaignId: string, req: ExportRequest): Promise<ExportStream> {
    await this.access.assert(actor, campaignId, 'coordinate');
    const def = this.registry.get(req.kind);
    if (!def) throw new NotFoundError('Export');
    for (const key of ['actionId', 'targetId', 'eventId', 'fundraiserId', 'status'] as const) {
      if (req.filters[key] !== undefined && !def.filters.includes(key)) {
        throw BadInputError.field(
          key,
          'filter_not_supported',
          `${key} does not apply to ${req.kind} exports`,
        );
      }
    }
    const scope = await this.access.campaignSupporterScope(actor, campaignId);
    const { sql, params } = def.query(campaignId, req.filters, scope);
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    let rows: Readable;
    try {
      await runner.query(`SET statement_timeout = '${STREAM_STATEMENT_TIMEOUT}'`);
      rows = await runner.stream(sql, params);
    } catch (e) {
      await runner.query('RESET statement_timeout').catch(() => undefined);
      await runner.release();
      throw e;
    }

    let count = 0;
    let finished = false;
    let released = false;
    const done = async (completed: boolean) => {
      if (released) return;
      released = true;
      rows.destroy();
      // Back to the pool with the session's own statement timeout.
      await runner.query('RESET statement_timeout').catch(() => undefined);
      await runner.release().catch(() => undefined);
      await this.audit
        .record({
          actorUserId: actor.id,
          action: `export.${req.format}`,
          subjectType: 'export',
          subjectId: req.kind,
          campaignId,
          ip: req.ip ?? null,
          details: { kind: req.kind, filters: req.filters, lang: req.lang, rowCount: count, completed },
        })
        .catch((e: unknown) => this.logger.error(`audit of an export failed: ${(e as Error).message}`));
    };

    const out = req.format === 'csv' ? this.csv(rows, def.columns, req) : this.xlsx(rows, def.columns, req);
    rows.on('data', () => count++);
    rows.on('end', () => (finished = true));
    out.stream.once('close', () => void done(finished));
    out.stream.once('error', () => void done(false));
    rows.once('error', (e) => out.stream.destroy(e));
    const date = new Date().toISOString().slice(0, 10);
    return {
      filename: `${req.kind}-${date}.${req.format}`,
      contentType: out.contentType,
      stream: out.stream,
    };
  }

  private csv(rows: Readable, columns: ExportColumn[], req: ExportRequest) {
    const toRecord = new Transform({
      objectMode: true,
      transform(row: Record<string, unknown>, _enc, next) {
        next(
          null,
          columns.map((c) => cell(c, row, 'csv')),
        );
      },
    });
    const csv = stringify({
      bom: req.bom,
      header: true,
      columns: columns.map((c) => neutralizeCell(c.header[req.lang])),
      record_delimiter: '\r\n',
    });
    rows.pipe(toRecord).pipe(csv);
    toRecord.on('error', (e) => csv.destroy(e));
    csv.once('close', () => rows.destroy());
    return { contentType: 'text/csv; charset=utf-8', stream: csv as Readable };
  }

  private xlsx(rows: Readable, columns: ExportColumn[], req: ExportRequest) {
    const out = new PassThrough();
    const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({
      stream: out,
      useStyles: true,
      useSharedStrings: false,
    });
    const sheet = workbook.addWorksheet(req.kind);
    sheet.columns = columns.map((c) => ({
      header: String(neutralizeCell(c.header[req.lang])),
      key: c.key,
      width: c.type === 'text' ? 24 : 16,
      style: c.type === 'money' ? { numFmt: '0.00' } : {},
    }));
    const write = async () => {
      for await (const row of rows as AsyncIterable<Record<string, unknown>>) {
        if (out.destroyed) return;
        sheet.addRow(Object.fromEntries(columns.map((c) => [c.key, cell(c, row, 'xlsx')]))).commit();
        if (out.writableNeedDrain) await new Promise((r) => out.once('drain', r));
      }
      sheet.commit();
      await workbook.commit();
    };
    write().catch((e: unknown) => out.destroy(e as Error));
    out.once('close', () => rows.destroy());
    return {
      contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      stream: out as Readable,
    };
  }
}
