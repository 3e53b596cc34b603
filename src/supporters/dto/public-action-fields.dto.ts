import { ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsOptional, IsString } from 'class-validator';
import { cleanShareCode, cleanSource } from '../../common/attribution.js';
import { SupporterFieldsDto } from './supporter-fields.dto.js';

/**
 * A public action's fields (pledge, signature, RSVP): the supporter's, plus where the action came
 * from. `source` and `ref` are sanitized rather than refused (src/common/attribution.ts): a mangled
 * link must never cost a signature.
 */
export class PublicActionFieldsDto extends SupporterFieldsDto {
  @ApiPropertyOptional({
    example: 'newsletter',
    maxLength: 64,
    description: 'where the action came from (`?source=`): lower-cased, a-z 0-9 . _ - kept, 64 at most',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => cleanSource(value))
  @IsString()
  source?: string;

  @ApiPropertyOptional({
    example: 'k3v9x0q2m7a1b4c8',
    description: "a supporter's share code (`?ref=` on her share links); an unknown code is ignored",
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => cleanShareCode(value))
  @IsString()
  ref?: string;
}
