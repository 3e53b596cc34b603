import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { AuditService } from '../audit/audit.service.js';
import { PaginationQueryDto, type Page } from '../common/pagination.js';
import { CurrentUser, type AuthUser } from './auth-user.js';
import { CreateUserDto, UpdateUserDto } from './dto/auth.dto.js';
import { Roles } from './roles.decorator.js';
import type { UserView } from './user.entity.js';
import { UsersService } from './users.service.js';

@ApiTags('users')
@ApiBearerAuth()
@Roles('admin')
@Controller('api/users')
export class UsersController {
  constructor(
    private readonly users: UsersService,
    private readonly audit: AuditService,
  ) {}

  @Post()
  async create(@CurrentUser() actor: AuthUser, @Body() dto: CreateUserDto): Promise<UserView> {
    const user = await this.users.create(dto);
    await this.audit.record({
      actorUserId: actor.id,
      action: 'user.created',
      subjectType: 'user',
      subjectId: user.id,
    });
    return user;
  }

  @Get()
  list(@Query() q: PaginationQueryDto): Promise<Page<UserView>> {
    return this.users.list(q.limit, q.offset);
  }

  @Get(':id')
  get(@Param('id', ParseUUIDPipe) id: string): Promise<UserView> {
    return this.users.get(id);
  }

  /** Rename, change role, or disable/enable an account. */
  @Patch(':id')
  async update(
    @CurrentUser() actor: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateUserDto,
  ): Promise<UserView> {
    const user = await this.users.update(id, dto);
    await this.audit.record({
      actorUserId: actor.id,
      action: 'user.updated',
      subjectType: 'user',
      subjectId: id,
      details: { ...dto },
    });
    return user;
  }
}
