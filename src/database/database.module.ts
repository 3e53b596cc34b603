import { Module, type DynamicModule } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { HotQueries } from './hot-queries.js';
import { runPendingMigrations } from './migrate.js';
import { TransactionService } from './transaction.service.js';

@Module({})
export class DatabaseModule {
  /** Connects to `url`, runs pending migrations before anything else uses the database. */
  static forUrl(url: string, poolSize: number): DynamicModule {
    return {
      module: DatabaseModule,
      global: true,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: () => ({ ...dataSourceOptions(url, poolSize), autoLoadEntities: true }),
          dataSourceFactory: async (options) => {
            const ds = await new DataSource(options!).initialize();
            await runPendingMigrations(ds);
            return ds;
          },
        }),
      ],
      providers: [TransactionService, HotQueries],
      exports: [TransactionService, HotQueries],
    };
  }
}
