import type { WorkflowHandle } from '@temporalio/client';
import { formatJstEn } from '../../workflows/shared/jst';
import { earliestMaintenanceDate, maintenanceTooSoon } from '../../workflows/shared/maintenance';
import {
  DAY_MS, HOUR_MS, addDays, addOneMonth, jstDate, jstInstant, referenceBusinessDay, rejectionOf, startTimeSkippingSystem, type TimeSkippingSystem,
} from '../support/time-skipping';

const GENERAL_AFFAIRS = ['soumu@example.lg.jp', 'ga1@example.lg.jp'];
const TAX_DEPARTMENT = 'zeimu@example.lg.jp';

/** Ids of the Updates the server accepted (written to history as WorkflowExecutionUpdateAccepted). */
async function acceptedUpdateIds(handle: WorkflowHandle): Promise<string[]> {
  const history = await handle.fetchHistory();
  return (history.events ?? []).flatMap((e) => {
    const accepted = e.workflowExecutionUpdateAcceptedEventAttributes;
    return accepted ? [accepted.acceptedRequest?.meta?.updateId ?? accepted.protocolInstanceId ?? ''] : [];
  });
}

describe('R-SCHED-1: maintenance that stops a service is agreed at least one month before the work date', () => {
  let sys: TimeSkippingSystem;

  beforeAll(async () => {
    sys = await startTimeSkippingSystem();
  });
  afterEach(async () => {
    await sys.terminateAll();
  });
  afterAll(async () => {
    await sys?.close();
  });

  test('R-SCHED-1: confirming a service-stopping plan one day short of a month is refused by the validator (nothing in history); exactly one month (same day-of-month, JST) is accepted, the due becomes plannedEnd, notices reach the department on confirmation, a week before and a day before', async () => {
    // Confirmed at 07:50 JST, whose UTC date is the day before, and windows at 22:00 and 00:30 JST,
    // whose UTC dates differ too: the rule holds in Japan time on both sides.
    const day0 = await sys.nextJst('07:30', (d) => referenceBusinessDay(d) && Number(d.slice(8)) <= 28);
    const confirmDay = jstDate(day0);
    const oneMonth = addOneMonth(confirmDay);
    expect(oneMonth.slice(8)).toBe(confirmDay.slice(8));
    const at = (ymd: string, hhmm: string) => jstInstant(`${ymd}T${hhmm}`);

    await sys.advanceTo(day0);
    const handle = await sys.startWorkRequest({
      type: 'network.change', subject: 'コアスイッチのファームウェア更新（計画停止）',
      params: { device: 'sw-core01', change: 'ファームウェアを最新版へ更新（再起動を伴う）', reason: '公開された脆弱性への対応' },
    });
    await sys.complete(handle, 'accept_request', sys.actors.ga1, 'accepted');
    const accepted = await sys.waitForState(handle, (s) => !!s.sla, 'a running SLA');
    const number = accepted.caseNumber!;

    const tooSoon = { start: at(addDays(oneMonth, -1), '22:00'), end: at(oneMonth, '02:00') };
    await sys.advanceTo(at(confirmDay, '07:40'));
    await sys.complete(handle, 'plan_work', sys.actors.op1, 'planned', {
      plannedStart: tooSoon.start.toISOString(), plannedEnd: tooSoon.end.toISOString(), content: 'コアスイッチのファームウェア更新（停止を伴う）', stopsService: true,
    });
    await sys.advanceTo(at(confirmDay, '07:50'));
    const refused = await rejectionOf(sys.complete(handle, 'confirm_plan', sys.actors.ga1, 'confirmed', undefined, undefined, 'confirm-too-soon'));
    expect(refused.type).toBe('OpsdeskConflict');
    expect(refused.message).toContain('R-SCHED-1');
    expect(refused.message).toContain(`the earliest start is ${oneMonth}`);
    // A rejected Update leaves no trace: not in history, not on the record, the task still open.
    expect(await acceptedUpdateIds(handle)).not.toContain('confirm-too-soon');
    const afterRefusal = await sys.state(handle);
    expect(afterRefusal.openTasks.map((t) => t.type)).toEqual(['confirm_plan']);
    expect(afterRefusal.workPlan!.approvedBy).toBeUndefined();
    const refusedTimeline = await sys.timeline(accepted.caseId!);
    expect(refusedTimeline.filter((e) => e.kind === 'task_completed').map((e) => e.data!.type)).toEqual(['accept_request', 'plan_work']);

    // Revised to start exactly one month after the confirmation day.
    await sys.complete(handle, 'confirm_plan', sys.actors.ga1, 'revise', undefined, '作業開始を1箇月後以降にしてください');
    const window = { start: at(oneMonth, '00:30'), end: at(oneMonth, '04:30') };
    expect(jstDate(new Date(window.start.toISOString().slice(0, 10)))).not.toBe(oneMonth); // its UTC date is the day before
    await sys.complete(handle, 'plan_work', sys.actors.op1, 'planned', {
      plannedStart: window.start.toISOString(), plannedEnd: window.end.toISOString(), content: 'コアスイッチのファームウェア更新（停止を伴う）', stopsService: true,
    });
    await sys.complete(handle, 'confirm_plan', sys.actors.ga1, 'confirmed', undefined, undefined, 'confirm-one-month');
    expect(await acceptedUpdateIds(handle)).toContain('confirm-one-month');

    const confirmed = await sys.waitForState(handle, (s) => s.sla?.dueAt === window.end.toISOString(), 'the due moved to plannedEnd');
    expect(confirmed.workPlan).toMatchObject({ stopsService: true, approvedBy: sys.actors.ga1.displayName, plannedStart: window.start.toISOString() });
    expect(confirmed.sla!.originalDueAt).toBe(accepted.sla!.dueAt);
    await sys.settle(handle);
    expect((await sys.record(accepted.caseId!)).dueAt).toEqual(window.end);
    expect((await sys.searchAttributes(handle)).OpsDueAt).toEqual(window.end);

    const onConfirmation = await sys.waitForMail(number, 'maintenance-confirmed');
    expect(onConfirmation.subject).toContain('サービス停止を伴う作業のお知らせ');
    expect(onConfirmation.to).toEqual([TAX_DEPARTMENT]);
    expect(onConfirmation.cc).toEqual(GENERAL_AFFAIRS);
    expect(onConfirmation.text).toContain(formatJstEn(window.start.toISOString()).replace(' JST', ''));

    // A fixed maintenance window is not moved by a hold waiting for the requester.
    await sys.advanceTo(at(confirmDay, '10:00'));
    expect((await sys.hold(handle, sys.actors.op1, 'requester', '停止時間帯を所管課と調整中')).sla).toMatchObject({ paused: false, dueAt: window.end.toISOString() });
    await sys.advanceTo(at(confirmDay, '15:00'));
    expect((await sys.resume(handle, sys.actors.op1, '調整済み')).sla).toMatchObject({ pausedSeconds: 0, dueAt: window.end.toISOString() });

    for (const [name, before] of [['maintenance-week_before', 7 * DAY_MS], ['maintenance-day_before', DAY_MS]] as const) {
      const instant = new Date(window.start.getTime() - before);
      await sys.advanceTo(new Date(instant.getTime() - 1_000));
      await sys.settle(handle);
      expect(sys.mails(number, name)).toHaveLength(0);
      await sys.advanceTo(instant);
      const notice = await sys.waitForMail(number, name);
      expect(notice.to).toEqual([TAX_DEPARTMENT]);
      expect(notice.cc).toEqual(GENERAL_AFFAIRS);
      expect(notice.text).toContain(formatJstEn(window.start.toISOString()).replace(' JST', ''));
    }
    await sys.settle(handle);
    expect(sys.mails(number).filter((m) => m.to.includes(TAX_DEPARTMENT) && m.subject.includes('サービス停止を伴う作業のお知らせ'))).toHaveLength(3);

    // The work starts at the planned time; the SLA is due at the window's end, not breached before.
    await sys.advanceTo(window.start);
    await sys.openTask(handle, 'execute_work');
    const started = await sys.state(handle);
    expect(started.sla).toMatchObject({ breached: false, dueAt: window.end.toISOString() });
    await sys.advanceTo(new Date(window.start.getTime() + HOUR_MS));
    await sys.complete(handle, 'execute_work', sys.actors.op1, 'done', { result: 'ファームウェア更新完了' });
    await sys.complete(handle, 'verify_work', sys.actors.op1, 'ok');
    await sys.advanceTo(new Date(window.end.getTime() + DAY_MS));
    await sys.settle(handle);
    expect((await sys.state(handle)).sla).toMatchObject({ breached: false });
    expect(sys.mails(number, 'sla-breach')).toHaveLength(0);
  });

  test('R-SCHED-1: a plan that does not stop a service may be confirmed for any date (no one-month rule)', async () => {
    const day0 = await sys.nextJst('10:00', (d) => referenceBusinessDay(d) && referenceBusinessDay(addDays(d, 1)));
    await sys.advanceTo(day0);
    const handle = await sys.startWorkRequest();
    await sys.complete(handle, 'accept_request', sys.actors.ga1, 'accepted');
    const start = jstInstant(`${addDays(jstDate(day0), 1)}T10:00`);
    await sys.complete(handle, 'plan_work', sys.actors.op1, 'planned', {
      plannedStart: start.toISOString(), plannedEnd: new Date(start.getTime() + HOUR_MS).toISOString(), content: 'メモリ増設（無停止）', stopsService: false,
    });
    await sys.complete(handle, 'confirm_plan', sys.actors.ga1, 'confirmed');
    const state = await sys.waitForState(handle, (s) => !!s.workPlan?.approvedBy, 'a confirmed plan');
    expect(state.sla!.dueAt).toBe(state.sla!.originalDueAt);
    await sys.settle(handle);
    expect(sys.mails(state.caseNumber!).filter((m) => m.subject.includes('サービス停止を伴う作業のお知らせ'))).toHaveLength(0);
  });

  test('R-SCHED-1: one month is a calendar month in Japan time, clamped to the end of a shorter month', () => {
    // Pure rule (no clock): confirmed late on 31 January JST (still 31 Jan in UTC) and early on
    // 1 March JST (28 February in UTC).
    expect(earliestMaintenanceDate('2027-01-31T14:00:00Z')).toBe('2027-02-28');
    expect(earliestMaintenanceDate('2028-01-31T14:00:00Z')).toBe('2028-02-29');
    expect(earliestMaintenanceDate('2027-02-28T23:30:00Z')).toBe('2027-04-01');
    expect(earliestMaintenanceDate('2027-12-15T01:00:00Z')).toBe('2028-01-15');
    expect(maintenanceTooSoon('2027-04-14T15:00:00Z', '2027-03-15T01:00:00Z')).toBeNull(); // 15 Apr 00:00 JST
    expect(maintenanceTooSoon('2027-04-14T14:59:59Z', '2027-03-15T01:00:00Z')).toBe('2027-04-15'); // 14 Apr 23:59:59 JST
  });
});
