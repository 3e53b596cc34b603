/**
 * How a claimed reminder left the worker, and the one statement that records a group of them.
 *
 * Every outcome is a change to a row this instance still holds (`locked_by` = this instance and
 * `status = 'sending'`), so an instance whose claim expired while it was stuck cannot overwrite the
 * outcome of the instance that took over; the rows it does change come back, and only those are told
 * to their kind's outcome listener.
 */
import type { SentMail } from '../mail/mail.service.js';

export type Outcome =
  /** The provider accepted the mail. */
  | { status: 'sent'; sent: SentMail }
  /** It will never go: bad data, a permanent refusal, or attempts used up. */
  | { status: 'failed'; error: string; messageId: string | null }
  /** Not wanted any more (erased, unsubscribed, the RSVP left). */
  | { status: 'skipped'; error: string }
  /** Too late to help when its turn came (an event reminder after the start): never sent late. */
  | { status: 'expired'; error: string }
  /** A provider failure to try again at `dueAt`. */
  | { status: 'retried'; error: string; messageId: string; dueAt: Date }
  /** Quiet hours in the recipient's zone: not an attempt, due again at `dueAt`. */
  | { status: 'deferred'; dueAt: Date };

export type OutcomeStatus = Outcome['status'];

/** The reminder row an outcome is for. */
export interface Finished {
  id: string;
  outcome: Outcome;
}

/** The columns of the finish statement (reminders.sql.ts) for `finished`, one array each. */
export interface FinishColumns {
  ids: string[];
  statuses: string[];
  dueAts: (Date | null)[];
  refunds: number[];
  errors: (string | null)[];
  messageIds: (string | null)[];
}

/** The bind values of the finish statement for `finished` (`instanceId` and `now` added by the caller). */
export function finishColumns(finished: Finished[]): FinishColumns {
  const rows = finished.map(({ id, outcome: o }) => {
    const pending = o.status === 'retried' || o.status === 'deferred';
    return {
      id,
      status: pending ? 'pending' : o.status,
      dueAt: pending ? o.dueAt : null,
      refund: o.status === 'deferred' ? 1 : 0,
      error: 'error' in o ? o.error : null,
      messageId: o.status === 'sent' ? o.sent.messageId : 'messageId' in o ? o.messageId : null,
    };
  });
  return {
    ids: rows.map((r) => r.id),
    statuses: rows.map((r) => r.status),
    dueAts: rows.map((r) => r.dueAt),
    refunds: rows.map((r) => r.refund),
    errors: rows.map((r) => r.error),
    messageIds: rows.map((r) => r.messageId),
  };
}

/** Outcomes recorded together, at most: bounds how many accepted mails a crash can leave `sending`. */
export const FINISH_GROUP = 25;
/** How long an outcome waits for its group to fill before the group is recorded anyway. */
export const FINISH_WAIT_MS = 250;

/**
 * Collects the outcomes of one claim and has them recorded in groups: a group is written when it has
 * {@link FINISH_GROUP} outcomes or {@link FINISH_WAIT_MS} after its first, whichever comes first, one
 * group at a time, while sending goes on; {@link close} records the rest and waits for every group. So
 * an accepted mail is marked sent within a fraction of a second, however slow the rest of its claim.
 * A group that cannot be recorded is logged by `onError`: its rows stay `sending` and are taken again
 * when their claim expires (the at-least-once side of the guarantee).
 */
export class Finisher {
  private pending: Finished[] = [];
  private chain: Promise<void> = Promise.resolve();
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly record: (group: Finished[]) => Promise<void>,
    private readonly onError: (e: unknown, group: Finished[]) => void,
    private readonly waitMs = FINISH_WAIT_MS,
  ) {}

  add(id: string, outcome: Outcome): void {
    this.pending.push({ id, outcome });
    if (this.pending.length >= FINISH_GROUP) this.flush();
    else this.timer ??= setTimeout(() => this.flush(), this.waitMs);
  }

  async close(): Promise<void> {
    this.flush();
    await this.chain;
  }

  private flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.pending.length === 0) return;
    const group = this.pending;
    this.pending = [];
    this.chain = this.chain.then(() => this.record(group).catch((e: unknown) => this.onError(e, group)));
  }
}
