import { Controller, Get, Ip, Param, ParseUUIDPipe, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import { ExportQueryDto } from './dto/export-query.dto.js';
import { ExportsService, parseExportFile } from './exports.service.js';

@ApiTags('reports')
@ApiBearerAuth()
@Roles('admin', 'organizer', 'coordinator')
@Controller('api/campaigns/:id/exports')
export class ExportsController {
  constructor(private readonly exports: ExportsService) {}

  /**
   * `supporters|pledges|signatures|rsvps|donations` `.csv|.xlsx`, streamed. Filters: from, to, lang
   * (headers), bom (CSV), actionId/targetId (signatures), eventId (rsvps), fundraiserId (donations),
   * status. Written to the audit log.
   */
  @Get(':file')
  @ApiProduces('text/csv', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
  async export(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('file') file: string,
    @Query() q: ExportQueryDto,
    @Ip() ip: string,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const { kind, format } = parseExportFile(file);
    const { lang, bom, ...filters } = q;
    const out = await this.exports.open(user, id, {
      kind,
      format,
      filters,
      lang: lang ?? 'en',
      bom: bom ?? true,
      ip,
    });
    await reply
      .type(out.contentType)
      .header('content-disposition', `attachment; filename="${out.filename}"`)
      .header('cache-control', 'no-store')
      .send(out.stream);
  }
}
