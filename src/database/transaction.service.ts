import { Injectable } from '@nestjs/common';
import { DataSource, type EntityManager } from 'typeorm';

/**
 * The one transaction helper: every business operation that writes more than one row goes through
 * `run`, and passes the EntityManager it is given to the services it calls (so a reminder is created in
 * the same transaction as the RSVP that caused it). Nested calls join the outer transaction.
 */
@Injectable()
export class TransactionService {
  constructor(private readonly dataSource: DataSource) {}

  async run<T>(work: (manager: EntityManager) => Promise<T>, outer?: EntityManager): Promise<T> {
    if (outer?.queryRunner?.isTransactionActive) return work(outer);
    return this.dataSource.transaction(work);
  }
}
