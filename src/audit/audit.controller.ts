import { Controller, Get, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import { AuditService, type AuditRow } from './audit.service.js';
import { AuditQueryDto } from './dto/audit-query.dto.js';

@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit-log')
export class AuditController {
  constructor(private readonly audit: AuditService) {}

  /** Exports, erasures and logins, newest first (admins only). */
  @Get()
  @Roles('admin')
  list(@Query() q: AuditQueryDto): Promise<{ items: AuditRow[]; total: number }> {
    return this.audit.list(q);
  }
}
