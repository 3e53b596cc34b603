import { Controller, Get, ServiceUnavailableException } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse, ApiTags } from '@nestjs/swagger';
import { DataSource } from 'typeorm';
import { Public } from '../common/public.decorator.js';
import { HealthDto } from './health.dto.js';

@ApiTags('health')
@Controller('api/health')
export class HealthController {
  constructor(private readonly dataSource: DataSource) {}

  @Public()
  @Get()
  @ApiOkResponse({ type: HealthDto })
  @ApiServiceUnavailableResponse({ description: 'the database does not answer' })
  async check(): Promise<HealthDto> {
    try {
      await Promise.race([
        this.dataSource.query('SELECT 1'),
        new Promise((_, fail) => setTimeout(() => fail(new Error('timeout')), 3000).unref()),
      ]);
    } catch {
      throw new ServiceUnavailableException({
        message: 'The database is not answering',
        code: 'database_down',
      });
    }
    return { status: 'ok', database: 'up' };
  }
}
