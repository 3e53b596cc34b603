import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { MailService } from './mail.service.js';
import { MailTransport } from './mail.transport.js';
import { Message } from './message.entity.js';

/** Email for every feature: inject MailService (or MailTransport for raw sends). Global. */
@Global()
@Module({
  imports: [TypeOrmModule.forFeature([Message])],
  providers: [MailTransport, MailService],
  exports: [MailService, MailTransport],
})
export class MailModule {}
