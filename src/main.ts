import { createApp } from './app.js';
import { ConfigError, loadConfig } from './config/config.js';
import { createLogger } from './common/logger.js';
import { openDatabase } from './database/connect.js';
import { FirstAdminService } from './auth/first-admin.service.js';
import { startSummary } from './start-summary.js';
import { boundHeapGrowth } from './heap.js';

async function main(): Promise<void> {
  boundHeapGrowth();
  let config;
  try {
    config = loadConfig();
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, (m) => logger.debug({ context: 'postgres' }, m));
  if (db.embedded)
    logger.info(`embedded PostgreSQL on 127.0.0.1:${db.embedded.port}, data in ${config.dataDir}`);

  let app;
  try {
    app = await createApp(config, db.url, logger);
    await app.listen({ port: config.port, host: config.host });
  } catch (e) {
    logger.fatal({ err: e }, 'could not start');
    await app?.close().catch(() => undefined);
    await db.stop();
    process.exit(1);
  }
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`Puente is listening on http://localhost:${port} (API docs at /api/docs)`);
  const firstAdmin = app.get(FirstAdminService);
  console.log(
    startSummary({
      publicUrl: process.env.PUBLIC_BASE_URL ? config.publicBaseUrl : `http://localhost:${port}`,
      publicUrlSet: Boolean(process.env.PUBLIC_BASE_URL),
      adminEmail: await firstAdmin.firstAdminEmail().catch(() => null),
      createdAdmin: firstAdmin.createdNow,
      dataDir: db.embedded ? config.dataDir : null,
      outboxDir: config.smtpUrl ? null : config.outboxDir,
      pid: process.pid,
    }),
  );

  // Close in order: stop taking requests and finish the ones in flight, close the pool, stop PostgreSQL.
  let closing = false;
  const shutdown = async (signal: string) => {
    if (closing) return;
    closing = true;
    logger.info(`${signal} received, shutting down`);
    const force = setTimeout(() => {
      logger.error('shutdown took longer than 20 s, exiting');
      process.exit(1);
    }, 20_000);
    force.unref();
    try {
      await app.close();
      await db.stop();
    } catch (e) {
      logger.error({ err: e }, 'error during shutdown');
      process.exitCode = 1;
    }
    clearTimeout(force);
    process.exit();
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
