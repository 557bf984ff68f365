/**
 * Replays workflow histories against the current workflow code (the same bundle a worker would
 * run) and explains a failure in words an auditor can act on. Used by the API, the audit CLI,
 * the capture script and the CI replay test.
 */
import { Worker, type ReplayWorkerOptions } from '@temporalio/worker';
import { bundleOpsdeskWorkflows } from '../worker/workflow-bundle';
import { formatJstEn, formatJstJa } from '../../workflows/shared/jst';
import { attributesOf, decodePayloads, durationMs, eventId, eventTypeName, pick, summarize, text, type JsonHistory, type JsonPayloads } from './history-json';
import { readableTimeline } from './history-timeline';
import { historyFromJson } from './proto-json';
import { setReplayStackTraces } from './replay-stack-traces';

export type WorkflowBundleSource = { codePath: string } | { code: string };

let cachedBundle: Promise<WorkflowBundleSource> | undefined;

const quiet = () => undefined;
const quietLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: (message: string) => console.error(message) };

/**
 * The current workflow code, bundled once per process on first use (webpack takes a few
 * seconds). OPSDESK_WORKFLOW_BUNDLE (or the tests' OPSDESK_TEST_WORKFLOW_BUNDLE) names an
 * already built bundle instead.
 */
export function currentWorkflowBundle(): Promise<WorkflowBundleSource> {
  const prebuilt = process.env.OPSDESK_WORKFLOW_BUNDLE || process.env.OPSDESK_TEST_WORKFLOW_BUNDLE;
  if (prebuilt) return Promise.resolve({ codePath: prebuilt });
  cachedBundle ??= bundleOpsdeskWorkflows(quietLogger)
    .then((code): WorkflowBundleSource => ({ code }))
    .catch((error: unknown) => {
      cachedBundle = undefined;
      throw error;
    });
  return cachedBundle;
}

export interface ReplayInput {
  history: JsonHistory;
  /** Histories do not carry the workflow id; the workflow code may read it. */
  workflowId: string;
}

export interface ReplayProblem {
  kind: 'nondeterminism' | 'workflow_task_failure' | 'internal';
  /** The history event where the code and the history part ways, when the SDK names it. */
  eventId: number | null;
  eventType: string | null;
  eventTime: string | null;
  /** What the history says happened there, and what the current code did instead. */
  historyDid: { ja: string; en: string } | null;
  codeDid: { ja: string; en: string } | null;
  /** The whole finding in two sentences: where, what, what it means and what to do. */
  ja: string;
  en: string;
  /** The SDK's own message, for the developers. */
  sdkMessage: string;
}

export interface ReplayOutcome {
  ok: boolean;
  workflowId: string;
  runId: string | null;
  workflowType: string;
  eventCount: number;
  durationMs: number;
  problem?: ReplayProblem;
}

/**
 * Replays each history in one replay worker (far faster than a worker per history) and yields
 * one outcome per history, in order.
 */
export async function* replayHistories(inputs: Iterable<ReplayInput> | AsyncIterable<ReplayInput>, bundle?: WorkflowBundleSource): AsyncGenerator<ReplayOutcome> {
  const source = bundle ?? (await currentWorkflowBundle());
  // A replay answers no __stack_trace query: without the SDK's promise hook it needs about a quarter less CPU.
  // OPSDESK_REPLAY_STACK_TRACES=1 keeps the SDK's default (e.g. to debug a replay with source-mapped stacks).
  setReplayStackTraces(process.env.OPSDESK_REPLAY_STACK_TRACES === '1');
  const options: ReplayWorkerOptions = { workflowBundle: source, replayName: 'opsdesk-audit' };
  const pending: ReplayInput[] = [];
  async function* feed() {
    for await (const input of inputs) {
      pending.push(input);
      // Converted here (not by the SDK): see proto-json.ts.
      yield { workflowId: input.workflowId, history: historyFromJson(input.history) };
    }
  }
  let started = Date.now();
  for await (const result of Worker.runReplayHistories(options, feed())) {
    const input = pending.shift()!;
    const summary = summarize(input.history);
    const outcome: ReplayOutcome = {
      ok: !result.error,
      workflowId: input.workflowId,
      runId: result.runId ?? null,
      workflowType: summary.workflowType,
      eventCount: summary.eventCount,
      durationMs: Date.now() - started,
    };
    if (result.error) outcome.problem = explainReplayFailure(result.error, input.history);
    yield outcome;
    started = Date.now();
  }
}

export async function replayHistory(input: ReplayInput, bundle?: WorkflowBundleSource): Promise<ReplayOutcome> {
  const t0 = Date.now();
  for await (const outcome of replayHistories([input], bundle)) return { ...outcome, durationMs: Date.now() - t0 };
  throw new Error('the replay produced no result');
}

const COMMANDS: Record<string, { ja: string; en: string }> = {
  ScheduleActivityTask: { ja: '処理（アクティビティ）の開始', en: 'scheduled an activity' },
  ScheduleActivity: { ja: '処理（アクティビティ）の開始', en: 'scheduled an activity' },
  RequestCancelActivityTask: { ja: '処理の取消', en: 'cancelled an activity' },
  StartTimer: { ja: 'タイマーの開始', en: 'started a timer' },
  CancelTimer: { ja: 'タイマーの取消', en: 'cancelled a timer' },
  CompleteWorkflowExecution: { ja: 'ワークフローの完了', en: 'completed the workflow' },
  FailWorkflowExecution: { ja: 'ワークフローの失敗', en: 'failed the workflow' },
  ContinueAsNewWorkflowExecution: { ja: '新しい実行として継続', en: 'continued as new' },
  RecordMarker: { ja: 'マーカー（patched 等）の記録', en: 'recorded a marker (e.g. a patched() call)' },
  UpsertWorkflowSearchAttributes: { ja: '検索属性の更新', en: 'updated search attributes' },
  StartChildWorkflowExecution: { ja: '子ワークフローの開始', en: 'started a child workflow' },
  SignalExternalWorkflowExecution: { ja: '外部ワークフローへのシグナル', en: 'signalled another workflow' },
  ModifyWorkflowProperties: { ja: 'ワークフロー属性の変更', en: 'modified workflow properties' },
};

/** Core's state machines, named in "<X> machine does not handle this event": what the code asked for. */
const MACHINES: Record<string, { ja: string; en: string }> = {
  Timer: COMMANDS.StartTimer,
  CancelTimer: COMMANDS.CancelTimer,
  Activity: COMMANDS.ScheduleActivityTask,
  LocalActivity: { ja: 'ローカルアクティビティの実行', en: 'ran a local activity' },
  CompleteWorkflow: COMMANDS.CompleteWorkflowExecution,
  FailWorkflow: COMMANDS.FailWorkflowExecution,
  ContinueAsNewWorkflow: COMMANDS.ContinueAsNewWorkflowExecution,
  Patch: { ja: 'patched() の記録', en: 'recorded a patched() marker' },
  UpsertSearchAttributes: COMMANDS.UpsertWorkflowSearchAttributes,
  ChildWorkflow: COMMANDS.StartChildWorkflowExecution,
  SignalExternal: COMMANDS.SignalExternalWorkflowExecution,
  ModifyWorkflowProperties: COMMANDS.ModifyWorkflowProperties,
};

function commandWords(name: string): { ja: string; en: string } {
  const clean = name.replace(/^COMMAND_TYPE_/, '').toLowerCase().replace(/(^|_)([a-z])/g, (_, __: string, c: string) => c.toUpperCase());
  return COMMANDS[name] ?? COMMANDS[clean] ?? { ja: `コマンド ${name}`, en: `issued the command ${name}` };
}

/** What one history event says happened, in both languages. */
function describeEvent(history: JsonHistory, id: number): { ja: string; en: string; type: string; at: string | null } | null {
  const event = history.events.find((e) => eventId(e) === id);
  if (!event) return null;
  const type = eventTypeName(event.eventType);
  const readable = readableTimeline({ events: history.events.slice(0, history.events.indexOf(event) + 3) }).find((r) => r.eventId === id);
  const attrs = attributesOf(event);
  let ja = readable?.ja;
  let en = readable?.en;
  if (!ja || !en) {
    if (event.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') {
      const name = text(pick(attrs, 'activityType', 'name')) ?? '?';
      ja = `処理 ${name} を開始`;
      en = `the workflow scheduled the activity ${name}`;
    } else if (event.eventType === 'EVENT_TYPE_TIMER_STARTED') {
      const ms = durationMs(attrs.startToFireTimeout) ?? 0;
      const deadline = event.eventTime ? new Date(Date.parse(event.eventTime) + ms).toISOString() : '';
      ja = `タイマーを開始（期限 ${formatJstJa(deadline)}）`;
      en = `the workflow started a timer (due ${formatJstEn(deadline)})`;
    } else if (event.eventType === 'EVENT_TYPE_MARKER_RECORDED') {
      ja = `マーカー ${text(attrs.markerName) ?? ''} を記録`;
      en = `the workflow recorded the marker ${text(attrs.markerName) ?? ''}`;
    } else {
      ja = type;
      en = type;
    }
  }
  return { ja, en, type, at: event.eventTime ?? null };
}

const PATCH_ADVICE = {
  ja: 'この案件の実行後にワークフローのコードが変更されています。patched() による分岐が不足しています（変更部分を if (patched(\'<変更ID>\')) で囲み、既存の案件が旧い経路を通れるようにしてください）。',
  en: "This means the workflow code has changed since this case ran; a patch() is missing: wrap the change in if (patched('<change-id>')) so that cases started before it keep the old path.",
};

/** Turns the SDK's replay error into the finding an auditor reads. */
export function explainReplayFailure(error: Error, history: JsonHistory): ReplayProblem {
  const sdkMessage = error.message;
  const nondeterminism = error.name === 'DeterminismViolationError' || /nondetermin/i.test(sdkMessage);
  let id: number | null = null;
  let historyType: string | null = null;
  let codeDid: { ja: string; en: string } | null = null;
  let historyDid: { ja: string; en: string } | null = null;

  const eventMatch = /HistoryEvent\(id: (\d+), (?:Some\()?(\w+)/.exec(sdkMessage);
  if (eventMatch) {
    id = Number(eventMatch[1]);
    historyType = eventMatch[2];
  }
  const commandVsEvent = /Command (\w+) doesn't match event (\w+)/i.exec(sdkMessage);
  if (commandVsEvent) {
    codeDid = commandWords(commandVsEvent[1]);
    historyType ??= commandVsEvent[2];
  }
  const attributeMismatch = /([\w ]+?) (type|id) of (?:scheduled|started) event '([^']*)' does not match [\w ]+? of [\w ]*command '([^']*)'/i.exec(sdkMessage);
  if (attributeMismatch) {
    const [, what, field, inHistory, inCode] = attributeMismatch;
    const whatText = what.replace(/^.*Nondeterminism error: /i, '').trim();
    historyDid = { ja: `${whatText} の ${field} が「${inHistory}」`, en: `${whatText.toLowerCase()} ${field} '${inHistory}'` };
    codeDid = { ja: `${whatText} の ${field}「${inCode}」を指示`, en: `asked for ${whatText.toLowerCase()} ${field} '${inCode}'` };
    if (id === null && /activity/i.test(whatText) && field === 'type') {
      // The SDK does not name the event: the first scheduled activity of the history's type
      // that the code would not have scheduled in that order is the best pointer.
      const scheduled = history.events.filter((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED');
      const candidate = scheduled.find((e) => text(pick(attributesOf(e), 'activityType', 'name')) === inHistory);
      if (candidate) id = eventId(candidate);
    }
  }
  // "Non-deprecated patch marker encountered for change X, but there is no corresponding change command": the run took
  // patched('X')'s new path, and the code reached that point doing something else (or no longer asks patched('X')).
  const patchMarker = /patch marker encountered for change ([\w.:-]+)/i.exec(sdkMessage);
  if (patchMarker) {
    const change = patchMarker[1];
    const details = (e: JsonHistory['events'][number]) => Object.values((attributesOf(e).details ?? {}) as Record<string, JsonPayloads>).flatMap((p) => decodePayloads(p));
    const marker = history.events.find((e) => e.eventType === 'EVENT_TYPE_MARKER_RECORDED' && JSON.stringify(details(e)).includes(change));
    if (marker && id === null) id = eventId(marker);
    historyDid ??= { ja: `patched('${change}') の記録（この変更後の経路で実行された案件）`, en: `the marker of patched('${change}') (the run took that change's new path)` };
    codeDid ??= { ja: `その時点で patched('${change}') を確認せず、別の処理を指示した`, en: `did not ask patched('${change}') at that point and issued another command` };
  }
  if (/No command scheduled for event/i.test(sdkMessage)) {
    codeDid ??= { ja: 'この時点で何も指示しなかった（または別の順序で指示した）', en: 'issued no matching command at that point (it did something else, or nothing)' };
  }
  // "Timer machine does not handle this event: ..." / "UpsertWorkflowSearchAttributesMachine does not handle ...".
  const machine = /(\w+?) ?machine does not handle/i.exec(sdkMessage);
  if (!codeDid && machine) codeDid = MACHINES[machine[1]] ?? COMMANDS[machine[1]] ?? null;
  if (!codeDid && /does not handle this event/i.test(sdkMessage)) {
    codeDid = { ja: '別の種類の処理を指示した', en: 'issued a different kind of command at that point' };
  }

  const event = id !== null ? describeEvent(history, id) : null;
  if (event && !historyDid) historyDid = { ja: event.ja, en: event.en };
  const where = event
    ? { ja: `イベント #${id}（${event.type}、${event.at ? formatJstJa(event.at) : ''}）`, en: `At event #${id} (${event.type}, ${event.at ? formatJstEn(event.at) : ''})` }
    : { ja: '履歴の途中', en: 'Part-way through the history' };

  if (!nondeterminism) {
    return {
      kind: /workflow task failure/i.test(sdkMessage) ? 'workflow_task_failure' : 'internal',
      eventId: id, eventType: event?.type ?? historyType, eventTime: event?.at ?? null, historyDid, codeDid,
      ja: `${where.ja}で、現在のコードが履歴の再生中にエラーを起こしました: ${sdkMessage}`,
      en: `${where.en}, the current code failed while replaying the history: ${sdkMessage}`,
      sdkMessage,
    };
  }
  const did = codeDid ?? { ja: '履歴と異なる処理を指示した', en: 'did something the history does not show' };
  return {
    kind: 'nondeterminism',
    eventId: id,
    eventType: event?.type ?? historyType,
    eventTime: event?.at ?? null,
    historyDid,
    codeDid: did,
    ja: `${where.ja}で、履歴では「${historyDid?.ja ?? historyType ?? '別の処理'}」でしたが、現在のコードは「${did.ja}」を行いました。${PATCH_ADVICE.ja}`,
    en: `${where.en} the history shows ${historyDid?.en ?? historyType ?? 'another step'}, but the current code ${did.en} instead. ${PATCH_ADVICE.en}`,
    sdkMessage,
  };
}
