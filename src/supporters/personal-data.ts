/**
 * Every text column of the supporter-linked tables (`supporters` and each table with a `supporter_id`),
 * classified in one place: what erasure does to it and whether the supporter's own data download
 * shows it. Erasure (PrivacyService.erase) and the download (PrivacyService.export) both read this;
 * `test/erasure.e2e-spec.ts` ("personal data classification") fails when the migrated database has a text, varchar, char, json,
 * jsonb or citext column on such a table that is not listed here — so a new column is decided on
 * (personal or not) before it ships.
 */

/** What an erased supporter's column becomes. One SQL expression each (see {@link erasedValueSql}). */
export type ErasedValue =
  /** NULL (a nullable column). */
  | 'null'
  /** An empty string (a NOT NULL text column). */
  | 'blank'
  /** An empty JSON object (a NOT NULL jsonb column). */
  | 'empty-json'
  /** `erased@invalid`: a NOT NULL address column (RFC 2606 `.invalid` never delivers). */
  | 'erased-address'
  /** A fresh random value: a NOT NULL, unique credential (a link's hash), so the old link stops working. */
  | 'revoked';

export type ColumnRule =
  /** Holds personal data: erased, and shown in the supporter's own download. */
  | { personal: true; erase: ErasedValue; note?: string }
  /** A credential to the record (a link's hash): revoked on erasure, never shown. */
  | { personal: false; erase: ErasedValue; why: string }
  /** Identifies no one (a code, a status, a language): kept, so the anonymous row still counts. */
  | { personal: false; why: string };

export interface SupporterLinkedTable {
  /** The column that holds the supporter's id (`id` on `supporters` itself). */
  key: 'id' | 'supporter_id';
  /** Columns that are not text but give the download context (ids, times). */
  context: string[];
  columns: Record<string, ColumnRule>;
}

const KEPT_CODE = 'a code from a fixed list, written by Puente';

export const PERSONAL_DATA = {
  supporters: {
    key: 'id',
    context: [
      'id',
      'organization_id',
      'created_at',
      'email_consent',
      'email_consent_at',
      'phone_consent',
      'phone_consent_at',
      'whatsapp_consent',
      'whatsapp_consent_at',
      'unsubscribed_at',
      'bounced_at',
    ],
    columns: {
      email: { personal: true, erase: 'null', note: 'NULL also frees it: the email may sign up again' },
      first_name: { personal: true, erase: 'null' },
      last_name: { personal: true, erase: 'null' },
      city: { personal: true, erase: 'null' },
      region: { personal: true, erase: 'null' },
      country: { personal: true, erase: 'null' },
      postal_code: { personal: true, erase: 'null' },
      timezone: { personal: true, erase: 'null' },
      email_consent_source: { personal: true, erase: 'null', note: 'which action she consented through' },
      phone: { personal: true, erase: 'null', note: 'E.164; its two consents are cleared with it' },
      share_code: {
        personal: false,
        why: 'a random code on her share links; tells no one who she is (counts by referrer stay anonymous)',
      },
      locale: { personal: false, why: 'en or es, NOT NULL; the language of a row identifies no one' },
    },
  },
  campaign_supporters: {
    key: 'supporter_id',
    context: ['campaign_id', 'first_action_at', 'last_action_at', 'concealed'],
    columns: {
      source: { personal: false, why: `${KEPT_CODE} (pledge, signature, rsvp, …)` },
      entered: {
        personal: true,
        erase: 'null',
        note: 'what staff typed for her at a walk-in, donation or import in this campaign',
      },
    },
  },
  pledges: {
    key: 'supporter_id',
    context: ['id', 'campaign_id', 'created_at'],
    columns: {
      message: { personal: true, erase: 'null' },
      currency: { personal: false, why: 'an ISO 4217 code' },
      fulfilled_by: { personal: false, why: `${KEPT_CODE} (what fulfilled the pledge)` },
      source: { personal: false, why: 'the ?source= label of the link she came from (sanitized)' },
    },
  },
  signatures: {
    key: 'supporter_id',
    context: ['id', 'action_id', 'created_at'],
    columns: {
      personal_note: {
        personal: true,
        erase: 'null',
        note: 'delivered to targets in packets: gone from every later packet',
      },
      public_name: {
        personal: true,
        erase: 'null',
        note: 'the first name shown to the public, as she typed it',
      },
      public_city: { personal: true, erase: 'null', note: 'the city shown to the public, as she typed it' },
      locale: { personal: false, why: 'en or es' },
      source: { personal: false, why: 'the ?source= label of the link she came from (sanitized)' },
      public_status: { personal: false, why: 'shown, held or hidden (moderation of the public name)' },
    },
  },
  donations: {
    key: 'supporter_id',
    context: ['id', 'fundraiser_id', 'created_at'],
    columns: {
      note: { personal: true, erase: 'null' },
      currency: { personal: false, why: 'an ISO 4217 code' },
      external_ref: {
        personal: true,
        erase: 'null',
        note: "a payment provider's reference leads back to the payer",
      },
    },
  },
  rsvps: {
    key: 'supporter_id',
    context: ['id', 'event_id', 'created_at'],
    columns: {
      manage_token_hash: { personal: false, erase: 'revoked', why: 'the manage link: it stops working' },
      offer_token_hash: { personal: false, erase: 'null', why: 'a waitlist offer link: it stops working' },
      checked_in_by: { personal: false, why: "'self' or the staff account's id" },
      cancel_reason: { personal: false, why: `${KEPT_CODE} (supporter, offer_expired, …)` },
      source: { personal: false, why: 'the ?source= label of the link she came from (sanitized)' },
    },
  },
  messages: {
    key: 'supporter_id',
    context: ['id', 'created_at', 'status'],
    columns: {
      recipient_email: { personal: true, erase: 'erased-address' },
      subject: { personal: true, erase: 'blank', note: 'rendered for her (may name her or her event)' },
      error: { personal: true, erase: 'null', note: "a provider's refusal quotes the address" },
      template: { personal: false, why: 'the template name' },
      locale: { personal: false, why: 'en or es' },
      provider_message_id: { personal: false, why: "the provider's message id (technical)" },
      related_type: { personal: false, why: `${KEPT_CODE} (event, letter, …)` },
    },
  },
  // (bulletin_batches holds the ids of a bulletin's recipients not yet turned into delivery rows: ids
  // only, no personal field; the download lists her waiting bulletins as `bulletinsWaiting`
  // (PrivacyService.exportRecord), and an erased supporter's id there becomes a `skipped` delivery.)
  bulletin_deliveries: {
    key: 'supporter_id',
    context: ['bulletin_id', 'due_at', 'status', 'sent_at'],
    columns: {
      last_error: { personal: true, erase: 'null', note: "a provider's refusal quotes the address" },
      locked_by: { personal: false, why: "a worker's name" },
    },
  },
  reminders: {
    key: 'supporter_id',
    context: ['id', 'due_at', 'status'],
    columns: {
      data: { personal: true, erase: 'empty-json', note: 'what the mail is rendered from (names, events)' },
      recipient_email: { personal: true, erase: 'null' },
      last_error: { personal: true, erase: 'null', note: "a provider's refusal quotes the address" },
      kind: { personal: false, why: KEPT_CODE },
      template: { personal: false, why: 'the template name' },
      subject_type: { personal: false, why: KEPT_CODE },
      locale: { personal: false, why: 'en or es' },
      locked_by: { personal: false, why: "a worker's name" },
      dedupe_key: { personal: false, why: 'built from kinds and ids' },
    },
  },
  supporter_tags: {
    key: 'supporter_id',
    context: ['tag_id', 'created_at'],
    // No text of its own (the tag's name is the organization's). Erasure deletes her rows (TagsService's
    // onErase hook); her download lists her tags by name (PrivacyService.exportRecord).
    columns: {},
  },
  supporter_updates: {
    key: 'supporter_id',
    context: ['id', 'created_at', 'expires_at', 'applied_at'],
    columns: {
      changes: {
        personal: true,
        erase: 'empty-json',
        note: 'details a form asked to change (names, city, language), waiting for her confirmation',
      },
      source: { personal: false, why: 'the action that asked (its kind and id or slug)' },
    },
  },
} as const satisfies Record<string, SupporterLinkedTable>;

export type SupporterLinkedTableName = keyof typeof PERSONAL_DATA;

const ERASED_SQL: Record<ErasedValue, string> = {
  null: 'NULL',
  blank: "''",
  'empty-json': "'{}'::jsonb",
  'erased-address': "'erased@invalid'",
  revoked: "'erased:' || gen_random_uuid()",
};

export function erasedValueSql(v: ErasedValue): string {
  return ERASED_SQL[v];
}

function tables(): [SupporterLinkedTableName, SupporterLinkedTable][] {
  return Object.entries(PERSONAL_DATA) as [SupporterLinkedTableName, SupporterLinkedTable][];
}

/**
 * One `UPDATE` per table that erases its columns for the supporter `$1` (the `supporters` row included;
 * the caller adds `extra` assignments there, e.g. `erased_at`).
 */
export function erasureStatements(extra: Partial<Record<SupporterLinkedTableName, string>> = {}): string[] {
  const out: string[] = [];
  for (const [table, t] of tables()) {
    const sets = Object.entries(t.columns)
      .filter((e): e is [string, ColumnRule & { erase: ErasedValue }] => 'erase' in e[1])
      .map(([column, rule]) => `${column} = ${erasedValueSql(rule.erase)}`);
    if (extra[table]) sets.push(extra[table]);
    if (sets.length) out.push(`UPDATE ${table} SET ${sets.join(', ')} WHERE ${t.key} = $1`);
  }
  return out;
}

/** One `SELECT` per table with personal columns: what the supporter `$1`'s download shows of it. */
export function exportStatements(): { table: SupporterLinkedTableName; sql: string }[] {
  const out: { table: SupporterLinkedTableName; sql: string }[] = [];
  for (const [table, t] of tables()) {
    const personal = Object.entries(t.columns)
      .filter(([, rule]) => rule.personal)
      .map(([column]) => column);
    if (!personal.length) continue;
    const columns = [...t.context, ...personal.filter((c) => !t.context.includes(c))];
    out.push({
      table,
      sql: `SELECT ${columns.join(', ')} FROM ${table} WHERE ${t.key} = $1 ORDER BY ${t.context.includes('created_at') ? 'created_at' : columns[0]}`,
    });
  }
  return out;
}

/** Every classified `table.column` (the classification test compares it with the database). */
export function classifiedColumns(): string[] {
  return tables().flatMap(([table, t]) => Object.keys(t.columns).map((c) => `${table}.${c}`));
}
