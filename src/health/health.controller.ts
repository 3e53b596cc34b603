import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { ServiceUnavailableError } from '../common/errors.js';
import { Public } from '../common/public.decorator.js';
import { HealthDto } from './health.dto.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'the database does not answer (with Retry-After)' })
  async check(): Promise<HealthDto> {
    try {
      // Bounded by the pool's connect and statement timeouts (DATABASE_*_TIMEOUT_MS).
      await this.dataSource.query('SELECT 1');
    } catch {
      // An expected answer, not a bug: no stack in the log (a load balancer polls this while it lasts).
      throw new ServiceUnavailableError(5, 'The database is not answering', 'database_down');
    }
    return { status: 'ok', database: 'up' };
  }
}
