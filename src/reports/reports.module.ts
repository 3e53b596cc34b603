import { Global, Module } from '@nestjs/common';
import { CampaignsModule } from '../campaigns/campaigns.module.js';
import { ExportRegistry } from './export-registry.js';
import { ExportsController } from './exports.controller.js';
import { ExportsService } from './exports.service.js';
import { ReportController } from './report.controller.js';
import { ReportRegistry } from './report-registry.js';
import { ReportService } from './report.service.js';

/** Global so every feature can register its exports without an import cycle. */
@Global()
@Module({
  imports: [CampaignsModule],
  controllers: [ExportsController, ReportController],
  providers: [ExportRegistry, ExportsService, ReportRegistry, ReportService],
  exports: [ExportRegistry, ExportsService, ReportRegistry, ReportService],
})
export class ReportsModule {}
