/**
 * Reads a completed incident's history: counts its events by type and derives the shape the
 * baseline workflow copies (activities per Update, side by side or not, and the timers).
 */
import type { temporal } from '@temporalio/proto';
import { temporal as proto } from '@temporalio/proto';
import type { BaselineShape, SegmentShape } from '../baseline/shape';

type History = temporal.api.history.v1.IHistory;
const EventType = proto.api.enums.v1.EventType;

export interface HistoryCounts {
  events: number;
  workflowTasks: number;
  activities: number;
  timersStarted: number;
  timersFired: number;
  timersCancelled: number;
  updatesAccepted: number;
  signals: number;
  searchAttributeUpserts: number;
  byType: Record<string, number>;
}

export function countHistory(history: History): HistoryCounts {
  const byType: Record<string, number> = {};
  for (const event of history.events ?? []) {
    const name = EventType[event.eventType ?? 0]?.replace(/^EVENT_TYPE_/, '') ?? String(event.eventType);
    byType[name] = (byType[name] ?? 0) + 1;
  }
  return {
    events: history.events?.length ?? 0,
    workflowTasks: byType.WORKFLOW_TASK_COMPLETED ?? 0,
    activities: byType.ACTIVITY_TASK_SCHEDULED ?? 0,
    timersStarted: byType.TIMER_STARTED ?? 0,
    timersFired: byType.TIMER_FIRED ?? 0,
    timersCancelled: byType.TIMER_CANCELED ?? 0,
    updatesAccepted: byType.WORKFLOW_EXECUTION_UPDATE_ACCEPTED ?? 0,
    signals: byType.WORKFLOW_EXECUTION_SIGNALED ?? 0,
    searchAttributeUpserts: byType.UPSERT_WORKFLOW_SEARCH_ATTRIBUTES ?? 0,
    byType,
  };
}

function durationMs(duration: temporal.api.history.v1.ITimerStartedEventAttributes['startToFireTimeout']): number {
  if (!duration) return 0;
  const seconds = typeof duration.seconds === 'number' ? duration.seconds : Number(duration.seconds?.toString() ?? 0);
  return Math.round(seconds * 1000 + (duration.nanos ?? 0) / 1e6);
}

/**
 * Segment 0 is everything before the first accepted Update; segment i starts at Update i's
 * acceptance. Activities scheduled by one workflow task completion form one batch (they ran side
 * by side); a batch scheduled before Update i's UpdateCompleted event is part of its round trip.
 */
export function shapeOf(history: History): BaselineShape {
  const emptySegment = (): SegmentShape => ({ beforeReturn: [], afterReturn: [], timersStarted: [], timersCancelled: 0 });
  const segments: SegmentShape[] = [emptySegment()];
  let phase: 'beforeReturn' | 'afterReturn' = 'afterReturn';
  let lastBatchKey: string | null = null;
  let lastBatchWft: string | null = null;
  let currentWft: string | null = null;
  let signalWithStart = false;
  const events = history.events ?? [];

  for (const [index, event] of events.entries()) {
    const segment = segments[segments.length - 1];
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_SIGNALED:
        // Signal-with-start puts the signal right after the start event.
        if (index <= 2) signalWithStart = true;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED:
        segments.push(emptySegment());
        phase = 'beforeReturn';
        lastBatchKey = null;
        break;
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED:
        currentWft = event.eventId?.toString() ?? String(index);
        break;
      case EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED:
        // Activities scheduled by the same workflow task that completed the Update ran after the caller had its answer.
        if (lastBatchWft === currentWft && phase === 'beforeReturn' && segment.beforeReturn.length) segment.afterReturn.push(segment.beforeReturn.pop()!);
        phase = 'afterReturn';
        lastBatchKey = null;
        break;
      case EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED: {
        const wft = event.activityTaskScheduledEventAttributes?.workflowTaskCompletedEventId?.toString() ?? String(index);
        const key = `${phase}:${wft}`;
        const batches = segment[phase];
        if (key === lastBatchKey && batches.length) batches[batches.length - 1] += 1;
        else batches.push(1);
        lastBatchKey = key;
        lastBatchWft = wft;
        break;
      }
      case EventType.EVENT_TYPE_TIMER_STARTED: {
        const attrs = event.timerStartedEventAttributes;
        segment.timersStarted.push(durationMs(attrs?.startToFireTimeout));
        break;
      }
      case EventType.EVENT_TYPE_TIMER_CANCELED:
        segment.timersCancelled += 1;
        break;
      default:
        break;
    }
  }
  return { segments, signalWithStart };
}

const millis = (t: { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined): number => {
  if (!t) return NaN;
  const seconds = typeof t.seconds === 'number' ? t.seconds : (t.seconds?.toNumber() ?? 0);
  return seconds * 1000 + (t.nanos ?? 0) / 1e6;
};

/** Where the time went from the start of a workflow to the completion of its first activity of a type, from the history's event times. */
export interface PathBreakdown {
  /** WorkflowExecutionStarted → the activity completed. */
  totalMs: number;
  /** Workflow tasks: scheduled → started (waiting for the worker to poll them). */
  workflowTaskQueueMs: number;
  /** Workflow tasks: started → completed (the worker running workflow code, and the round trip). */
  workflowTaskRunMs: number;
  /** Activities: scheduled → started. */
  activityQueueMs: number;
  /** Activities: started → completed (the activity's own work, e.g. database writes, SMTP). */
  activityRunMs: number;
  /** The target activity's own run (e.g. the SMTP conversation of sendCaseMail). */
  targetRunMs: number;
  activities: number;
  workflowTasks: number;
}

type HistoryEvent = temporal.api.history.v1.IHistoryEvent;

/**
 * Adds up workflow-task and activity times from `events[from]` on, until `stop` says an event ends
 * the path (it then gets the breakdown so far and the activity's run time if it was a completion).
 */
function walkPath(events: HistoryEvent[], from: number, stop: (event: HistoryEvent, out: PathBreakdown, activity: { type: string; runMs: number } | null) => boolean): PathBreakdown | null {
  const byId = new Map(events.map((e) => [e.eventId?.toString() ?? '', e]));
  const out: PathBreakdown = { totalMs: 0, workflowTaskQueueMs: 0, workflowTaskRunMs: 0, activityQueueMs: 0, activityRunMs: 0, targetRunMs: 0, activities: 0, workflowTasks: 0 };
  for (const event of events.slice(from)) {
    let activity: { type: string; runMs: number } | null = null;
    switch (event.eventType) {
      case EventType.EVENT_TYPE_WORKFLOW_TASK_STARTED: {
        const scheduled = byId.get(event.workflowTaskStartedEventAttributes?.scheduledEventId?.toString() ?? '');
        if (scheduled) out.workflowTaskQueueMs += millis(event.eventTime) - millis(scheduled.eventTime);
        break;
      }
      case EventType.EVENT_TYPE_WORKFLOW_TASK_COMPLETED: {
        const started = byId.get(event.workflowTaskCompletedEventAttributes?.startedEventId?.toString() ?? '');
        if (started) out.workflowTaskRunMs += millis(event.eventTime) - millis(started.eventTime);
        out.workflowTasks += 1;
        break;
      }
      case EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED: {
        const attrs = event.activityTaskCompletedEventAttributes;
        const scheduled = byId.get(attrs?.scheduledEventId?.toString() ?? '');
        const started = byId.get(attrs?.startedEventId?.toString() ?? '');
        if (!scheduled || !started) break;
        out.activities += 1;
        out.activityQueueMs += millis(started.eventTime) - millis(scheduled.eventTime);
        activity = { type: scheduled.activityTaskScheduledEventAttributes?.activityType?.name ?? '', runMs: millis(event.eventTime) - millis(started.eventTime) };
        out.activityRunMs += activity.runMs;
        break;
      }
      default:
        break;
    }
    if (stop(event, out, activity)) return out;
  }
  return null;
}

export function pathToActivity(history: History, activityType: string): PathBreakdown | null {
  const events = history.events ?? [];
  const start = events.find((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_STARTED);
  if (!start) return null;
  const t0 = millis(start.eventTime);
  return walkPath(events, 0, (event, out, activity) => {
    if (activity?.type !== activityType) return false;
    out.targetRunMs = activity.runMs;
    out.totalMs = millis(event.eventTime) - t0;
    return true;
  });
}

/** Where an Update's round trip went inside the workflow: its first Update, accepted → completed. */
export function pathOfFirstUpdate(history: History): PathBreakdown | null {
  const events = history.events ?? [];
  const acceptedAt = events.findIndex((e) => e.eventType === EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_ACCEPTED);
  if (acceptedAt < 0) return null;
  const t0 = millis(events[acceptedAt].eventTime);
  return walkPath(events, acceptedAt + 1, (event, out) => {
    if (event.eventType !== EventType.EVENT_TYPE_WORKFLOW_EXECUTION_UPDATE_COMPLETED) return false;
    out.totalMs = millis(event.eventTime) - t0;
    return true;
  });
}

/** Each activity before `activityType` completed (that one included), in order: its type and run (started → completed) in ms. */
export function activityRunsUntil(history: History, activityType: string): Array<{ type: string; runMs: number }> {
  const events = history.events ?? [];
  const byId = new Map(events.map((e) => [e.eventId?.toString() ?? '', e]));
  const runs: Array<{ type: string; runMs: number }> = [];
  for (const event of events) {
    if (event.eventType !== EventType.EVENT_TYPE_ACTIVITY_TASK_COMPLETED) continue;
    const attrs = event.activityTaskCompletedEventAttributes;
    const scheduled = byId.get(attrs?.scheduledEventId?.toString() ?? '');
    const started = byId.get(attrs?.startedEventId?.toString() ?? '');
    if (!scheduled || !started) continue;
    const type = scheduled.activityTaskScheduledEventAttributes?.activityType?.name ?? '';
    runs.push({ type, runMs: millis(event.eventTime) - millis(started.eventTime) });
    if (type === activityType) break;
  }
  return runs;
}
