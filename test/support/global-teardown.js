import { rm } from 'node:fs/promises';

export default async function globalTeardown() {
  const server = globalThis.__puentePg;
  if (server) await server.stop();
  const file = process.env.PUENTE_TEST_STATE;
  if (file) await rm(file.replace(/\/harness\.json$/, ''), { recursive: true, force: true });
}
