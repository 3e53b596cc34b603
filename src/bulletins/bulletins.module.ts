import { Module } from '@nestjs/common';
import { AudiencesController, OrganizationAudiencesController } from './audiences.controller.js';
import { AudiencesService } from './audiences.service.js';
import { BulletinArchiveService } from './bulletin-archive.service.js';
import { BulletinSender } from './bulletin-sender.js';
import { BulletinTestService } from './bulletin-test.service.js';
import { BulletinsController, OrganizationBulletinsController } from './bulletins.controller.js';
import { BulletinsService } from './bulletins.service.js';

/** Audiences, bulletins, their sender and the public archive's reads. */
@Module({
  controllers: [
    OrganizationAudiencesController,
    AudiencesController,
    OrganizationBulletinsController,
    BulletinsController,
  ],
  providers: [
    AudiencesService,
    BulletinsService,
    BulletinTestService,
    BulletinSender,
    BulletinArchiveService,
  ],
  exports: [AudiencesService, BulletinsService, BulletinTestService, BulletinSender, BulletinArchiveService],
})
export class BulletinsModule {}
