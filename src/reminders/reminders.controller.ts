import { Controller, Get, HttpCode, Param, ParseUUIDPipe, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { ReminderStaffService, type ReminderMessageView } from './reminder-staff.service.js';
import { ListReminderMessagesQueryDto, ListRemindersQueryDto } from './reminders.dto.js';
import type { ReminderView } from './reminders.service.js';

export type { ReminderMessageView } from './reminder-staff.service.js';

@ApiTags('reminders')
@ApiBearerAuth()
@Roles('admin', 'organizer', 'coordinator')
@Controller('api')
export class RemindersController {
  constructor(private readonly staff: ReminderStaffService) {}

  /** The reminders of a campaign (filter by event or other subject, and status), by due time. */
  @Get('campaigns/:id/reminders')
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListRemindersQueryDto,
  ): Promise<Page<ReminderView>> {
    return this.staff.list(user, id, q);
  }

  /** The messages sent for a campaign's reminders (every attempt, failed ones too), newest first. */
  @Get('campaigns/:id/messages')
  messages(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListReminderMessagesQueryDto,
  ): Promise<Page<ReminderMessageView>> {
    return this.staff.messages(user, id, q);
  }

  /** A failed reminder back in the queue, due now, attempts reset. */
  @Post('reminders/:id/resend')
  @HttpCode(200)
  resend(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<ReminderView> {
    return this.staff.resend(user, id);
  }
}
