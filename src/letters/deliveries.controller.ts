import {
  Body,
  Controller,
  Get,
  Param,
  ParseUUIDPipe,
  Post,
  Query,
  Res,
  StreamableFile,
} from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { CurrentUser, type AuthUser } from '../auth/auth-user.js';
import { Roles } from '../auth/roles.decorator.js';
import type { Page } from '../common/pagination.js';
import { DeliveriesService } from './deliveries.service.js';
import type { Delivery } from './delivery.entity.js';
import { CreateDeliveryDto, ListDeliveriesQueryDto, PacketQueryDto } from './dto/delivery.dto.js';
import { PacketsService, type Packet } from './packets.service.js';

function send(reply: FastifyReply, packet: Packet): StreamableFile {
  void reply.header('cache-control', 'no-store');
  return new StreamableFile(packet.stream, {
    type: packet.contentType,
    disposition: `attachment; filename="${packet.filename}"`,
  });
}

@ApiTags('letters')
@ApiBearerAuth()
@Roles('admin', 'organizer', 'coordinator')
@Controller('api/letter-actions/:id')
export class DeliveriesController {
  constructor(
    private readonly deliveries: DeliveriesService,
    private readonly packets: PacketsService,
  ) {}

  /** Record a delivery (email sends the letter with the CSV attached); `onlyNew` covers the new ones. */
  @Post('deliveries')
  create(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Body() dto: CreateDeliveryDto,
  ): Promise<Delivery> {
    return this.deliveries.create(user, id, dto);
  }

  /** The delivery log: the proof of what reached whom. */
  @Get('deliveries')
  list(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Query() q: ListDeliveriesQueryDto,
  ): Promise<Page<Delivery>> {
    return this.deliveries.list(user, id, q);
  }

  /** The delivery packet as PDF: cover, letter (+ annex), signers with notes. `?deliveryId` → that range. */
  @ApiProduces('application/pdf')
  @Get('targets/:targetId/packet.pdf')
  async pdf(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('targetId', ParseUUIDPipe) targetId: string,
    @Query() q: PacketQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return send(reply, await this.packets.packet(user, id, targetId, 'pdf', q.deliveryId));
  }

  /** The same signers as CSV (cells neutralised against spreadsheet formulas). */
  @ApiProduces('text/csv')
  @Get('targets/:targetId/packet.csv')
  async csv(
    @CurrentUser() user: AuthUser,
    @Param('id', ParseUUIDPipe) id: string,
    @Param('targetId', ParseUUIDPipe) targetId: string,
    @Query() q: PacketQueryDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<StreamableFile> {
    return send(reply, await this.packets.packet(user, id, targetId, 'csv', q.deliveryId));
  }
}
