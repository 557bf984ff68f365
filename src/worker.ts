import 'reflect-metadata';
import { Logger } from '@nestjs/common';
import { createOpsdeskWorker } from './worker/create-worker';
import { loadConfig } from './config/app-config';
import { stopWhenSupervisorDies } from './common/orphan-watch';

async function main(): Promise<void> {
  stopWhenSupervisorDies();
  const config = loadConfig();
  const log = new Logger('worker');
  const { worker, close } = await createOpsdeskWorker(config);
  log.log(`polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address} (namespace ${config.temporal.namespace})`);
  try {
    // Resolves once SIGINT/SIGTERM has drained the worker (the SDK installs those handlers).
    await worker.run();
  } finally {
    await close();
    log.log('stopped');
  }
}

main().catch((error: unknown) => {
  console.error('[opsdesk] the worker could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
