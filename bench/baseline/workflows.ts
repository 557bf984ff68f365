/**
 * The baseline of benchmark section 1: a bare workflow with the same number of activities,
 * timers and Updates as one real incident (their shape is taken from a completed incident's
 * history), whose bodies do nothing. Workflow code: deterministic, bundled on its own.
 */
import { CancellationScope, condition, defineSignal, defineUpdate, isCancellation, proxyActivities, setHandler, sleep } from '@temporalio/workflow';
import type * as activities from './activities';
import { BASELINE_SIGNAL, BASELINE_UPDATE, type BaselineShape } from './shape';

// The same timeout and retry profile as opsdesk's record activities.
const { noop } = proxyActivities<typeof activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const step = defineUpdate<number, [number]>(BASELINE_UPDATE);
export const poke = defineSignal<[unknown]>(BASELINE_SIGNAL);

export async function baselineWorkflow(shape: BaselineShape): Promise<number> {
  const updates = shape.segments.length - 1;
  const timers: CancellationScope[] = [];
  let waitingFor = 0; // the Update the flow waits for (0: still running segment 0)
  let handled = 0;
  let signals = 0;

  const runBatches = async (batches: number[]) => {
    for (const size of batches) await Promise.all(Array.from({ length: size }, () => noop()));
  };
  const timerOps = (index: number) => {
    const segment = shape.segments[index];
    for (let i = 0; i < segment.timersCancelled && timers.length; i++) timers.shift()!.cancel();
    for (const ms of segment.timersStarted) {
      const scope = new CancellationScope();
      timers.push(scope);
      scope.run(() => sleep(ms)).catch((error: unknown) => {
        if (!isCancellation(error)) throw error;
      });
    }
  };

  setHandler(poke, () => void (signals += 1));
  setHandler(step, async (index: number) => {
    // Like a task that is not open yet: the Update waits until the flow is ready for it.
    await condition(() => waitingFor >= index);
    timerOps(index);
    await runBatches(shape.segments[index].beforeReturn);
    handled = index;
    return index;
  }, {
    validator: (index: number) => {
      if (!Number.isInteger(index) || index < 1 || index > updates || index <= handled) throw new Error(`unexpected step ${index}`);
    },
  });

  timerOps(0);
  await runBatches(shape.segments[0].afterReturn);
  for (let index = 1; index <= updates; index++) {
    waitingFor = index;
    await condition(() => handled >= index);
    await runBatches(shape.segments[index].afterReturn);
  }
  return signals;
}
