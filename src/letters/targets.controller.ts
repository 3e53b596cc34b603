import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
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

  /** Add a target to the starter library every organization may use (admins). Audited. */
  @Roles('admin')
  @Post()
  create(@CurrentUser() user: AuthUser, @Body() dto: CreateTargetDto): Promise<Target> {
    return this.targets.createLibrary(user, dto);
  }

  /** The starter library, by name; filter by kind, country or text. */
  @Roles('admin', 'organizer', 'coordinator')
  @Get()
  list(@Query() q: ListTargetsQueryDto): Promise<Page<Target>> {
    return this.targets.listLibrary(q);
  }

  /**
   * Edit a target ('' clears an optional field): the starter library by admins (an organizer gets 403),
   * an organization's own target by its organizers. Audited with the email before and after.
   */
  @Roles('admin', 'organizer')
  @Patch(':id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateTargetDto,
  ): Promise<Target> {
    return this.targets.update(user, id, dto);
  }
}

@ApiTags('letters')
@ApiBearerAuth()
@Controller('api/organizations/:id/targets')
export class OrganizationTargetsController {
  constructor(private readonly targets: TargetsService) {}

  /** Add one of the organization's own targets (its organizers). Audited. */
  @Roles('admin', 'organizer')
  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateTargetDto,
  ): Promise<Target> {
    return this.targets.createOwn(user, id, dto);
  }

  /** The organization's own targets; `?library=true` adds the starter library. */
  @Roles('admin', 'organizer', 'coordinator')
  @Get()
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListTargetsQueryDto,
  ): Promise<Page<Target>> {
    return this.targets.listOwn(user, id, q);
  }
}
