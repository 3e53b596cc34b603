import { Controller, Get, Headers, Param, Query } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import { Public } from '../common/public.decorator.js';
import { CampaignsService, type PublicCampaignView } from './campaigns.service.js';
import { PublicReadQueryDto } from './dto/campaign.dto.js';

@ApiTags('public')
@Controller('api/public/campaigns')
export class PublicCampaignsController {
  constructor(private readonly campaigns: CampaignsService) {}

  /** A live campaign (active, won or lost) in the reader's language, with its totals. */
  @Public()
  @Get(':slug')
  read(
    @Param('slug') slug: string,
    @Query() q: PublicReadQueryDto,
    @Headers('accept-language') acceptLanguage?: string,
  ): Promise<PublicCampaignView> {
    return this.campaigns.publicRead(slug, q.lang, acceptLanguage);
  }
}
