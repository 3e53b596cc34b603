import { Body, Controller, Get, Headers, Param, Post, Query, HttpCode } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/public.decorator.js';
import { PublicSubmission } from '../common/public-submission.js';
import { PublicLetterQueryDto, SignLetterDto } from './dto/sign-letter.dto.js';
import { LetterActionsService, type PublicLetterView } from './letter-actions.service.js';
import { SignaturesService, type SignResult } from './signatures.service.js';

@ApiTags('public')
@Controller('api/public/campaigns/:slug/letters/:actionSlug')
export class PublicLettersController {
  constructor(
    private readonly actions: LetterActionsService,
    private readonly signatures: SignaturesService,
  ) {}

  /** The letter in the reader's language, its targets, the count and goal, recent public signers. */
  @Public()
  @Get()
  read(
    @Param('slug') slug: string,
    @Param('actionSlug') actionSlug: string,
    @Query() q: PublicLetterQueryDto,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<PublicLetterView> {
    return this.actions.publicRead(slug, actionSlug, q.lang, acceptLanguage);
  }

  /**
   * Sign: always 201 `{"status": "received", "signatureCount"}` — the same for a first signature, a
   * repeat (still one row) and a known or unknown email; 409 when not open, 410 after the deadline.
   */
  @PublicSubmission()
  @Post('signatures')
  @HttpCode(201)
  sign(
    @Param('slug') slug: string,
    @Param('actionSlug') actionSlug: string,
    @Body() dto: SignLetterDto,
  ): Promise<SignResult> {
    return this.signatures.sign(slug, actionSlug, dto);
  }
}
