import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsBoolean,
  IsEmail,
  IsIn,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  ValidateIf,
} from 'class-validator';
import { PaginationQueryDto } from '../../common/pagination.js';
import { DELIVERY_METHODS, type DeliveryMethod } from '../delivery.entity.js';
import { cleanNote } from './sign-letter.dto.js';

export class CreateDeliveryDto {
  @ApiProperty({ format: 'uuid' })
  @IsUUID()
  targetId: string;

  @ApiProperty({ enum: DELIVERY_METHODS, description: 'email sends the letter with the CSV attached' })
  @IsIn(DELIVERY_METHODS, { message: 'method must be email, pdf or manual' })
  method: DeliveryMethod;

  @ApiPropertyOptional({
    example: 'ustr@example.gov',
    description:
      'email deliveries: the address you expect the letter to go to (as shown to you); if the target’s email is different now, the answer is 409 and nothing is sent',
  })
  @ValidateIf((o: CreateDeliveryDto) => o.method === 'email' || o.expectedEmail !== undefined)
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.trim().toLowerCase() : value,
  )
  @IsEmail({}, { message: 'expectedEmail must be the email address the letter is expected to go to' })
  @MaxLength(254)
  expectedEmail?: string;

  @ApiPropertyOptional({
    description: 'only the signatures added since the previous delivery to this target',
  })
  @IsOptional()
  @IsBoolean()
  onlyNew?: boolean;

  @ApiPropertyOptional({ maxLength: 2000, example: 'Handed in at the front desk, receipt #1234' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => cleanNote(value))
  @IsString()
  @MaxLength(2000)
  note?: string;
}

export class ListDeliveriesQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  targetId?: string;
}

export class PacketQueryDto {
  @ApiPropertyOptional({ format: 'uuid', description: 'only the signatures that delivery covered' })
  @IsOptional()
  @IsUUID()
  deliveryId?: string;
}
