import { Body, Controller, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import { BulletinTestService } from './bulletin-test.service.js';
import { BulletinsService } from './bulletins.service.js';
import {
  BulletinDto,
  CreateBulletinDto,
  TestSendDto,
  TestSendResultDto,
  UpdateBulletinDto,
} from './dto/bulletin.dto.js';
import { BulletinPreviewDto, PreviewBulletinDto } from './dto/preview.dto.js';

@ApiTags('bulletins')
@ApiBearerAuth()
@Roles('admin', 'organizer')
@Controller('api/organizations/:orgId/bulletins')
export class OrganizationBulletinsController {
  constructor(
    private readonly bulletins: BulletinsService,
    private readonly tests: BulletinTestService,
  ) {}

  /** A draft: subject and body in English and/or Spanish, the audience, when to send. */
  @Post()
  create(
    @CurrentUser() user: AuthUser,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: CreateBulletinDto,
  ): Promise<BulletinDto> {
    return this.bulletins.create(user, orgId, dto);
  }

  @ApiOkResponse({ type: [BulletinDto] })
  @Get()
  list(@CurrentUser() user: AuthUser, @Param('orgId', ParseUUIDPipe) orgId: string): Promise<BulletinDto[]> {
    return this.bulletins.list(user, orgId);
  }

  /** Both languages rendered as a recipient without a first name would see them. Stores nothing. */
  @ApiOkResponse({ type: BulletinPreviewDto })
  @HttpCode(200)
  @Post('preview')
  preview(
    @CurrentUser() user: AuthUser,
    @Param('orgId', ParseUUIDPipe) orgId: string,
    @Body() dto: PreviewBulletinDto,
  ): Promise<BulletinPreviewDto> {
    return this.tests.preview(user, orgId, dto);
  }
}

@ApiTags('bulletins')
@ApiBearerAuth()
@Roles('admin', 'organizer')
@Controller('api/bulletins')
export class BulletinsController {
  constructor(
    private readonly bulletins: BulletinsService,
    private readonly tests: BulletinTestService,
  ) {}

  /** The bulletin with its stats: audience, sent, failed, bounced, unsubscribed from it, remaining. */
  @Get(':id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<BulletinDto> {
    return this.bulletins.get(user, id);
  }

  /** Change a draft or a scheduled bulletin. */
  @Patch(':id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateBulletinDto,
  ): Promise<BulletinDto> {
    return this.bulletins.update(user, id, dto);
  }

  /** Send a test in each of its languages to staff of the organization (you, by default). */
  @ApiOkResponse({ type: TestSendResultDto })
  @HttpCode(200)
  @Post(':id/test')
  test(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TestSendDto,
  ): Promise<TestSendResultDto> {
    return this.tests.sendTest(user, id, dto.to);
  }

  /** Send now, or at its scheduled time; the answer's audienceCount is the number that will be sent. */
  @HttpCode(200)
  @Post(':id/send')
  send(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<BulletinDto> {
    return this.bulletins.send(user, id);
  }

  @HttpCode(200)
  @Post(':id/pause')
  pause(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<BulletinDto> {
    return this.bulletins.pause(user, id);
  }

  @HttpCode(200)
  @Post(':id/resume')
  resume(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<BulletinDto> {
    return this.bulletins.resume(user, id);
  }

  @HttpCode(200)
  @Post(':id/cancel')
  cancel(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<BulletinDto> {
    return this.bulletins.cancel(user, id);
  }
}
