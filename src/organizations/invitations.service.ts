import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import type { MemberRole } from '../auth/membership.entity.js';
import { hashPassword, verifyPassword } from '../auth/password.js';
import { Clock } from '../common/clock.js';
import { BadInputError, GoneError, NotFoundError } from '../common/errors.js';
import { localize } from '../common/localized-text.js';
import { SignedTokens } from '../common/signed-token.js';
import { AppConfig } from '../config/config.js';
import { TransactionService } from '../database/transaction.service.js';
import { RemindersService } from '../reminders/reminders.service.js';

/** How long an invitation link works. */
export const INVITATION_DAYS = 7;
const PURPOSE = 'invitation';

export interface InvitationView {
  id: string;
  email: string;
  role: MemberRole;
  campaignId: string | null;
  expiresAt: Date;
  createdAt: Date;
}

/** What the invited person sees before accepting. */
export interface InvitationInfo {
  organizationName: string;
  campaignTitle: string | null;
  role: MemberRole;
  email: string;
  /** true: the email already has a staff account, so accepting asks for its password, not a new one. */
  existingAccount: boolean;
  expiresAt: Date;
}

const VIEW = `i.id, i.email::text, i.role, i.campaign_id AS "campaignId", i.expires_at AS "expiresAt", i.created_at AS "createdAt"`;

/**
 * Invitations by email: a one-time link, valid {@link INVITATION_DAYS} days, to join an organization's
 * team (or one campaign's). The link is signed with the invitation's id and expiry when the mail is
 * sent, never stored; a new invitation to the same email replaces the pending one (whose link then
 * answers 410), and an accepted or expired one answers 410. Accepting with an email that has no staff
 * account creates one (name and password); with one that has, its password is asked instead, so the
 * invitation never lets anyone take over an existing account.
 */
@Injectable()
export class InvitationsService implements OnModuleInit {
  constructor(
    private readonly dataSource: DataSource,
    private readonly tx: TransactionService,
    private readonly reminders: RemindersService,
    private readonly tokens: SignedTokens,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly clock: Clock,
  ) {}

  onModuleInit(): void {
    this.reminders.onSend('staff-invitation', async (r) => {
      const [inv] = (await this.dataSource.query(
        `SELECT i.id, i.expires_at AS "expiresAt", i.accepted_at AS "acceptedAt" FROM invitations i WHERE i.id = $1`,
        [r.subjectId],
      )) as { id: string; expiresAt: Date; acceptedAt: Date | null }[];
      if (!inv || inv.acceptedAt) return { skip: 'invitation withdrawn or used' };
      if (inv.expiresAt.getTime() <= this.clock.now().getTime()) return { skip: 'invitation expired' };
      return { data: { url: this.url(inv.id, inv.expiresAt) } };
    });
  }

  url(invitationId: string, expiresAt: Date): string {
    return `${this.config.publicBaseUrl}/invitations/${this.tokens.sign(PURPOSE, invitationId, expiresAt)}`;
  }

  async pending(organizationId: string): Promise<InvitationView[]> {
    return (await this.dataSource.query(
      `SELECT ${VIEW} FROM invitations i
        WHERE i.organization_id = $1 AND i.accepted_at IS NULL AND i.expires_at > $2
        ORDER BY i.created_at DESC, i.id`,
      [organizationId, this.clock.now()],
    )) as InvitationView[];
  }

  /** Creates (or replaces) the pending invitation and sends its mail. The caller checked permissions. */
  async invite(
    actor: AuthUser,
    input: {
      organizationId: string;
      campaignId?: string | null;
      email: string;
      role: MemberRole;
      lang?: 'en' | 'es';
    },
  ): Promise<InvitationView> {
    const now = this.clock.now();
    const expiresAt = new Date(now.getTime() + INVITATION_DAYS * 86400_000);
    const email = input.email.trim().toLowerCase();
    const { view, reminderId } = await this.tx.run(async (m) => {
      await m.query(
        `DELETE FROM invitations WHERE organization_id = $1 AND email = $2 AND accepted_at IS NULL`,
        [input.organizationId, email],
      );
      const [row] = (await m.query(
        `INSERT INTO invitations AS i (organization_id, campaign_id, email, role, invited_by, expires_at, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING ${VIEW}`,
        [input.organizationId, input.campaignId ?? null, email, input.role, actor.id, expiresAt, now],
      )) as InvitationView[];
      const [ctx] = (await m.query(
        `SELECT o.name, o.default_locale AS locale, c.title AS "campaignTitle"
           FROM organizations o LEFT JOIN campaigns c ON c.id = $2 WHERE o.id = $1`,
        [input.organizationId, input.campaignId ?? null],
      )) as { name: string; locale: 'en' | 'es'; campaignTitle: { en?: string; es?: string } | null }[];
      const locale = input.lang ?? ctx.locale;
      const { id } = await this.reminders.schedule(m, {
        kind: 'staff-invitation',
        template: 'staff-invitation',
        subjectType: 'invitation',
        subjectId: row.id,
        campaignId: input.campaignId ?? null,
        recipientEmail: email,
        locale,
        data: {
          organizationName: ctx.name,
          ...(ctx.campaignTitle ? { campaignTitle: localize(ctx.campaignTitle, locale) } : {}),
          inviterName: actor.name,
          role: input.role,
          expiresInDays: INVITATION_DAYS,
        },
        dueAt: now,
        sendNowIfPast: true,
        transactional: true,
        dedupeKey: `invitation:${row.id}`,
      });
      await this.audit.record(
        {
          actorUserId: actor.id,
          action: 'organization.invited',
          subjectType: 'invitation',
          subjectId: row.id,
          organizationId: input.organizationId,
          campaignId: input.campaignId ?? null,
          details: { role: input.role },
        },
        m,
      );
      return { view: row, reminderId: id };
    });
    await this.reminders.sendNow([reminderId]);
    return view;
  }

  async cancel(actor: AuthUser, organizationId: string, invitationId: string): Promise<void> {
    const [, affected] = (await this.dataSource.query(
      `DELETE FROM invitations WHERE id = $1 AND organization_id = $2 AND accepted_at IS NULL`,
      [invitationId, organizationId],
    )) as [unknown, number];
    if (!affected) throw new NotFoundError('Invitation');
    await this.audit.record({
      actorUserId: actor.id,
      action: 'organization.invitation_cancelled',
      subjectType: 'invitation',
      subjectId: invitationId,
      organizationId,
    });
  }

  async info(token: string): Promise<InvitationInfo> {
    const inv = await this.open(token);
    const [row] = (await this.dataSource.query(
      `SELECT o.name AS "organizationName", c.title AS "campaignTitle", o.default_locale AS locale,
              EXISTS (SELECT 1 FROM users u WHERE u.email = i.email) AS "existingAccount"
         FROM invitations i JOIN organizations o ON o.id = i.organization_id
         LEFT JOIN campaigns c ON c.id = i.campaign_id WHERE i.id = $1`,
      [inv.id],
    )) as {
      organizationName: string;
      campaignTitle: { en?: string; es?: string } | null;
      locale: 'en' | 'es';
      existingAccount: boolean;
    }[];
    return {
      organizationName: row.organizationName,
      campaignTitle: row.campaignTitle ? localize(row.campaignTitle, row.locale) : null,
      role: inv.role,
      email: inv.email,
      existingAccount: row.existingAccount,
      expiresAt: inv.expiresAt,
    };
  }

  /**
   * Accepts once: creates the account (new email) or checks the existing account's password, then adds
   * the membership. The invitation row is locked and marked used in the same transaction, so two
   * concurrent accepts make one account and one membership; the second answers 410.
   */
  async accept(
    token: string,
    input: { name?: string; password: string },
  ): Promise<{ email: string; organizationId: string; campaignId: string | null }> {
    const { id } = await this.open(token);
    const passwordHash = await hashPassword(input.password);
    return this.tx.run(async (m) => {
      const [inv] = (await m.query(
        `SELECT i.id, i.organization_id AS "organizationId", i.campaign_id AS "campaignId", i.email::text, i.role,
                i.expires_at AS "expiresAt", i.accepted_at AS "acceptedAt"
           FROM invitations i WHERE i.id = $1 FOR UPDATE`,
        [id],
      )) as (InvitationView & { organizationId: string; acceptedAt: Date | null })[];
      if (!inv || inv.acceptedAt || inv.expiresAt.getTime() <= this.clock.now().getTime()) throw gone();
      const [existing] = (await m.query(
        `SELECT id, role, password_hash AS hash, disabled_at AS "disabledAt" FROM users WHERE email = $1 FOR UPDATE`,
        [inv.email],
      )) as { id: string; role: string; hash: string; disabledAt: Date | null }[];
      let user: { id: string; role: string };
      if (existing) {
        if (!(await verifyPassword(input.password, existing.hash)) || existing.disabledAt) {
          throw BadInputError.field(
            'password',
            'wrong_password',
            'This email already has a staff account: enter its password to accept',
          );
        }
        user = existing;
      } else {
        if (!input.name?.trim()) throw BadInputError.field('name', 'isNotEmpty', 'name is required');
        const [created] = (await m.query(
          `INSERT INTO users (email, name, password_hash, role) VALUES ($1, $2, $3, $4) RETURNING id, role`,
          [inv.email, input.name.trim(), passwordHash, inv.role],
        )) as { id: string; role: string }[];
        user = created;
      }
      const role: MemberRole = user.role === 'coordinator' ? 'coordinator' : inv.role;
      if (inv.campaignId) {
        await m.query(
          `INSERT INTO campaign_members (campaign_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT ON CONSTRAINT campaign_members_pkey DO UPDATE SET role = EXCLUDED.role`,
          [inv.campaignId, user.id, role],
        );
      } else {
        await m.query(
          `INSERT INTO organization_members (organization_id, user_id, role) VALUES ($1, $2, $3)
           ON CONFLICT ON CONSTRAINT organization_members_pkey DO UPDATE SET role = EXCLUDED.role`,
          [inv.organizationId, user.id, role],
        );
      }
      await m.query(`UPDATE invitations SET accepted_at = $2, accepted_user_id = $3 WHERE id = $1`, [
        inv.id,
        this.clock.now(),
        user.id,
      ]);
      await this.audit.record(
        {
          actorUserId: user.id,
          action: 'organization.invitation_accepted',
          subjectType: 'invitation',
          subjectId: inv.id,
          organizationId: inv.organizationId,
          campaignId: inv.campaignId,
          details: { role, newAccount: !existing },
        },
        m,
      );
      return { email: inv.email, organizationId: inv.organizationId, campaignId: inv.campaignId };
    });
  }

  private async open(token: string): Promise<InvitationView> {
    const id = this.tokens.verify(PURPOSE, token, this.clock.now());
    if (!id) throw gone();
    const [inv] = (await this.dataSource.query(
      `SELECT ${VIEW}, i.accepted_at AS "acceptedAt" FROM invitations i WHERE i.id = $1`,
      [id],
    )) as (InvitationView & { acceptedAt: Date | null })[];
    if (!inv || inv.acceptedAt || inv.expiresAt.getTime() <= this.clock.now().getTime()) throw gone();
    return inv;
  }
}

const gone = () =>
  new GoneError('This invitation link has been used, withdrawn or has expired', 'invitation_gone');
