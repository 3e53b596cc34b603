import { createApp } from '../app.js';
import { createLogger } from '../common/logger.js';
import { ConfigError, loadConfig } from '../config/config.js';
import { openDatabase } from '../database/connect.js';
import { DEMO_COORDINATOR, DEMO_ORGANIZER, DEMO_SLUG, seedDemo } from './demo-seed.js';

/** `npm run demo`: the app on the embedded database, loaded with the demo campaign when it is empty. */
async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig({ LOG_LEVEL: 'warn', DATA_DIR: './data/demo', ...process.env });
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, (m) => logger.debug({ context: 'postgres' }, m));
  const app = await createApp(config, db.url, logger);
  await app.listen({ port: config.port, host: config.host });
  const seeded = await seedDemo(app);
  const url = `http://localhost:${config.port}`;
  console.log(
    [
      '',
      seeded ? 'Demo campaign loaded.' : 'The database already has campaigns; nothing was added.',
      `  Campaign (Spanish):  ${url}/c/${DEMO_SLUG}`,
      `  Campaign (English):  ${url}/c/${DEMO_SLUG}?lang=en`,
      `  Letter:              ${url}/c/${DEMO_SLUG}/letters/usmca-review`,
      `  Picket in Detroit:   ${url}/c/${DEMO_SLUG}/events/picket-gm-detroit`,
      `  Organizer console:   ${url}/admin`,
      `    organizer   ${DEMO_ORGANIZER.email} / ${DEMO_ORGANIZER.password}`,
      `    coordinator ${DEMO_COORDINATOR.email} / ${DEMO_COORDINATOR.password}`,
      `  API docs:            ${url}/api/docs`,
      `  Data: ${config.dataDir} (delete it to start over). Ctrl-C stops.`,
      '',
    ].join('\n'),
  );
  const stop = async () => {
    await app.close();
    await db.stop();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
