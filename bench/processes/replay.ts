/**
 * Replays histories in a process of its own (section 6), so that nothing else the bench does
 * shares its CPU, and so that `--cpu-prof` covers the replay worker's threads too.
 */
import { temporal } from '@temporalio/proto';
import { DefaultLogger, Runtime, Worker } from '@temporalio/worker';
import { readFileSync } from 'node:fs';
import { setReplayStackTraces } from '../../src/audit-history/replay-stack-traces';
import { emitEvent, serveRpc } from '../lib/rpc';

interface ReplayArgs {
  historyFile: string;
  workflowId: string;
  bundle: string;
  /** One runReplayHistory call each. */
  rounds: number;
  /** Then `batches` times, `batchSize` copies in one runReplayHistories call. */
  batches: number;
  batchSize: number;
  /** false: without the SDK's workflow stack-trace promise hook, as opsdesk's own replays run (src/audit-history/replay-stack-traces.ts). */
  stackTraces: boolean;
}

async function replay(args: ReplayArgs): Promise<{ warmUpMs: number; singleMs: number[]; perHistoryInBatchMs: number[] }> {
  if (!setReplayStackTraces(args.stackTraces)) throw new Error('the SDK\'s stack-trace hook cannot be switched in this SDK version');
  const history = temporal.api.history.v1.History.decode(readFileSync(args.historyFile));
  const options = { workflowBundle: { codePath: args.bundle }, replayName: 'opsdesk-bench' };
  const once = async () => {
    const t0 = performance.now();
    await Worker.runReplayHistory(options, history, args.workflowId);
    return performance.now() - t0;
  };
  const warmUpMs = await once();
  const singleMs: number[] = [];
  for (let i = 0; i < args.rounds; i++) singleMs.push(await once());
  const perHistoryInBatchMs: number[] = [];
  for (let b = 0; b < args.batches; b++) {
    const histories = Array.from({ length: args.batchSize }, () => ({ history, workflowId: args.workflowId }));
    const t0 = performance.now();
    for await (const result of Worker.runReplayHistories(options, histories as never)) {
      if (result.error) throw result.error;
    }
    perHistoryInBatchMs.push((performance.now() - t0) / args.batchSize);
  }
  return { warmUpMs, singleMs, perHistoryInBatchMs };
}

Runtime.install({ logger: new DefaultLogger('WARN') });
serveRpc({
  replay,
  shutdown: () => setImmediate(() => process.exit(0)),
});
emitEvent('ready', {});
