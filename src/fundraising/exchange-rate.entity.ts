import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * An organizer-entered rate: one `base` is worth `rate` units of `quote`, from `validFrom` (a date)
 * until the next rate for the pair. `rate` is `numeric(22,10)`, read as text (`rate::text`) and parsed
 * with `parseRate`, never as a float.
 */
@Entity('exchange_rates')
export class ExchangeRate {
  @PrimaryGeneratedColumn('uuid') id: string;
  @Column({ type: 'char', length: 3 }) base: string;
  @Column({ type: 'char', length: 3 }) quote: string;
  @Column({ type: 'numeric', precision: 22, scale: 10 }) rate: string;
  @Column({ name: 'valid_from', type: 'date' }) validFrom: string;
  @Column({ name: 'created_by', type: 'uuid', nullable: true }) createdBy: string | null;
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' }) createdAt: Date;
  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' }) updatedAt: Date;
}
