import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from './auth-user.js';
import { PutMemberDto } from './dto/auth.dto.js';
import { MembershipService, type MemberView } from './membership.service.js';
import { Roles } from './roles.decorator.js';

@ApiTags('campaigns')
@ApiBearerAuth()
@Roles('admin', 'organizer')
@Controller('api/campaigns/:id/members')
export class MembershipController {
  constructor(private readonly membership: MembershipService) {}

  @Get()
  list(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<MemberView[]> {
    return this.membership.list(user, id);
  }

  /** Add a member, or change a member's role. */
  @Post()
  put(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: PutMemberDto,
  ): Promise<MemberView> {
    return this.membership.put(user, id, dto.userId, dto.role);
  }

  @Delete(':userId')
  @HttpCode(204)
  remove(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('userId', ParseUUIDPipe) userId: string,
  ): Promise<void> {
    return this.membership.remove(user, id, userId);
  }
}
