import type { Readable } from 'node:stream';
import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { OrganizationsService, type OrganizationSender } from '../organizations/organizations.service.js';
import type { AuthUser } from '../auth/auth-user.js';
import type { Campaign } from '../campaigns/campaign.entity.js';
import { Clock } from '../common/clock.js';
import { NotFoundError } from '../common/errors.js';
import { localize } from '../common/localized-text.js';
import { slugify } from '../common/slug.js';
import type { LetterAction } from './letter-action.entity.js';
import { LetterActionsService } from './letter-actions.service.js';
import { targetIn } from './target.entity.js';
import { renderForTarget } from './merge-fields.js';
import { packetPdf, type PacketInfo } from './packet-pdf.js';
import { openSignerSnapshot, type SignatureRange } from './signer-cursor.js';
import type { Target } from './target.entity.js';

export type PacketFormat = 'pdf' | 'csv';

export interface Packet {
  stream: Readable;
  filename: string;
  contentType: string;
  signatureCount: number;
}

/** Delivery packets (PDF, CSV) of a letter for one of its targets, streamed from one snapshot of its signers. */
@Injectable()
export class PacketsService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly actions: LetterActionsService,
    private readonly audit: AuditService,
    private readonly organizations: OrganizationsService,
    private readonly clock: Clock,
  ) {}

  /** Staff route: checks access, then streams. `deliveryId` limits it to what that delivery covered. */
  async packet(
    actor: AuthUser,
    actionId: string,
    targetId: string,
    format: PacketFormat,
    deliveryId?: string,
  ): Promise<Packet> {
    const { action, campaign } = await this.actions.loadWithAccess(actor, actionId, 'coordinate');
    const target = await this.targetOf(action.id, targetId);
    const range: SignatureRange = { actionId, fromSeq: null, upToSeq: null };
    if (deliveryId) {
      const rows = (await this.dataSource.query(
        `SELECT from_seq::text AS "fromSeq", up_to_seq::text AS "upToSeq" FROM deliveries
          WHERE id = $1 AND action_id = $2 AND target_id = $3`,
        [deliveryId, actionId, targetId],
      )) as { fromSeq: string | null; upToSeq: string | null }[];
      if (!rows.length) throw new NotFoundError('Delivery');
      range.fromSeq = rows[0].fromSeq;
      range.upToSeq = rows[0].upToSeq ?? rows[0].fromSeq ?? '0';
    }
    const packet = await this.build(campaign, action, target, range, format);
    await this.audit.record({
      actorUserId: actor.id,
      action: `export.letter_packet_${format}`,
      subjectType: 'letter_action',
      subjectId: action.id,
      campaignId: campaign.id,
      details: { targetId, deliveryId: deliveryId ?? null, signatureCount: packet.signatureCount },
    });
    return packet;
  }

  /** The target, when it is one of the letter's targets (else 404). */
  async targetOf(actionId: string, targetId: string): Promise<Target> {
    const target = (await this.actions.targetsOf(actionId)).find((t) => t.id === targetId);
    if (!target) throw new NotFoundError('Target');
    return target;
  }

  async build(
    campaign: Campaign,
    action: LetterAction,
    target: Target,
    range: SignatureRange,
    format: PacketFormat,
  ): Promise<Packet> {
    // Asked before the snapshot opens its connection, so nothing can fail while that is held.
    const sender = format === 'pdf' ? await this.organizations.senderForCampaign(campaign.id) : null;
    const signers = await openSignerSnapshot(this.dataSource, range);
    const base = `${action.slug}-${slugify(localize(target.name, target.locale), 40) || 'target'}`;
    let stream: Readable;
    try {
      stream =
        format === 'csv'
          ? signers.csv()
          : packetPdf(this.pdfInfo(campaign, action, target, sender, signers.total), signers.rowsTwice());
    } catch (e) {
      // Nothing will read the snapshot: its connection goes back now, not at the idle timeout.
      await signers.close();
      throw e;
    }
    stream.once('close', () => void signers.close().catch(() => undefined));
    return {
      stream,
      filename: `${base}.${format}`,
      contentType: format === 'csv' ? 'text/csv; charset=utf-8' : 'application/pdf',
      signatureCount: signers.total,
    };
  }

  /** The whole CSV in memory, for an email attachment. */
  async csvBuffer(range: SignatureRange): Promise<Buffer> {
    const signers = await openSignerSnapshot(this.dataSource, range);
    const chunks: Buffer[] = [];
    for await (const chunk of signers.csv()) chunks.push(Buffer.from(chunk as string | Buffer));
    return Buffer.concat(chunks);
  }

  private pdfInfo(
    campaign: Campaign,
    action: LetterAction,
    target: Target,
    sender: OrganizationSender | null,
    total: number,
  ): PacketInfo {
    const l = target.locale;
    return {
      organization: {
        name: sender?.senderName ?? sender?.name ?? localize(campaign.title, l),
        replyTo: sender?.replyTo ?? null,
      },
      campaignTitle: localize(campaign.title, l),
      actionTitle: localize(action.title, l),
      target: targetIn(target, l),
      locale: l,
      date: this.clock.now(),
      signatureCount: total,
      // Once, in the target's language (the other one when only that one is written), for the target:
      // a signature block of supporter fields becomes "the undersigned", the signers follow as a table.
      letter: {
        subject: renderForTarget(localize(action.subject, l), targetIn(target, l), l),
        body: renderForTarget(localize(action.body, l), targetIn(target, l), l),
      },
      personalNotes: action.allowPersonalNote,
    };
  }
}
