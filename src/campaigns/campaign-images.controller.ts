import { Controller, Delete, HttpCode, Param, ParseUUIDPipe, Put, Req } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiOkResponse, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import { BadInputError } from '../common/errors.js';
import { CampaignImagesService, PREVIEW_IMAGE_MAX_BYTES } from './campaign-images.service.js';

export class PreviewImageView {
  @ApiProperty({ example: 1200 }) width: number;
  @ApiProperty({ example: 630 }) height: number;
}

/** Reads the multipart field `file` (one file, at most PREVIEW_IMAGE_MAX_BYTES) into memory. */
export async function uploadedImage(req: FastifyRequest): Promise<Buffer> {
  const missing = () =>
    BadInputError.field('file', 'missing_file', 'Send the image as multipart field "file"');
  if (!req.isMultipart()) throw missing();
  const file = await req.file({ limits: { fileSize: PREVIEW_IMAGE_MAX_BYTES, files: 1 } });
  if (!file) throw missing();
  const bytes = await file.toBuffer().catch(() => null);
  if (!bytes || file.file.truncated)
    throw BadInputError.field('file', 'image_too_large', 'The image is over 5 MB');
  return bytes;
}

@ApiTags('campaigns')
@ApiBearerAuth()
@Controller('api/campaigns/:id/preview-image')
export class CampaignImagesController {
  constructor(private readonly images: CampaignImagesService) {}

  /**
   * The campaign's preview image for link previews (multipart field `file`: JPEG, PNG or WebP, 5 MB at
   * most), cut to 1200×630 JPEG; served at /c/:slug/preview.jpg and named in the pages' og:image.
   */
  @Put()
  @Roles('admin', 'organizer')
  @ApiConsumes('multipart/form-data')
  @ApiBody({ schema: { type: 'object', properties: { file: { type: 'string', format: 'binary' } } } })
  @ApiOkResponse({ type: PreviewImageView })
  async put(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Req() req: FastifyRequest,
  ): Promise<PreviewImageView> {
    return this.images.put(user, id, () => uploadedImage(req));
  }

  /** Back to the generic preview image. */
  @Delete()
  @HttpCode(204)
  @Roles('admin', 'organizer')
  async remove(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<void> {
    await this.images.remove(user, id);
  }
}
