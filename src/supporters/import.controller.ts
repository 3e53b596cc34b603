import { Controller, Param, ParseUUIDPipe, Post, Query, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiPropertyOptional, ApiTags } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsBoolean, IsOptional } from 'class-validator';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import { BadInputError } from '../common/errors.js';
import { AppConfig } from '../config/config.js';
import { ImportService, type ImportResult } from './import.service.js';

export class ImportQueryDto {
  @ApiPropertyOptional({ default: false, description: 'only report what would happen' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'dryRun must be true or false' })
  dryRun?: boolean;
}

@ApiTags('supporters')
@ApiBearerAuth()
@Controller('api/campaigns/:id/imports')
export class ImportController {
  constructor(
    private readonly imports: ImportService,
    private readonly config: AppConfig,
  ) {}

  /**
   * Import supporters from a CSV file (multipart field `file`, up to IMPORT_MAX_BYTES, 20 MB by
   * default) into this campaign. All or nothing: a file over the limit, or a malformed one, is 400 and
   * nothing of it is written.
   */
  @Post('supporters')
  @Roles('admin', 'organizer')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  async supporters(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ImportQueryDto,
    @Req() req: FastifyRequest,
  ): Promise<ImportResult> {
    if (!req.isMultipart())
      throw BadInputError.field('file', 'not_multipart', 'Send the CSV as multipart/form-data field "file"');
    const maxBytes = this.config.importMaxBytes;
    const file = await req.file({ limits: { fileSize: maxBytes, files: 1 } });
    if (!file)
      throw BadInputError.field('file', 'missing_file', 'Send the CSV as multipart/form-data field "file"');
    return this.imports.importCsv(user, id, file.file, q.dryRun ?? false, maxBytes);
  }
}
