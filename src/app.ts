import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import helmet from '@fastify/helmet';
import multipart from '@fastify/multipart';
import rateLimit from '@fastify/rate-limit';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Logger } from 'pino';
import { AppModule } from './app.module.js';
import { BadInputError, TooManyRequestsError } from './common/errors.js';
import { HttpErrorFilter, sendError } from './common/http-exception.filter.js';
import { registerInputChecks } from './common/input-checks.js';
import { PinoNestLogger } from './common/logger.js';
import { createValidationPipe } from './common/validation.js';
import { isWebPath, registerWeb } from './web/setup.js';
import { sendErrorPage } from './web/web-error.filter.js';
import type { AppConfig } from './config/config.js';

export interface RegisteredRoute {
  method: string;
  url: string;
}
const registeredRoutes = new WeakMap<object, RegisteredRoute[]>();

/** The routes registered on `app` (recorded as Fastify registered them). */
export function routesOf(app: object): RegisteredRoute[] {
  return registeredRoutes.get(app) ?? [];
}

const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

/**
 * Builds the whole application (HTTP layer, modules, docs) without listening, so main.ts, the CLI and
 * the e2e tests all run exactly the same app.
 */
export async function createApp(
  config: AppConfig,
  databaseUrl: string,
  logger: Logger,
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    loggerInstance: logger,
    bodyLimit: config.bodyLimitBytes,
    trustProxy: config.trustProxy,
    // Signed link tokens (unsubscribe, data requests) travel as path parameters.
    routerOptions: { maxParamLength: 300 },
    // A path the router cannot decode (malformed percent-encoding, not UTF-8): the same 400 as the
    // input checks (src/common/input-checks.ts) give, as a page on page routes.
    frameworkErrors: (error: { code?: string }, request: FastifyRequest, reply: FastifyReply) => {
      const refused = new BadInputError(
        'The address has malformed percent-encoding or is not valid UTF-8',
        undefined,
        error.code === 'FST_ERR_BAD_URL' ? 'bad_url' : 'bad_request',
      );
      if (isWebPath(request.url)) void sendErrorPage(refused, request, reply);
      else sendError(refused, request, reply);
    },
    // Keep a caller's X-Request-Id when it is sane (a load balancer's), else make one.
    genReqId: (req: { headers: Record<string, string | string[] | undefined> }) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
  });
  // Errors Fastify raises itself (body parsing, size, media type) reach HttpErrorFilter through the error
  // handler Nest installs, so every error has the same JSON shape.
  const app = await NestFactory.create<NestFastifyApplication>(
    AppModule.register({ config, databaseUrl }),
    adapter,
    {
      logger: new PinoNestLogger(logger),
      abortOnError: false,
    },
  );
  const fastify = app.getHttpAdapter().getInstance();
  // Every route the app serves, for the test that proves no staff route answers without a token.
  const routes: RegisteredRoute[] = [];
  fastify.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) routes.push({ method, url: r.url });
  });
  registeredRoutes.set(app, routes);
  fastify.addHook('onRequest', async (request, reply) => {
    void reply.header('x-request-id', request.id);
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
  });

  // File uploads (supporter import, up to IMPORT_MAX_BYTES: src/supporters/import.controller.ts).
  await app.register(multipart, { limits: { fileSize: config.importMaxBytes, files: 1, fields: 10 } });

  // Server-rendered pages (src/web): cookies, CSRF, eta views, /static/.
  await registerWeb(app);

  if (config.publicRateLimitPerMinute > 0) {
    // Opt-in per route (@PublicSubmission): supporters' submissions, counted per client IP per instance.
    await app.register(rateLimit, {
      global: false,
      max: config.publicRateLimitPerMinute,
      timeWindow: 60_000,
      errorResponseBuilder: (_req, context) =>
        new TooManyRequestsError(
          Math.ceil(context.ttl / 1000),
          'Too many submissions from your network; try again in a minute',
        ),
    });
  }

  // Bad URLs, non-UTF-8 JSON, too deep or NUL-holding bodies: a clear 400 before anything else runs.
  registerInputChecks(app, config.bodyLimitBytes);

  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new HttpErrorFilter());

  const document = SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('Puente API')
      .setDescription(
        'Cross-border labor solidarity campaigns. Staff routes need `Authorization: Bearer <token>` from POST /api/auth/login; /api/public routes are open and rate-limited.',
      )
      .setVersion('1')
      .addBearerAuth()
      .build(),
  );
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  await app.init();
  // listen() would do this; tests serve the app without listening, so make Fastify ready here.
  await fastify.ready();
  return app;
}
