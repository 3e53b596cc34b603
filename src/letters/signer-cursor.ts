import { PassThrough, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import pg from 'pg';
import { to as copyTo } from 'pg-copy-streams';
import { STREAM_STATEMENT_TIMEOUT } from '../database/data-source-options.js';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/** One signer in a delivery packet (no email: packets go to the target). */
export interface PacketSigner {
  seq: string;
  firstName: string | null;
  lastName: string | null;
  city: string | null;
  region: string | null;
  country: string | null;
  personalNote: string | null;
  signedAt: Date;
}

/** Which signatures of a letter: seq in (fromSeq, upToSeq]; null bounds are open. */
export interface SignatureRange {
  actionId: string;
  fromSeq: string | null;
  upToSeq: string | null;
}

/**
 * One consistent view of a range's signers, on a connection of its own inside a read-only REPEATABLE
 * READ transaction, so the count and the rows agree. Read it once, either way; ending or abandoning the
 * read (or `close()`) ends the transaction and releases the connection.
 */
export interface SignerSnapshot {
  /** How many signers the range holds. */
  total: number;
  /**
   * The signers in seq order through one server-side cursor, `batchSize` at a time, twice: the PDF
   * measures every row first (to know its page count), then draws them. Only the heights are kept
   * between the passes, so memory stays flat whatever the signer count. `second()` after `first()`.
   */
  rowsTwice(batchSize?: number): {
    first: () => AsyncGenerator<PacketSigner>;
    second: () => AsyncGenerator<PacketSigner>;
  };
  /**
   * The signers in seq order as CSV written by PostgreSQL itself (`COPY … TO STDOUT`): a UTF-8 BOM (so
   * spreadsheets read the accents), the header row, then one line per signer numbered from 1 as in the
   * PDF's table, every text cell through
   * `csv_cell` (the formula guard) and the time as ISO 8601 UTC. Nothing is parsed into JavaScript
   * objects, so a million signers stream at close to the speed of COPY with flat memory.
   */
  csv(): Readable;
  /** Safe to call twice. */
  close(): Promise<void>;
}

const BOM = '\ufeff';
/** The range as a condition on `g`, over SQL expressions for the action id and the two seq bounds. */
const rangeSql = (action: string, from: string, upTo: string) =>
  `g.action_id = ${action} AND (${from} IS NULL OR g.seq > ${from}) AND (${upTo} IS NULL OR g.seq <= ${upTo})`;
const RANGE = rangeSql('$1', '$2::bigint', '$3::bigint');
const FROM = `FROM signatures g JOIN supporters s ON s.id = g.supporter_id`;

/** `value` as an SQL literal (COPY takes no bind parameters), cast to `type`. */
function literal(value: string | null, type: 'uuid' | 'bigint'): string {
  return value === null ? `NULL::${type}` : `${pg.escapeLiteral(value)}::${type}`;
}

export async function openSignerSnapshot(
  dataSource: DataSource,
  range: SignatureRange,
): Promise<SignerSnapshot> {
  const client = await ((dataSource.driver as PostgresDriver).master as pg.Pool).connect();
  let closed = false;
  let read = false;
  /** While COPY runs the connection is the copy's: the copy's own end closes it (see `csv`). */
  let copying: Promise<void> | null = null;
  const close = async () => {
    if (copying) return copying;
    if (closed) return;
    closed = true;
    try {
      await client.query('ROLLBACK');
      client.release();
    } catch (e) {
      client.release(e instanceof Error ? e : true);
    }
  };
  /** Hands the connection back as broken: the pool closes it (the server then ends its work). */
  const discard = (e: unknown) => {
    copying = null;
    closed = true;
    client.release(e instanceof Error ? e : true);
  };
  const once = () => {
    if (read) throw new Error('A signer snapshot is read once');
    read = true;
  };
  const params = [range.actionId, range.fromSeq, range.upToSeq];
  let total: number;
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    await client.query(`SET LOCAL statement_timeout = '${STREAM_STATEMENT_TIMEOUT}'`);
    const { rows } = await client.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM signatures g WHERE ${RANGE}`,
      params,
    );
    total = rows[0].n;
  } catch (e) {
    discard(e);
    throw e;
  }

  /** One pass over the cursor: declares it first, else rewinds it; closes after the last pass or a failure. */
  async function* pass(batchSize: number, first: boolean, last: boolean): AsyncGenerator<PacketSigner> {
    let done = false;
    try {
      if (first)
        await client.query(
          `DECLARE packet_signers SCROLL CURSOR FOR
           SELECT g.seq::text AS seq, s.first_name AS "firstName", s.last_name AS "lastName", s.city, s.region,
                  s.country, g.personal_note AS "personalNote", g.created_at AS "signedAt"
             ${FROM} WHERE ${RANGE} ORDER BY g.seq`,
          params,
        );
      else await client.query(`MOVE ABSOLUTE 0 IN packet_signers`);
      for (;;) {
        const batch = (await client.query<PacketSigner>(`FETCH ${batchSize} FROM packet_signers`)).rows;
        if (!batch.length) break;
        yield* batch;
      }
      done = true;
    } finally {
      // A pass left half way (the reader went away) or failed also ends the snapshot.
      if (last || !done) await close();
    }
  }

  function rowsTwice(batchSize = 1000) {
    once();
    let firstRead = false;
    return {
      first: () => {
        firstRead = true;
        return pass(batchSize, true, false);
      },
      second: () => {
        if (!firstRead) throw new Error('Read the first pass before the second');
        return pass(batchSize, false, true);
      },
    };
  }

  function csv(): Readable {
    once();
    const where = rangeSql(
      literal(range.actionId, 'uuid'),
      literal(range.fromSeq, 'bigint'),
      literal(range.upToSeq, 'bigint'),
    );
    const sql = `COPY (SELECT row_number() OVER (ORDER BY g.seq) AS number, csv_cell(s.first_name) AS first_name, csv_cell(s.last_name) AS last_name,
                              csv_cell(s.city) AS city, csv_cell(s.region) AS region, csv_cell(s.country) AS country,
                              csv_cell(g.personal_note) AS personal_note, iso_utc(g.created_at) AS signed_at
                         ${FROM} WHERE ${where} ORDER BY g.seq)
                 TO STDOUT (FORMAT csv, HEADER true)`;
    const out = new PassThrough();
    out.write(BOM);
    // pg-copy-streams cannot stop a COPY half way (the connection stays in COPY mode), so a reader that
    // goes away, or a server error, discards the connection rather than returning it to the pool.
    copying = pipeline(client.query(copyTo(sql)), out).then(() => {
      copying = null;
      return close();
    }, discard);
    return out;
  }

  return { total, rowsTwice, csv, close };
}
