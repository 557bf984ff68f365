/**
 * The API as a child process of the bench: `createApp` (src/app.ts) on the configuration the
 * orchestrator passes in the environment, listening on loopback.
 */
import 'reflect-metadata';
import type { INestApplication } from '@nestjs/common';
import { createApp } from '../../src/app';
import { loadConfig } from '../../src/config/app-config';
import { profileHandlers } from '../lib/profiler';
import { emitEvent, serveRpc } from '../lib/rpc';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app: INestApplication = await createApp(config);
  await app.listen(config.port, '127.0.0.1');
  serveRpc({
    ...profileHandlers,
    memory: () => process.memoryUsage(),
    shutdown: async () => {
      await app.close();
      setImmediate(() => process.exit(0));
    },
  });
  emitEvent('ready', { port: config.port });
}

main().catch((error: unknown) => {
  console.error('[bench api] could not start:', error);
  process.exit(1);
});
