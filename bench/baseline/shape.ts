/**
 * The shape of one incident's history, copied by the baseline workflow: how many activities run
 * (and how many side by side) before the first Update and around each Update, and the timers.
 * Pure data, shared by the workflow bundle and the bench.
 */
export interface SegmentShape {
  /** Activity batches run while the Update is in flight (before its UpdateCompleted event); each number is how many run side by side. */
  beforeReturn: number[];
  /** Batches after the Update completed, before the next one is accepted (segment 0: before the first Update). */
  afterReturn: number[];
  /** Timers started in this segment, by duration in ms. */
  timersStarted: number[];
  /** How many running timers this segment cancels (oldest first). */
  timersCancelled: number;
}

export interface BaselineShape {
  /** segments[0] runs at start; segments[i] belongs to Update i. */
  segments: SegmentShape[];
  /** Signals delivered with the start (signal-with-start), as the alert intake does. */
  signalWithStart: boolean;
}

export const BASELINE_WORKFLOW = 'baselineWorkflow';
export const BASELINE_UPDATE = 'step';
export const BASELINE_SIGNAL = 'poke';

export function countShape(shape: BaselineShape): { activities: number; updates: number; timers: number; timersCancelled: number } {
  let activities = 0;
  let timers = 0;
  let timersCancelled = 0;
  for (const s of shape.segments) {
    activities += [...s.beforeReturn, ...s.afterReturn].reduce((a, b) => a + b, 0);
    timers += s.timersStarted.length;
    timersCancelled += s.timersCancelled;
  }
  return { activities, updates: shape.segments.length - 1, timers, timersCancelled };
}
