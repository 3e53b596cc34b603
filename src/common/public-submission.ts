import { applyDecorators } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import { Public } from './public.decorator.js';

/** All public submissions share one per-IP budget (PUBLIC_RATE_LIMIT_PER_MINUTE), across routes. */
export const PUBLIC_SUBMISSION_GROUP = 'public-submissions';

/** A public POST/PATCH/DELETE a supporter makes: open to anyone, rate-limited per client IP. */
export const PublicSubmission = () =>
  applyDecorators(Public(), RouteConfig({ rateLimit: { groupId: PUBLIC_SUBMISSION_GROUP } }));
