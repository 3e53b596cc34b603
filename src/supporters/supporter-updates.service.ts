import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Clock } from '../common/clock.js';
import { GoneError } from '../common/errors.js';
import type { Locale } from '../common/localized-text.js';
import { SignedTokens } from '../common/signed-token.js';
import { AppConfig } from '../config/config.js';
import { TransactionService } from '../database/transaction.service.js';
import { isMailLocale } from '../mail/templates/data.js';
import { RemindersService } from '../reminders/reminders.service.js';
import { PrivacyService } from './privacy.service.js';
import type { ProposedChanges } from './supporters.service.js';

/** How long an "update my details" link works. */
export const UPDATE_LINK_DAYS = 7;
const PURPOSE = 'details-update';

const LABELS: Record<keyof ProposedChanges, Record<Locale, string>> = {
  firstName: { en: 'First name', es: 'Nombre' },
  lastName: { en: 'Last name', es: 'Apellido' },
  city: { en: 'City', es: 'Ciudad' },
  region: { en: 'State or region', es: 'Estado o región' },
  country: { en: 'Country', es: 'País' },
  postalCode: { en: 'Postal code', es: 'Código postal' },
  locale: { en: 'Language', es: 'Idioma' },
  timezone: { en: 'Time zone', es: 'Zona horaria' },
  consentEmail: { en: 'Campaign news by email', es: 'Noticias de la campaña por correo' },
  phone: { en: 'Phone', es: 'Teléfono' },
  consentPhone: { en: 'Campaign calls and text messages', es: 'Llamadas y mensajes de texto de la campaña' },
  consentWhatsapp: { en: 'Campaign messages by WhatsApp', es: 'Mensajes de la campaña por WhatsApp' },
};

/** The requested changes as lines a person reads ("City: León", "Idioma: español"). */
export function describeChanges(changes: ProposedChanges, lang: Locale): string[] {
  return (Object.keys(LABELS) as (keyof ProposedChanges)[])
    .filter((k) => changes[k] !== undefined)
    .map((k) => {
      const v = changes[k];
      const shown =
        k === 'consentEmail' || k === 'consentPhone' || k === 'consentWhatsapp'
          ? lang === 'es'
            ? 'sí'
            : 'yes'
          : k === 'locale'
            ? v === 'es'
              ? lang === 'es'
                ? 'español'
                : 'Spanish'
              : lang === 'es'
                ? 'inglés'
                : 'English'
            : String(v);
      return `${LABELS[k][lang]}: ${shown}`;
    });
}

export interface PendingUpdateView {
  changes: ProposedChanges;
  lines: string[];
  expiresAt: Date;
}

/**
 * "The mailbox is the key": a public form for a KNOWN supporter changes nothing in their record; what it
 * asked to change (new name, city, language, time zone, consent again after unsubscribing) waits here
 * and is mailed to that address with a link that applies it. So someone who knows a worker's email can
 * neither rewrite her record nor re-subscribe her, and the answer to the form is the same either way.
 * The link is signed with the pending row's id when the mail is sent (never stored); it expires after
 * {@link UPDATE_LINK_DAYS} days and works once.
 */
@Injectable()
export class SupporterUpdatesService implements OnModuleInit {
  private readonly logger = new Logger('SupporterUpdates');

  constructor(
    private readonly dataSource: DataSource,
    private readonly reminders: RemindersService,
    private readonly tokens: SignedTokens,
    private readonly tx: TransactionService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
    privacy: PrivacyService,
  ) {
    privacy.onErase(async (m, id) => {
      await m.query(`DELETE FROM supporter_updates WHERE supporter_id = $1`, [id]);
    });
  }

  onModuleInit(): void {
    this.reminders.onSend('details-update', async (r) => {
      const [u] = (await this.dataSource.query(
        `SELECT u.id, u.changes, u.expires_at AS "expiresAt", s.first_name AS "firstName"
           FROM supporter_updates u JOIN supporters s ON s.id = u.supporter_id
          WHERE u.id = $1 AND u.applied_at IS NULL AND u.expires_at > $2`,
        [r.subjectId, this.clock.now()],
      )) as { id: string; changes: ProposedChanges; expiresAt: Date; firstName: string | null }[];
      if (!u) return { skip: 'nothing left to confirm' };
      const lang: Locale = isMailLocale(r.locale) ? r.locale : 'en';
      return {
        data: {
          firstName: u.firstName ?? undefined,
          changes: describeChanges(u.changes, lang),
          url: `${this.config.publicBaseUrl}/my-details/${this.tokens.sign(PURPOSE, u.id, u.expiresAt)}`,
          expiresInDays: UPDATE_LINK_DAYS,
        },
      };
    });
  }

  /**
   * Records what a submission asked to change for a known supporter and mails them the link. Not
   * awaited by the public routes (so a known email takes no longer to answer than an unknown one);
   * failures are logged without personal data.
   */
  propose(supporterId: string, changes: ProposedChanges | null | undefined, source: string): void {
    if (!changes || !Object.keys(changes).length) return;
    const now = this.clock.now();
    void (async () => {
      const [s] = (await this.dataSource.query(`SELECT locale FROM supporters WHERE id = $1`, [
        supporterId,
      ])) as {
        locale: Locale;
      }[];
      if (!s) return;
      const id = await this.tx.run(async (m) => {
        const [u] = (await m.query(
          `INSERT INTO supporter_updates (supporter_id, changes, source, created_at, expires_at)
           VALUES ($1, $2, $3, $4, $5) RETURNING id`,
          [
            supporterId,
            JSON.stringify(changes),
            source,
            now,
            new Date(now.getTime() + UPDATE_LINK_DAYS * 86400_000),
          ],
        )) as { id: string }[];
        const r = await this.reminders.schedule(m, {
          kind: 'details-update',
          template: 'details-update',
          subjectType: 'supporter_update',
          subjectId: u.id,
          supporterId,
          locale: s.locale,
          data: {},
          dueAt: now,
          sendNowIfPast: true,
          transactional: true,
          // One mail per request; the hourly cap per address (MAIL_MAX_PER_ADDRESS_PER_HOUR) keeps a
          // stranger from flooding her mailbox with them.
          dedupeKey: `details-update:${u.id}`,
        });
        return r.id;
      });
      await this.reminders.sendNow([id]);
    })().catch((e: unknown) => this.logger.error(`details update not queued: ${(e as Error).name}`));
  }

  /** What a link would change (410 when used, expired or forged). */
  async view(token: string, lang: Locale): Promise<PendingUpdateView> {
    const u = await this.open(token);
    return { changes: u.changes, lines: describeChanges(u.changes, lang), expiresAt: u.expiresAt };
  }

  /** Applies the changes once; consent given this way is recorded as confirmed from the mailbox. */
  async apply(token: string): Promise<{ status: 'updated' }> {
    const { id } = await this.open(token);
    const now = this.clock.now();
    await this.tx.run(async (m) => {
      const [u] = (await m.query(
        `SELECT supporter_id AS "supporterId", changes, applied_at AS "appliedAt", expires_at AS "expiresAt"
           FROM supporter_updates WHERE id = $1 FOR UPDATE`,
        [id],
      )) as { supporterId: string; changes: ProposedChanges; appliedAt: Date | null; expiresAt: Date }[];
      if (!u || u.appliedAt || u.expiresAt.getTime() <= now.getTime()) throw gone();
      const c = u.changes;
      await m.query(
        `UPDATE supporters SET
           first_name = coalesce($2, first_name), last_name = coalesce($3, last_name), city = coalesce($4, city),
           region = coalesce($5, region), country = coalesce($6, country), postal_code = coalesce($7, postal_code),
           locale = coalesce($8, locale), timezone = coalesce($9, timezone),
           email_consent = email_consent OR $10,
           email_consent_at = CASE WHEN $10 THEN $11 ELSE email_consent_at END,
           email_consent_source = CASE WHEN $10 THEN 'confirmed-by-email' ELSE email_consent_source END,
           unsubscribed_at = CASE WHEN $10 THEN NULL ELSE unsubscribed_at END,
           phone = coalesce($12::text, phone),
           phone_consent = CASE WHEN $12::text IS NOT NULL AND $12::text IS DISTINCT FROM phone THEN $13::boolean ELSE phone_consent OR $13::boolean END,
           phone_consent_at = CASE WHEN $13::boolean THEN $11 WHEN $12::text IS NOT NULL AND $12::text IS DISTINCT FROM phone THEN NULL
                                   ELSE phone_consent_at END,
           whatsapp_consent = CASE WHEN $12::text IS NOT NULL AND $12::text IS DISTINCT FROM phone THEN $14::boolean ELSE whatsapp_consent OR $14::boolean END,
           whatsapp_consent_at = CASE WHEN $14::boolean THEN $11 WHEN $12::text IS NOT NULL AND $12::text IS DISTINCT FROM phone THEN NULL
                                      ELSE whatsapp_consent_at END,
           updated_at = $11
         WHERE id = $1 AND erased_at IS NULL`,
        [
          u.supporterId,
          c.firstName ?? null,
          c.lastName ?? null,
          c.city ?? null,
          c.region ?? null,
          c.country ?? null,
          c.postalCode ?? null,
          c.locale ?? null,
          c.timezone ?? null,
          c.consentEmail === true,
          now,
          c.phone ?? null,
          c.consentPhone === true,
          c.consentWhatsapp === true,
        ],
      );
      await m.query(`UPDATE supporter_updates SET applied_at = $2 WHERE id = $1`, [id, now]);
    });
    return { status: 'updated' };
  }

  private async open(token: string): Promise<{ id: string; changes: ProposedChanges; expiresAt: Date }> {
    const id = this.tokens.verify(PURPOSE, token, this.clock.now());
    if (!id) throw gone();
    const [u] = (await this.dataSource.query(
      `SELECT id, changes, expires_at AS "expiresAt", applied_at AS "appliedAt" FROM supporter_updates WHERE id = $1`,
      [id],
    )) as { id: string; changes: ProposedChanges; expiresAt: Date; appliedAt: Date | null }[];
    if (!u || u.appliedAt || u.expiresAt.getTime() <= this.clock.now().getTime()) throw gone();
    return u;
  }
}

const gone = () => new GoneError('This link has been used or has expired', 'invalid_link');
