import { Controller, Get, Param, Req, Res, UseFilters } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CampaignImagesService } from '../campaigns/campaign-images.service.js';
import { Public } from '../common/public.decorator.js';
import { WebErrorFilter } from './web-error.filter.js';

/**
 * A campaign's preview image (og:image). Its URL carries the upload time (`?v=`), so caches may keep
 * it a day and revalidate with its ETag; without an image of its own, the generic one.
 */
@ApiExcludeController()
@UseFilters(WebErrorFilter)
@Controller('c/:slug')
export class CampaignImageController {
  constructor(private readonly images: CampaignImagesService) {}

  @Public()
  @Get('preview.jpg')
  async preview(@Param('slug') slug: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    const img = await this.images.forPublicCampaign(slug);
    if (!img) return reply.status(302).header('location', '/static/og.png').send();
    const etag = `"${img.updatedAt.getTime().toString(36)}"`;
    void reply.header('etag', etag).header('cache-control', 'public, max-age=86400');
    if (req.headers['if-none-match'] === etag) return reply.status(304).send();
    return reply.type(img.contentType).send(img.bytes);
  }
}
