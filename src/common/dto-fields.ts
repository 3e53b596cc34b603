import { applyDecorators } from '@nestjs/common';
import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsISO31661Alpha2, IsOptional, IsString, MaxLength, ValidateIf } from 'class-validator';
import { ToCountry, Trim } from './transforms.js';

export const COUNTRY_MESSAGE =
  "country must be a country's name or ISO code, such as México, Estados Unidos, MX or US";

/** An optional, trimmed, length-bounded text field (city, region, employer, venue…). */
export const OptionalText = (maxLength: number, example?: string) =>
  applyDecorators(
    ApiPropertyOptional({ example, maxLength }),
    IsOptional(),
    Trim(),
    IsString(),
    MaxLength(maxLength),
  );

/**
 * An optional country, stored as its ISO 3166-1 alpha-2 code; accepts the name in English or Spanish
 * as people type it (see countries.ts). `nullable` also lets null or "" clear it.
 */
export const OptionalCountry = (example = 'MX', { nullable = false } = {}) =>
  applyDecorators(
    ApiPropertyOptional({
      example,
      nullable,
      description: 'ISO 3166-1 alpha-2 code, or the country name in English or Spanish (stored as the code)',
    }),
    IsOptional(),
    ToCountry(),
    ...(nullable ? [ValidateIf((_: unknown, v: unknown) => v !== null && v !== '')] : []),
    IsISO31661Alpha2({ message: COUNTRY_MESSAGE }),
  );
