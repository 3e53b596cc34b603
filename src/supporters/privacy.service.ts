import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { Clock } from '../common/clock.js';
import { GoneError, NotFoundError } from '../common/errors.js';
import { SignedTokens } from '../common/signed-token.js';
import { AppConfig } from '../config/config.js';
import { TransactionService } from '../database/transaction.service.js';
import { MailService } from '../mail/mail.service.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { erasureStatements, exportStatements } from './personal-data.js';
import { SupporterActivityRegistry } from './supporter-activity.registry.js';
import { SUPPORTER_COLUMNS, SupportersService, type SupporterRow } from './supporters.service.js';

export const DATA_LINK_HOURS = 24;
/** Data requests for one supporter within this window send one mail (a repeated form post is not spam). */
const DATA_REQUEST_WINDOW_MS = 10 * 60_000;

/**
 * What a feature does, beyond its columns, when a supporter is erased (in the erasure transaction).
 * Columns are never scrubbed here: they are classified in personal-data.ts, which erasure reads.
 */
export type ErasureListener = (manager: EntityManager, supporterId: string) => Promise<void>;

/**
 * The privacy rights every supporter has: unsubscribe (by a signed link and a POST — a link scanner
 * fetching the URL changes nothing), get a copy of their data, and have it erased. Erasure removes
 * every column personal-data.ts classifies as personal, and the supporter's outbox files; the actions
 * stay as anonymous rows, so campaign totals do not change, and the email can later sign up again as
 * a new supporter.
 */
@Injectable()
export class PrivacyService implements OnModuleInit {
  private readonly logger = new Logger('Privacy');
  private readonly erasureListeners: ErasureListener[] = [];

  constructor(
    private readonly dataSource: DataSource,
    private readonly supporters: SupportersService,
    private readonly tokens: SignedTokens,
    private readonly mail: MailService,
    private readonly reminders: RemindersService,
    private readonly audit: AuditService,
    private readonly tx: TransactionService,
    private readonly activity: SupporterActivityRegistry,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {
    // The columns are erased from the registry (personal-data.ts); the queue also stops what is pending.
    this.onErase((m, id) => this.reminders.forgetSupporter(m, id));
  }

  onModuleInit(): void {
    // The data link is signed when the mail is sent, never stored in the queue.
    this.reminders.onSend('data-request', async (r) => {
      const expires = new Date(String(r.data.expiresAtIso));
      if (!r.supporterId || Number.isNaN(expires.getTime())) return { skip: 'malformed data request' };
      if (expires.getTime() <= this.clock.now().getTime()) return { skip: 'the link would have expired' };
      const s = await this.supporters.byId(r.supporterId);
      return {
        data: {
          firstName: s?.firstName ?? undefined,
          url: `${this.config.publicBaseUrl}/my-data/${this.tokens.sign('data', r.supporterId, expires)}`,
          expiresInHours: DATA_LINK_HOURS,
        },
      };
    });
  }

  onErase(listener: ErasureListener): void {
    this.erasureListeners.push(listener);
  }

  /** The unsubscribe link for every non-transactional email to this supporter (never expires). */
  unsubscribeUrl(supporterId: string): string {
    return `${this.config.publicBaseUrl}/unsubscribe/${this.tokens.sign('unsubscribe', supporterId)}`;
  }

  async unsubscribeStatus(token: string): Promise<{ subscribed: boolean }> {
    const s = await this.fromToken('unsubscribe', token);
    return { subscribed: SupportersService.mayReceiveCampaignEmail(s) };
  }

  /** Withdraws consent. Idempotent. */
  async unsubscribe(token: string): Promise<{ subscribed: false }> {
    const s = await this.fromToken('unsubscribe', token);
    await this.dataSource.query(
      `UPDATE supporters SET email_consent = false, unsubscribed_at = coalesce(unsubscribed_at, $2), updated_at = $2 WHERE id = $1`,
      [s.id, this.clock.now()],
    );
    return { subscribed: false };
  }

  /**
   * Always the same answer, whether or not the email is known (it must not reveal who supports what).
   * When known, a signed link that expires in 24 h is queued (transactional: sent even to the
   * unsubscribed) and sent at once; neither is awaited, so the answer takes the same time either way.
   * Requests within ten minutes share one mail.
   */
  async requestData(email: string): Promise<void> {
    // One mail and one link for every organization's record of this email: the oldest one anchors it.
    const s = (await this.supporters.allByEmail(email)).find((r) => !r.erasedAt && r.email);
    if (!s) return;
    const now = this.clock.now();
    const supporterId = s.id;
    void (async () => {
      const { id } = await this.reminders.schedule(undefined, {
        kind: 'data-request',
        template: 'data-request',
        subjectType: 'supporter',
        subjectId: supporterId,
        supporterId,
        locale: s.locale,
        data: { expiresAtIso: new Date(now.getTime() + DATA_LINK_HOURS * 3600_000).toISOString() },
        dueAt: now,
        sendNowIfPast: true,
        transactional: true,
        dedupeKey: `notice:data-request:${supporterId}:${Math.floor(now.getTime() / DATA_REQUEST_WINDOW_MS)}`,
      });
      await this.reminders.sendNow([id]);
    })().catch((e: unknown) => this.logger.error(`data-request mail not queued: ${(e as Error).name}`));
  }

  /**
   * Everything held about the person behind a data link, as JSON: one entry per organization that holds
   * a record of their email (records of one email in different organizations share nothing else).
   */
  async export(token: string): Promise<Record<string, unknown>> {
    const records = await this.recordsFromToken(token);
    const organizations: Record<string, unknown>[] = [];
    for (const s of records) organizations.push(await this.exportRecord(s));
    return { generatedAt: this.clock.now(), organizations };
  }

  private async exportRecord(s: SupporterRow): Promise<Record<string, unknown>> {
    const [organization] = (await this.dataSource.query(
      `SELECT id, name, slug FROM organizations WHERE id = $1`,
      [s.organizationId],
    )) as Record<string, unknown>[];
    const campaigns = (await this.dataSource.query(
      `SELECT c.id, c.slug, c.title, cs.source, cs.first_action_at AS "firstActionAt", cs.last_action_at AS "lastActionAt"
         FROM campaign_supporters cs JOIN campaigns c ON c.id = cs.campaign_id
        WHERE cs.supporter_id = $1 ORDER BY cs.first_action_at`,
      [s.id],
    )) as { id: string }[];
    const activity: Record<string, unknown> = {};
    for (const c of campaigns) activity[c.id] = await this.activity.activity(c.id, s.id);
    const messages = (await this.dataSource.query(
      `SELECT template, locale, subject, status, created_at AS "createdAt" FROM messages WHERE supporter_id = $1 ORDER BY created_at`,
      [s.id],
    )) as unknown[];
    // Every personal column held about them, table by table, as classified in personal-data.ts.
    const held: Record<string, unknown[]> = {};
    for (const { table, sql } of exportStatements())
      held[table] = (await this.dataSource.query(sql, [s.id])) as unknown[];
    // Her tags in that organization (supporter_tags holds ids only, so personal-data.ts has no column of it).
    const tags = (await this.dataSource.query(
      `SELECT t.name, st.created_at AS "taggedAt" FROM supporter_tags st JOIN tags t ON t.id = st.tag_id
        WHERE st.supporter_id = $1 ORDER BY lower(t.name)`,
      [s.id],
    )) as unknown[];
    // Bulletins she is in the audience of and that have not reached her yet: the snapshot holds her id in
    // a batch until the sender writes her delivery row (which `held` lists from then on).
    const bulletinsWaiting = (await this.dataSource.query(
      `SELECT x.bulletin_id AS "bulletinId", b.subject, x.due_at AS "dueAt"
         FROM bulletin_batches x JOIN bulletins b ON b.id = x.bulletin_id
        WHERE $1::uuid = ANY(x.supporter_ids) ORDER BY x.due_at`,
      [s.id],
    )) as unknown[];
    return { organization, supporter: s, campaigns, activity, messages, tags, bulletinsWaiting, held };
  }

  /** Erases every organization's record of the email behind a data link. */
  async eraseByToken(token: string): Promise<{ erased: true; records: number }> {
    const records = await this.recordsFromToken(token);
    for (const s of records) await this.erase(s.id, null);
    return { erased: true, records: records.length };
  }

  /** "Unsubscribe from everything": withdraws consent in every organization that holds this email. */
  async unsubscribeAllByToken(token: string): Promise<{ subscribed: false; records: number }> {
    const records = await this.recordsFromToken(token);
    await this.dataSource.query(
      `UPDATE supporters SET email_consent = false, unsubscribed_at = coalesce(unsubscribed_at, $2), updated_at = $2
        WHERE id = ANY($1::uuid[])`,
      [records.map((r) => r.id), this.clock.now()],
    );
    return { subscribed: false, records: records.length };
  }

  /** The anchor record of a data link and every other organization's record of the same email. */
  private async recordsFromToken(token: string): Promise<SupporterRow[]> {
    const anchor = await this.fromToken('data', token);
    if (!anchor.email) return [anchor];
    return (await this.supporters.allByEmail(anchor.email)).filter((r) => !r.erasedAt);
  }

  /**
   * Erase one supporter (by their own link, or by an admin): every column personal-data.ts classifies
   * as personal, in one transaction with the audit entry; then, once committed, the `.eml` files of
   * their messages in the outbox folder.
   */
  async erase(supporterId: string, actorUserId: string | null): Promise<void> {
    const messageIds = await this.tx.run(async (m) => {
      const rows = (await m.query(`SELECT id, erased_at FROM supporters WHERE id = $1 FOR UPDATE`, [
        supporterId,
      ])) as {
        erased_at: Date | null;
      }[];
      if (!rows.length) throw new NotFoundError('Supporter');
      if (rows[0].erased_at) return [];
      const statements = erasureStatements({
        supporters:
          'email_consent = false, phone_consent = false, phone_consent_at = NULL, whatsapp_consent = false, ' +
          'whatsapp_consent_at = NULL, erased_at = $2, updated_at = $2',
      });
      for (const sql of statements)
        await m.query(sql, sql.includes('$2') ? [supporterId, this.clock.now()] : [supporterId]);
      for (const l of this.erasureListeners) await l(m, supporterId);
      await this.audit.record(
        {
          actorUserId,
          action: 'supporter.erased',
          subjectType: 'supporter',
          subjectId: supporterId,
          details: { by: actorUserId ? 'admin' : 'supporter' },
        },
        m,
      );
      const sent = (await m.query(`SELECT id FROM messages WHERE supporter_id = $1`, [supporterId])) as {
        id: string;
      }[];
      return sent.map((r) => r.id);
    });
    if (messageIds.length) await this.mail.removeOutboxFiles(messageIds);
  }

  private async fromToken(purpose: string, token: string): Promise<SupporterRow> {
    const id = this.tokens.verify(purpose, token, this.clock.now());
    if (!id) throw new GoneError('This link is not valid or has expired', 'invalid_link');
    const rows = (await this.dataSource.query(
      `SELECT ${SUPPORTER_COLUMNS} FROM supporters s WHERE s.id = $1`,
      [id],
    )) as SupporterRow[];
    if (!rows.length || rows[0].erasedAt)
      throw new GoneError('This link is not valid or has expired', 'invalid_link');
    return rows[0];
  }
}
