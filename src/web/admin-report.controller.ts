import { Controller, Get, Param, ParseUUIDPipe, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { reportPdf } from '../reports/report-pdf.js';
import { ReportService } from '../reports/report.service.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { pageLang } from './web-context.js';

/** The campaign report as a download. */
@ConsolePages()
@Controller('admin')
export class AdminReportController {
  constructor(private readonly reports: ReportService) {}

  /** The campaign report as a PDF download, through the session (the same builder as /api/…/report.pdf). */
  @Get('campaigns/:id/report.pdf')
  async report(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const report = await this.reports.build(user, id, pageLang(req, reply));
    await reply
      .type('application/pdf')
      .header('content-disposition', `attachment; filename="report-${report.campaign.slug}.pdf"`)
      .header('cache-control', 'no-store')
      .send(reportPdf(report));
  }
}
