import { SetMetadata } from '@nestjs/common';

export const IS_PUBLIC = 'puente:isPublic';

/**
 * Marks a route as open to anyone. Every other route needs a staff token (deny by default); a test
 * walks all registered routes so a route added without a guard or this mark breaks the build.
 */
export const Public = () => SetMetadata(IS_PUBLIC, true);
