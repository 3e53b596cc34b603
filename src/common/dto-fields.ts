import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO31661Alpha2, IsOptional, IsString, MaxLength } from 'class-validator';
import { Trim, UpperTrim } from './transforms.js';

/** An optional, trimmed, length-bounded text field (city, region, employer, venue…). */
export const OptionalText = (maxLength: number, example?: string) =>
  applyDecorators(
    ApiPropertyOptional({ example, maxLength }),
    IsOptional(),
    Trim(),
    IsString(),
    MaxLength(maxLength),
  );

/** An optional ISO 3166-1 alpha-2 country code, upper-cased. */
export const OptionalCountry = (example = 'MX') =>
  applyDecorators(
    ApiPropertyOptional({ example, description: 'ISO 3166-1 alpha-2' }),
    IsOptional(),
    UpperTrim(),
    IsISO31661Alpha2({ message: 'country must be an ISO 3166-1 alpha-2 code such as MX or US' }),
  );
