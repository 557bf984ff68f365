/**
 * The readable account of a history and the replay explanations, on the committed histories
 * (no servers): what an auditor reads must name the timers' deadlines, who completed which task
 * with what outcome, holds, e-mails, and say where and why a replay failed.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentFromJson, eventId, type JsonHistory } from '../../src/audit-history/history-json';
import { readableTimeline } from '../../src/audit-history/history-timeline';
import { historyFromJson, historyToJson } from '../../src/audit-history/proto-json';
import { explainReplayFailure } from '../../src/audit-history/replay';

const load = (name: string): JsonHistory => documentFromJson(readFileSync(join(__dirname, '..', 'histories', `${name}.history.json`), 'utf8').trimEnd()).history;

describe('a readable account of a workflow history (ja/en)', () => {
  test('SLA breach: the SLA timers with their deadlines, the breach e-mail, who arrived on site', () => {
    const steps = readableTimeline(load('incident-sla-breach'));
    const timers = steps.filter((s) => s.kind === 'timer_started');
    expect(timers.length).toBeGreaterThanOrEqual(3);
    for (const t of timers) {
      expect(Date.parse(t.data!.deadline as string) - Date.parse(t.at)).toBe(t.data!.timeoutMs);
      expect(t.ja).toMatch(/^タイマー開始（期限: \d{4}年\d{1,2}月\d{1,2}日\(.\) \d{2}:\d{2}、/);
    }
    const fired = steps.filter((s) => s.kind === 'timer_fired');
    expect(fired.length).toBeGreaterThanOrEqual(3);
    expect(fired[0].en).toMatch(/^Timer fired \(deadline .+ JST, started at event #\d+\)$/);
    const breach = steps.find((s) => s.kind === 'email' && s.data?.template === 'sla.breach')!;
    expect(breach.ja).toContain('SLA期限を超過しました');
    expect(breach.en).toMatch(/^E-mail sent: .+ \(to: .+@.+; .+ JST; Message-ID <.+>\)$/);
    const onSite = steps.find((s) => s.kind === 'task_completed' && s.data?.type === 'acknowledge')!;
    expect(onSite).toMatchObject({ actorUsername: 'op1', actor: '運用 一郎', data: { outcome: 'on_site' } });
    expect(Date.parse(onSite.at)).toBeGreaterThan(Date.parse(breach.at));
    expect(steps.at(-1)).toMatchObject({ kind: 'workflow_closed', data: { status: 'COMPLETED' } });
    // In time order, each step once (one recordCaseEvents activity carries several recorded steps: one event, several keys).
    const ids = steps.map((s) => s.eventId);
    expect(ids).toEqual([...ids].sort((a, b) => a - b));
    const stepKeys = steps.map((s) => `${s.eventId}:${typeof s.data?.key === 'string' ? s.data.key : ''}`);
    expect(stepKeys).toEqual([...new Set(stepKeys)]);
  });

  test('hold and resume, rejections with their reasons, a resubmission, from the Update payloads', () => {
    const held = readableTimeline(load('work-request-completed-hold-resume'));
    expect(held.find((s) => s.kind === 'hold')).toMatchObject({ actorUsername: 'op1', data: { waitingFor: 'requester', reason: '設置場所を確認中' } });
    expect(held.find((s) => s.kind === 'hold')!.ja).toContain('依頼元の回答待ち');
    expect(held.find((s) => s.kind === 'resume')!.en).toBe('Resumed: 回答あり — 運用 一郎 (op1)');
    const returned = readableTimeline(load('work-request-returned-resubmitted-rejected')).filter((s) => s.kind === 'task_completed');
    expect(returned.map((s) => [s.data!.type, s.actorUsername, s.data!.outcome])).toEqual([
      ['accept_request', 'ga1', 'returned'], ['resubmit_request', 'dept1', 'resubmitted'], ['accept_request', 'ga1', 'rejected'],
    ]);
    expect(returned[2].ja).toContain('却下');
    expect(returned[2].ja).toContain('理由: 既存DBで対応可能なため');
  });

  test('alerts (signals: the one that opened the case, a duplicate, the resolution) and the maker’s desk', () => {
    expect(readableTimeline(load('incident-alert-resolved-on-site')).filter((s) => s.kind === 'signal').map((s) => s.en.split(':')[0])).toEqual(['Alert firing', 'Alert firing', 'Alert resolved']);
    const vendor = readableTimeline(load('incident-vendor-escalation-hold-resume'));
    expect(vendor.some((s) => s.kind === 'signal' && s.data?.signal === 'vendorContacted')).toBe(true);
    expect(vendor.some((s) => s.kind === 'email' && s.data?.template === 'incident.vendor_request')).toBe(true);
  });

  test('the JSON form survives a round trip through the History message', () => {
    const history = load('work-request-maintenance');
    expect(JSON.parse(historyToJson(historyFromJson(history)))).toEqual(history);
  });
});

describe('replay failures explained', () => {
  const history = load('incident-rejection-loops');
  const firstActivity = history.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')!;
  const violation = (details: string) => Object.assign(new Error(`Replay failed with a nondeterminism error. Details: ${details}`), { name: 'DeterminismViolationError' });

  test.each([
    [`[TMPRL1100] Nondeterminism error: Timer machine does not handle this event: HistoryEvent(id: ${eventId(firstActivity)}, ActivityTaskScheduled)`, 'started a timer'],
    [`[TMPRL1100] Nondeterminism error: UpsertWorkflowSearchAttributesMachine does not handle HistoryEvent(id: ${eventId(firstActivity)}, ActivityTaskScheduled)`, 'updated search attributes'],
    [`[TMPRL1100] No command scheduled for event HistoryEvent(id: ${eventId(firstActivity)}, Some(ActivityTaskScheduled))`, 'issued no matching command at that point (it did something else, or nothing)'],
  ])('%s', (message, did) => {
    const problem = explainReplayFailure(violation(message), history);
    expect(problem).toMatchObject({ kind: 'nondeterminism', eventId: eventId(firstActivity), eventType: 'ActivityTaskScheduled' });
    expect(problem.en).toContain(`At event #${eventId(firstActivity)} (ActivityTaskScheduled, `);
    expect(problem.en).toContain('the history shows the workflow scheduled the activity lookupAsset');
    expect(problem.en).toContain(`but the current code ${did} instead`);
    expect(problem.en).toContain('the workflow code has changed since this case ran; a patch() is missing');
    expect(problem.ja).toContain(`イベント #${eventId(firstActivity)}`);
  });

  test('an activity of another type: the history’s and the code’s activity named', () => {
    const problem = explainReplayFailure(violation("[TMPRL1100] Nondeterminism error: Activity type of scheduled event 'lookupAsset' does not match activity type of activity command 'sendCaseMail'"), history);
    expect(problem.eventId).toBe(eventId(firstActivity));
    expect(problem.en).toContain("the history shows activity type 'lookupAsset', but the current code asked for activity type 'sendCaseMail' instead");
  });

  test('not a nondeterminism: reported as the failure it is', () => {
    const problem = explainReplayFailure(new Error('Replay failed due workflow task failure. Details: boom'), history);
    expect(problem.kind).toBe('workflow_task_failure');
    expect(problem.en).toContain('boom');
  });
});
