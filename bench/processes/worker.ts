/**
 * The opsdesk worker as a child process of the bench: `createOpsdeskWorker` on the prebuilt
 * workflow bundle. BENCH_SLA_ONSITE_SECONDS (bench only) replaces the on-site SLA's whole hours
 * with seconds, for the SLA-lateness section: the configuration is built here, src/config is
 * unchanged.
 */
import 'reflect-metadata';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { getHeapStatistics } from 'node:v8';
import { loadConfig } from '../../src/config/app-config';
import { createOpsdeskWorker } from '../../src/worker/create-worker';
import { profileHandlers } from '../lib/profiler';
import { emitEvent, serveRpc } from '../lib/rpc';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const config = loadConfig(process.env);
  const onsiteSeconds = process.env.BENCH_SLA_ONSITE_SECONDS;
  if (onsiteSeconds) config.sla = { ...config.sla, onsiteHours: Number(onsiteSeconds) / 3600 };
  const bundle = process.env.BENCH_WORKFLOW_BUNDLE;
  const opsdesk = await createOpsdeskWorker(config, bundle ? { workflowBundle: { codePath: bundle } } : {});
  const running = opsdesk.worker.run();
  let stopped: Promise<void> | null = null;
  const stop = () => {
    stopped ??= (async () => {
      opsdesk.worker.shutdown();
      await running;
      await opsdesk.close();
    })();
    return stopped;
  };
  serveRpc({
    ...profileHandlers,
    memory: () => process.memoryUsage(),
    info: () => ({
      maxCachedWorkflows: opsdesk.worker.options.maxCachedWorkflows,
      cachedWorkflows: opsdesk.worker.getStatus().numCachedWorkflows,
      heapSizeLimitBytes: getHeapStatistics().heap_size_limit,
    }),
    shutdown: async () => {
      await stop();
      setImmediate(() => process.exit(0));
    },
  });
  running.catch((error: unknown) => {
    console.error('[bench worker] stopped with an error:', error);
    process.exit(1);
  });
  emitEvent('ready', { taskQueue: config.temporal.taskQueue, onsiteHours: config.sla.onsiteHours });
}

main().catch((error: unknown) => {
  console.error('[bench worker] could not start:', error);
  process.exit(1);
});
