import 'reflect-metadata';
import './observability/bootstrap'; // logging and (opt-in) tracing, before anything else loads
import { createOpsdeskWorker } from './worker/create-worker';
import { loadConfig } from './config/app-config';
import { stopWhenSupervisorDies } from './common/orphan-watch';
import { processLogger } from './observability/logger';
import { installWorkerRuntime } from './observability/worker-observability';
import { stopTracing } from './observability/tracing';

async function main(): Promise<void> {
  stopWhenSupervisorDies();
  const config = loadConfig();
  const log = processLogger('worker'); // pino: JSON lines, or pretty on a terminal
  const runtime = await installWorkerRuntime(); // pino logs, SDK metrics on OPSDESK_WORKER_METRICS
  // A workflow bundle built beforehand (OPSDESK_WORKFLOW_BUNDLE) spares the worker's webpack run at start.
  const prebuilt = process.env.OPSDESK_WORKFLOW_BUNDLE;
  const { worker, close } = await createOpsdeskWorker(config, prebuilt ? { workflowBundle: { codePath: prebuilt } } : {});
  log.log(`polling task queue "${config.temporal.taskQueue}" on ${config.temporal.address} (namespace ${config.temporal.namespace})`);
  try {
    // Resolves once SIGINT/SIGTERM has drained the worker (the SDK installs those handlers).
    await worker.run();
  } finally {
    await close();
    await runtime.close();
    await stopTracing();
    log.log('stopped');
  }
}

main().catch((error: unknown) => {
  console.error('[opsdesk] the worker could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
