import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import { AudiencesService } from './audiences.service.js';
import {
  AudienceCountDto,
  AudienceDto,
  AudienceFilterDto,
  CreateAudienceDto,
  UpdateAudienceDto,
} from './dto/audience.dto.js';

@ApiTags('bulletins')
@ApiBearerAuth()
@Roles('admin', 'organizer')
@Controller('api/organizations/:orgId/audiences')
export class OrganizationAudiencesController {
  constructor(private readonly audiences: AudiencesService) {}

  /** Save an audience: a name and a filter over the organization's supporters. */
  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: CreateAudienceDto,
  ): Promise<AudienceDto> {
    return this.audiences.create(user, orgId, dto);
  }

  @ApiOkResponse({ type: [AudienceDto] })
  @Get()
  list(@CurrentUser() user: AuthUser, @Param('orgId', ParseUUIDPipe) orgId: string): Promise<AudienceDto[]> {
    return this.audiences.list(user, orgId);
  }

  /** Count a filter before saving it. */
  @ApiOkResponse({ type: AudienceCountDto })
  @HttpCode(200)
  @Post('count')
  async countUnsaved(
    @CurrentUser() user: AuthUser,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() filter: AudienceFilterDto,
  ): Promise<AudienceCountDto> {
    return { count: await this.audiences.countUnsaved(user, orgId, filter) };
  }
}

@ApiTags('bulletins')
@ApiBearerAuth()
@Roles('admin', 'organizer')
@Controller('api/audiences')
export class AudiencesController {
  constructor(private readonly audiences: AudiencesService) {}

  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<AudienceDto> {
    return this.audiences.get(user, id);
  }

  @Patch(':id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateAudienceDto,
  ): Promise<AudienceDto> {
    return this.audiences.update(user, id, dto);
  }

  /** How many supporters a bulletin to it would reach now (consenting, not unsubscribed, bounced or erased). */
  @ApiOkResponse({ type: AudienceCountDto })
  @Get(':id/count')
  count(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<AudienceCountDto> {
    return this.audiences.count(user, id);
  }
}
