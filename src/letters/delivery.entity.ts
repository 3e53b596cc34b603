import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

export const DELIVERY_METHODS = ['email', 'pdf', 'manual'] as const;
export type DeliveryMethod = (typeof DELIVERY_METHODS)[number];

const bigintText = { to: (v: string | null) => v, from: (v: string | null) => v };

/** Proof of delivery: who delivered which signatures (seq in (fromSeq, upToSeq]) to a target, how, when. */
@Entity('deliveries')
export class Delivery {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ name: 'action_id', type: 'uuid' }) actionId: string;
  @Column({ name: 'target_id', type: 'uuid' }) targetId: string;
  @Column({ type: 'enum', enum: DELIVERY_METHODS, enumName: 'delivery_method' }) method: DeliveryMethod;
  @Column({ name: 'only_new', type: 'boolean' }) onlyNew: boolean;
  @Column({ name: 'signature_count', type: 'int' }) signatureCount: number;
  /** Signatures after this one (exclusive); null = from the first. bigint, as a string. */
  @Column({ name: 'from_seq', type: 'bigint', nullable: true, transformer: bigintText }) fromSeq:
    string | null;
  /** The highest signature covered; null when none was. bigint, as a string. */
  @Column({ name: 'up_to_seq', type: 'bigint', nullable: true, transformer: bigintText }) upToSeq:
    string | null;
  @Column({ type: 'text', nullable: true }) note: string | null;
  /** The exact address an email delivery was sent to (the target's email at that moment). */
  @Column({ name: 'sent_to', type: 'citext', nullable: true }) sentTo: string | null;
  @Column({ name: 'message_id', type: 'uuid', nullable: true }) messageId: string | null;
  @Column({ name: 'mail_status', type: 'text', nullable: true }) mailStatus:
    'queued' | 'sent' | 'failed' | null;
  @Column({ name: 'delivered_by', type: 'uuid', nullable: true }) deliveredBy: string | null;
  @Column({ name: 'delivered_at', type: 'timestamptz' }) deliveredAt: Date;
}
