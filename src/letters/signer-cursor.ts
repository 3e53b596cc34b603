import type { DataSource } from 'typeorm';

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

export interface SignerCursor {
  /** How many signers the cursor will yield (same snapshot as the rows). */
  total: number;
  /** The signers in seq order, fetched `batchSize` at a time. Ending (or breaking out) closes the cursor. */
  rows: AsyncGenerator<PacketSigner>;
  /** Releases the connection when `rows` is never iterated to its end. Safe to call twice. */
  close(): Promise<void>;
}

const RANGE = `g.action_id = $1 AND ($2::bigint IS NULL OR g.seq > $2::bigint) AND ($3::bigint IS NULL OR g.seq <= $3::bigint)`;

/**
 * Streams signers with a server-side cursor (DECLARE … / FETCH n) on a connection of its own, inside a
 * read-only REPEATABLE READ transaction so the count and the rows agree. Only one batch is ever in
 * memory, so a letter with 100,000 signers is streamed, not loaded. (TypeORM's `QueryRunner.stream`
 * needs pg-query-stream, which is not a dependency; plain DECLARE/FETCH needs nothing.)
 */
export async function openSignerCursor(
  dataSource: DataSource,
  range: SignatureRange,
  batchSize = 1000,
): Promise<SignerCursor> {
  const qr = dataSource.createQueryRunner('slave');
  let closed = false;
  const close = async () => {
    if (closed) return;
    closed = true;
    try {
      if (qr.isTransactionActive) await qr.rollbackTransaction();
    } finally {
      await qr.release();
    }
  };
  const params = [range.actionId, range.fromSeq, range.upToSeq];
  try {
    await qr.connect();
    await qr.startTransaction('REPEATABLE READ');
    await qr.query('SET TRANSACTION READ ONLY');
    const [{ n }] = (await qr.query(
      `SELECT count(*)::int AS n FROM signatures g WHERE ${RANGE}`,
      params,
    )) as {
      n: number;
    }[];
    await qr.query(
      `DECLARE packet_signers NO SCROLL CURSOR FOR
       SELECT g.seq::text AS seq, s.first_name AS "firstName", s.last_name AS "lastName", s.city, s.region,
              s.country, g.personal_note AS "personalNote", g.created_at AS "signedAt"
         FROM signatures g JOIN supporters s ON s.id = g.supporter_id
        WHERE ${RANGE} ORDER BY g.seq`,
      params,
    );
    async function* rows(): AsyncGenerator<PacketSigner> {
      try {
        for (;;) {
          const batch = (await qr.query(`FETCH ${batchSize} FROM packet_signers`)) as PacketSigner[];
          if (!batch.length) return;
          yield* batch;
        }
      } finally {
        await close();
      }
    }
    return { total: n, rows: rows(), close };
  } catch (e) {
    await close();
    throw e;
  }
}
