import { Body, Controller, Delete, Get, HttpCode, Param, ParseUUIDPipe, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { CurrentUser, type AuthUser } from '../../auth/auth-user.js';
import { Roles } from '../../auth/roles.decorator.js';
import type { Page } from '../../common/pagination.js';
import { BulkTagDto, TagNameDto, TagOneDto } from './tags.dto.js';
import { TagsService, type BulkTagResult, type TagView } from './tags.service.js';

@ApiTags('supporters')
@ApiBearerAuth()
@Roles('admin', 'organizer')
@Controller('api')
export class TagsController {
  constructor(private readonly tags: TagsService) {}

  /** The organization's tags, by name, with how many supporters carry each. */
  @Get('organizations/:id/tags')
  async list(@CurrentUser() user: AuthUser, @Param('id', ParseUUIDPipe) id: string): Promise<Page<TagView>> {
    const items = await this.tags.list(user, id);
    return { items, total: items.length };
  }

  /** A new tag (409 `tag_exists` when the organization has one by that name, in any case). */
  @Post('organizations/:id/tags')
  create(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: TagNameDto,
  ): Promise<TagView> {
    return this.tags.create(user, id, dto.name);
  }

  @Patch('tags/:tagId')
  rename(
    @CurrentUser() user: AuthUser,
    @Param('tagId', ParseUUIDPipe) tagId: string,
    @Body() dto: TagNameDto,
  ): Promise<TagView> {
    return this.tags.rename(user, tagId, dto.name);
  }

  /** Deletes a tag and takes it off every supporter. */
  @Delete('tags/:tagId')
  @HttpCode(204)
  async remove(@CurrentUser() user: AuthUser, @Param('tagId', ParseUUIDPipe) tagId: string): Promise<void> {
    await this.tags.remove(user, tagId);
  }

  /**
   * Tag or untag many supporters at once: `{tag, action: add|remove, supporterIds}` or
   * `{tag, action, filter}` (every supporter the list's filter matches). Adding creates the tag.
   */
  @Post('organizations/:id/supporters/tags')
  @HttpCode(200)
  bulk(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: BulkTagDto,
  ): Promise<BulkTagResult> {
    return this.tags.bulk(user, id, dto);
  }

  /** Put one tag on one supporter. */
  @Post('organizations/:id/supporters/:supporterId/tags')
  @HttpCode(200)
  addOne(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('supporterId', ParseUUIDPipe) supporterId: string,
    @Body() dto: TagOneDto,
  ): Promise<BulkTagResult> {
    return this.tags.bulk(user, id, { tag: dto.tag, action: 'add', supporterIds: [supporterId] });
  }

  /** Take one tag off one supporter. */
  @Delete('organizations/:id/supporters/:supporterId/tags/:tagId')
  @HttpCode(204)
  async removeOne(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('supporterId', ParseUUIDPipe) supporterId: string,
    @Param('tagId', ParseUUIDPipe) tagId: string,
  ): Promise<void> {
    await this.tags.untagOne(user, id, supporterId, tagId);
  }
}
