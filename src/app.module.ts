import { Module, type DynamicModule } from '@nestjs/common';
import { AuditModule } from './audit/audit.module.js';
import { AuthModule } from './auth/auth.module.js';
import { CampaignsModule } from './campaigns/campaigns.module.js';
import { AppConfig } from './config/config.js';
import { ConfigModule } from './config/config.module.js';
import { DatabaseModule } from './database/database.module.js';
import { HealthModule } from './health/health.module.js';
import { OrganizationsModule } from './organizations/organizations.module.js';
import { SupportersModule } from './supporters/supporters.module.js';
import { ReportsModule } from './reports/reports.module.js';
import { MailModule } from './mail/mail.module.js';
import { RemindersModule } from './reminders/reminders.module.js';
import { SchedulingModule } from './scheduling/scheduling.module.js';
import { FundraisingModule } from './fundraising/fundraising.module.js';
import { EventsModule } from './events/events.module.js';
import { LettersModule } from './letters/letters.module.js';
import { OutreachModule } from './outreach/outreach.module.js';
import { WebModule } from './web/web.module.js';
import { BulletinsModule } from './bulletins/bulletins.module.js';

export interface AppModuleOptions {
  config: AppConfig;
  databaseUrl: string;
}

@Module({})
export class AppModule {
  static register({ config, databaseUrl }: AppModuleOptions): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.register(config),
        DatabaseModule.forUrl(databaseUrl, config.databasePoolSize, {
          connectMs: config.databaseConnectTimeoutMs,
          statementMs: config.databaseStatementTimeoutMs,
        }),
        HealthModule,
        MailModule,
        AuditModule,
        AuthModule,
        OrganizationsModule,
        CampaignsModule,
        SupportersModule,
        ReportsModule,
        FundraisingModule,
        SchedulingModule,
        RemindersModule,
        EventsModule,
        LettersModule,
        BulletinsModule,
        OutreachModule,
        WebModule,
      ],
    };
  }
}
