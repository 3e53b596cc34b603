import { Controller, Get, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import { PublicReadQueryDto } from '../campaigns/dto/campaign.dto.js';
import { reportPdf } from './report-pdf.js';
import { ReportService, type CampaignReport } from './report.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Roles('admin', 'organizer', 'coordinator')
@Controller('api/campaigns/:id')
export class ReportController {
  constructor(private readonly reports: ReportService) {}

  /** Progress toward each goal, per-day series, letters and deliveries, events, money, supporters. */
  @Get('report')
  report(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: PublicReadQueryDto,
  ): Promise<CampaignReport> {
    return this.reports.build(user, id, q.lang ?? 'en');
  }

  /** The same report drawn as a PDF (progress bars and a per-day chart), in `lang`. */
  @Get('report.pdf')
  @ApiProduces('application/pdf')
  async pdf(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: PublicReadQueryDto,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const report = await this.reports.build(user, id, q.lang ?? 'en');
    await reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="report-${report.campaign.slug}.pdf"`)
      .send(reportPdf(report));
  }
}
