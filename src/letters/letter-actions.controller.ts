import { Body, Controller, Get, Param, ParseUUIDPipe, Patch, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { PublicSignerView, SetPublicStatusDto } from './dto/public-signer.dto.js';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import { PaginationQueryDto, type Page } from '../common/pagination.js';
import {
  CreateLetterActionDto,
  ListLetterActionsQueryDto,
  UpdateLetterActionDto,
} from './dto/letter-action.dto.js';
import { LetterActionsService, type LetterActionView } from './letter-actions.service.js';
import { SignaturesService, type StaffSignatureView } from './signatures.service.js';

@ApiTags('letters')
@ApiBearerAuth()
@Controller('api')
export class LetterActionsController {
  constructor(
    private readonly actions: LetterActionsService,
    private readonly signatures: SignaturesService,
  ) {}

  /** A new letter (as a draft) under a campaign: organizers of that campaign, admins. */
  @Roles('admin', 'organizer')
  @Post('campaigns/:id/letter-actions')
  create(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateLetterActionDto,
  ): Promise<LetterActionView> {
    return this.actions.create(user, id, dto);
  }

  @Roles('admin', 'organizer', 'coordinator')
  @Get('campaigns/:id/letter-actions')
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListLetterActionsQueryDto,
  ): Promise<Page<LetterActionView>> {
    return this.actions.list(user, id, q);
  }

  @Roles('admin', 'organizer', 'coordinator')
  @Get('letter-actions/:id')
  get(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<LetterActionView> {
    return this.actions.get(user, id);
  }

  /** Edit texts and targets, or `{status: "open" | "closed" | "draft"}`. */
  @Roles('admin', 'organizer')
  @Patch('letter-actions/:id')
  update(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: UpdateLetterActionDto,
  ): Promise<LetterActionView> {
    return this.actions.update(user, id, dto);
  }

  /** Signatures with the signers' details, oldest first. */
  @Roles('admin', 'organizer', 'coordinator')
  @Get('letter-actions/:id/signatures')
  signaturesList(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: PaginationQueryDto,
  ): Promise<Page<StaffSignatureView>> {
    return this.signatures.list(user, id, q);
  }

  /** Signers who asked to be shown publicly, with their moderation status (held-back names first). */
  @Roles('admin', 'organizer')
  @ApiOkResponse({ type: [PublicSignerView] })
  @Get('letter-actions/:id/public-signers')
  publicSigners(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: PaginationQueryDto,
  ): Promise<Page<PublicSignerView>> {
    return this.signatures.publicSigners(user, id, q);
  }

  /** Shows (approves a held-back name) or hides a public signer. */
  @Roles('admin', 'organizer')
  @ApiOkResponse({ type: PublicSignerView })
  @Patch('signatures/:id/public-status')
  setPublicStatus(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: SetPublicStatusDto,
  ): Promise<PublicSignerView> {
    return this.signatures.setPublicStatus(user, id, dto.status);
  }
}
