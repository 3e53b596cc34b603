import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { CreateTargetDto, ListTargetsQueryDto, UpdateTargetDto } from './dto/target.dto.js';
import type { Target } from './target.entity.js';
import { TargetsService } from './targets.service.js';

@ApiTags('letters')
@ApiBearerAuth()
@Controller('api/targets')
export class TargetsController {
  constructor(private readonly targets: TargetsService) {}

  /** Add a target to the shared library. */
  @Roles('admin', 'organizer')
  @Post()
  create(@Body() dto: CreateTargetDto): Promise<Target> {
    return this.targets.create(dto);
  }

  /** The target library, by name; filter by kind, country or text. */
  @Roles('admin', 'organizer', 'coordinator')
  @Get()
  list(@Query() q: ListTargetsQueryDto): Promise<Page<Target>> {
    return this.targets.list(q);
  }

  /** Edit a target ('' clears an optional field). */
  @Roles('admin', 'organizer')
  @Patch(':id')
  update(@Param('id', ParseUUIDPipe) id: string, @Body() dto: UpdateTargetDto): Promise<Target> {
    return this.targets.update(id, dto);
  }
}
