import { SetMetadata } from '@nestjs/common';
import type { UserRole } from './user.entity.js';

export const ROLES = 'puente:roles';

/**
 * Which staff roles may call a route at all. Per-campaign rules (member? organizer or coordinator
 * there?) are checked by CampaignAccessService inside the service call.
 */
export const Roles = (...roles: UserRole[]) => SetMetadata(ROLES, roles);
