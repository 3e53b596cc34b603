import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions, type DatabaseTimeouts } from './data-source-options.js';
import { HotQueries } from './hot-queries.js';
import { runPendingMigrations } from './migrate.js';
import { TransactionService } from './transaction.service.js';

@Module({})
export class DatabaseModule {
  /**
   * Runs pending migrations (on a connection of their own, without the request timeouts: a migration
   * may take long), then connects the app's pool to `url`.
   */
  static forUrl(url: string, poolSize: number, timeouts: DatabaseTimeouts): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(url, poolSize, timeouts), autoLoadEntities: true }),
          dataSourceFactory: async (options) => {
            // Two connections: one holds the migration lock while the other migrates.
            const migrator = await new DataSource(dataSourceOptions(url, 2)).initialize();
            try {
              await runPendingMigrations(migrator);
            } finally {
              await migrator.destroy();
            }
            return new DataSource(options!).initialize();
          },
        }),
      ],
      providers: [TransactionService, HotQueries],
      exports: [TransactionService, HotQueries],
    };
  }
}
