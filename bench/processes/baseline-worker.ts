/** The baseline worker (section 1): its own process and task queue, its own workflow bundle, no-op activities. */
import { DefaultLogger, NativeConnection, Runtime, Worker } from '@temporalio/worker';
import * as activities from '../baseline/activities';
import { profileHandlers } from '../lib/profiler';
import { emitEvent, serveRpc } from '../lib/rpc';

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const address = process.env.TEMPORAL_ADDRESS ?? '127.0.0.1:7233';
  const taskQueue = process.env.BENCH_BASELINE_TASK_QUEUE ?? 'bench-baseline';
  const connection = await NativeConnection.connect({ address });
  const worker = await Worker.create({
    connection,
    namespace: process.env.TEMPORAL_NAMESPACE ?? 'default',
    taskQueue,
    activities,
    workflowBundle: { codePath: process.env.BENCH_BASELINE_BUNDLE! },
    // the same options as createOpsdeskWorker, everything else at the SDK's defaults
    shutdownGraceTime: '20s',
  });
  const running = worker.run();
  serveRpc({
    ...profileHandlers,
    memory: () => process.memoryUsage(),
    shutdown: async () => {
      worker.shutdown();
      await running;
      await connection.close();
      setImmediate(() => process.exit(0));
    },
  });
  running.catch((error: unknown) => {
    console.error('[bench baseline worker] stopped with an error:', error);
    process.exit(1);
  });
  emitEvent('ready', { taskQueue });
}

main().catch((error: unknown) => {
  console.error('[bench baseline worker] could not start:', error);
  process.exit(1);
});
