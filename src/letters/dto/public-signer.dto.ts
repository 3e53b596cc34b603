import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import type { PublicStatus } from '../public-name.js';

export class SetPublicStatusDto {
  @ApiProperty({
    enum: ['shown', 'hidden'],
    description: 'shown: on the public page (also approves a held-back name); hidden: never shown',
  })
  @IsIn(['shown', 'hidden'], { message: 'status must be shown or hidden' })
  status: Exclude<PublicStatus, 'held'>;
}

export class PublicSignerView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'the first name as the signer typed it for the public list' }) name: string;
  @ApiProperty({ nullable: true, type: String }) city: string | null;
  @ApiProperty({ enum: ['shown', 'held', 'hidden'] }) status: PublicStatus;
  @ApiProperty() createdAt: Date;
}
