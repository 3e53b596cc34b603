import { Controller, Param, ParseUUIDPipe, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AuthUser } from '../auth/auth-user.js';
import { uploadedImage } from '../campaigns/campaign-images.controller.js';
import { CampaignImagesService } from '../campaigns/campaign-images.service.js';
import { AdminCampaignView } from './admin-campaign.view.js';
import { ConsolePages, ConsoleUser } from './console-session.guard.js';
import { fieldErrorsOf, redirect } from './web-context.js';

/**
 * The campaign's preview image, uploaded from the console campaign page (multipart: the CSRF token
 * travels in the form's query string, as a multipart body is not read before the check — setup.ts).
 */
@ConsolePages()
@Controller('admin/campaigns/:id')
export class AdminPreviewImageController {
  constructor(
    private readonly images: CampaignImagesService,
    private readonly campaignView: AdminCampaignView,
  ) {}

  @Post('preview-image')
  async upload(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    try {
      await this.images.put(user, id, () => uploadedImage(req));
    } catch (e) {
      const errors = fieldErrorsOf(e);
      if (errors) return this.campaignView.show(req, reply, user, id, errors, {}, 'preview-image', 400);
      throw e;
    }
    return redirect(reply, `/admin/campaigns/${id}?image=1#preview-image`);
  }

  @Post('preview-image/remove')
  async remove(
    @Param('id', ParseUUIDPipe) id: string,
    @ConsoleUser() user: AuthUser,
    @Res() reply: FastifyReply,
  ) {
    await this.images.remove(user, id);
    return redirect(reply, `/admin/campaigns/${id}#preview-image`);
  }
}
