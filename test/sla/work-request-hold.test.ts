import { WorkflowUpdateStage, type WorkflowHandle } from '@temporalio/client';
import {
  addDays, isNationalHoliday, jstDate, jstInstant, mailKey, referenceBusinessDay, rejectionOf, referenceNthBusinessDayAfter, startTimeSkippingSystem, weekdayOf,
  type TimeSkippingSystem,
} from '../support/time-skipping';
import { resumeCase, type CaseStateView } from '../../workflows/shared/messages';

const FRIDAY = 5;

/**
 * R-SLA-3 with holds: only a hold that waits for the requester pauses the clock, and a resume
 * pushes the due time (and every notice) back by exactly the business seconds the hold lasted.
 */
describe('R-SLA-3: holds waiting for the requester pause the work-request SLA by exactly the paused business seconds', () => {
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

  const at = (ymd: string, hhmm: string) => jstInstant(`${ymd}T${hhmm}`);
  /** A business day D (at `hhmm`) whose next `following` business days are consecutive weekdays. */
  const businessRun = (hhmm: string, following: number) =>
    sys.nextJst(hhmm, (d) => [0, ...Array.from({ length: following }, (_, i) => i + 1)].every((n) => referenceBusinessDay(addDays(d, n))));

  async function acceptAt(instant: Date): Promise<{ handle: WorkflowHandle; state: CaseStateView }> {
    await sys.advanceTo(new Date(instant.getTime() - 5 * 60_000));
    const handle = await sys.startWorkRequest();
    await sys.advanceTo(instant);
    await sys.complete(handle, 'accept_request', sys.actors.ga1, 'accepted');
    const state = await sys.waitForState(handle, (s) => !!s.sla, 'a running SLA');
    return { handle, state };
  }

  async function holdAt(handle: WorkflowHandle, instant: Date, waitingFor: 'requester' | 'vendor' | 'other' = 'requester') {
    await sys.advanceTo(instant);
    const held = await sys.hold(handle, sys.actors.op1, waitingFor, waitingFor === 'requester' ? '依頼元へ対象VM名を確認中' : '回答待ち');
    expect(held.status).toBe('on_hold');
    return held;
  }

  async function resumeAt(handle: WorkflowHandle, instant: Date) {
    await sys.advanceTo(instant);
    const resumed = await sys.resume(handle, sys.actors.op1, '回答を受領');
    expect(resumed.status).toBe('in_progress');
    expect(resumed.sla!.paused).toBe(false);
    return resumed;
  }

  /** The due time as the SLA defines it: the whole business time plus the paused seconds, from the start. */
  function expectedDue(state: CaseStateView): string {
    const sla = state.sla!;
    const total = sys.calendar.businessSecondsBetween(sla.startAt, sla.originalDueAt);
    return sys.calendar.addBusinessSeconds(sla.startAt, total + sla.pausedSeconds).toISOString();
  }

  function checkpoint(state: CaseStateView, percent: number): Date {
    const sla = state.sla!;
    const total = sys.calendar.businessSecondsBetween(sla.startAt, sla.originalDueAt);
    return sys.calendar.addBusinessSeconds(sla.startAt, (total * percent) / 100 + sla.pausedSeconds);
  }

  async function expectDueEverywhere(handle: WorkflowHandle, state: CaseStateView) {
    await sys.settle(handle);
    expect((await sys.record(state.caseId!)).dueAt!.toISOString()).toBe(state.sla!.dueAt);
    expect(((await sys.searchAttributes(handle)).OpsDueAt as Date).toISOString()).toBe(state.sla!.dueAt);
  }

  test('R-SLA-3: held across a night (17:00 → 09:00 next business day) pauses 2 700 business seconds; the due and the 50 % notice move by exactly that', async () => {
    const d0 = await businessRun('10:00', 4);
    const day = (n: number) => addDays(jstDate(d0), n);
    const { handle, state } = await acceptAt(d0);
    const originalDue = state.sla!.dueAt;
    expect(originalDue).toBe(at(day(3), '17:15').toISOString());
    const unshifted50 = checkpoint(state, 50); // 10:00 D0 + 60 300 s → D2 09:15
    expect(Math.abs(unshifted50.getTime() - at(day(2), '09:15').getTime())).toBeLessThan(2_000);

    const held = await holdAt(handle, at(day(0), '17:00'));
    expect(held.sla).toMatchObject({ paused: true, dueAt: originalDue, pausedSeconds: 0 });
    expect(Date.parse(held.sla!.pausedSince!) - at(day(0), '17:00').getTime()).toBeLessThan(2_000);
    await sys.settle(handle);
    expect((await sys.searchAttributes(handle)).OpsStatus).toBe('on_hold');
    // Nobody completes a task while the case is on hold.
    const refused = await rejectionOf(sys.complete(handle, 'plan_work', sys.actors.op1, 'planned', {
      plannedStart: at(day(1), '10:00').toISOString(), plannedEnd: at(day(1), '11:00').toISOString(), content: 'x', stopsService: false,
    }));
    expect(refused).toMatchObject({ type: 'OpsdeskConflict', message: expect.stringContaining('on hold') });

    const resumed = await resumeAt(handle, at(day(1), '09:00'));
    expect(Math.abs(resumed.sla!.pausedSeconds - 2_700)).toBeLessThan(1);
    expect(resumed.sla!.dueAt).toBe(expectedDue(resumed));
    expect(Math.abs(Date.parse(resumed.sla!.dueAt) - at(day(4), '09:15').getTime())).toBeLessThan(1_000); // 17:15 D3 + 45 min of business time
    expect(resumed.sla!.originalDueAt).toBe(originalDue);
    await expectDueEverywhere(handle, resumed);
    const resumeEntry = (await sys.timeline(state.caseId!)).find((e) => e.kind === 'resume')!;
    expect((resumeEntry.data!.sla as any).pausedSeconds).toBe(resumed.sla!.pausedSeconds);

    // The 50 % notice is not sent at its old instant, but 45 business minutes later.
    const shifted50 = checkpoint(resumed, 50);
    expect(Math.abs(shifted50.getTime() - at(day(2), '10:00').getTime())).toBeLessThan(2_000);
    await sys.advanceTo(new Date(shifted50.getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(state.caseNumber!, 'sla-50')).toHaveLength(0);
    await sys.advanceTo(shifted50);
    await sys.waitForMail(state.caseNumber!, 'sla-50');
    await sys.settle(handle);
    expect((await sys.timeline(state.caseId!)).find((e) => e.kind === 'sla_warning')!.data).toEqual({ percent: 50, at: shifted50.toISOString() });
  });

  test('R-SLA-3: a requester hold spanning the 50 % point: no notice while on hold, the notice comes after the resume at the shifted instant', async () => {
    const d0 = await businessRun('09:00', 4);
    const day = (n: number) => addDays(jstDate(d0), n);
    const { handle, state } = await acceptAt(d0);
    const unshifted50 = checkpoint(state, 50); // 09:00 D0 + 62 100 s → D2 08:45
    expect(Math.abs(unshifted50.getTime() - at(day(2), '08:45').getTime())).toBeLessThan(2_000);

    await holdAt(handle, at(day(1), '16:00'));
    await sys.advanceTo(at(day(2), '09:59'));
    await sys.settle(handle);
    expect(sys.mails(state.caseNumber!, 'sla-50')).toHaveLength(0);
    expect((await sys.state(handle)).sla!.warningsSent).toEqual([]);

    const resumed = await resumeAt(handle, at(day(2), '10:00'));
    expect(Math.abs(resumed.sla!.pausedSeconds - 9_900)).toBeLessThan(1); // 16:00–17:15 + 08:30–10:00
    expect(resumed.sla!.dueAt).toBe(expectedDue(resumed));
    const shifted50 = checkpoint(resumed, 50); // 62 100 + 9 900 = 72 000 s → D2 11:30
    expect(Math.abs(shifted50.getTime() - at(day(2), '11:30').getTime())).toBeLessThan(2_000);
    await sys.advanceTo(new Date(shifted50.getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(state.caseNumber!, 'sla-50')).toHaveLength(0);
    await sys.advanceTo(shifted50);
    await sys.waitForMail(state.caseNumber!, 'sla-50');
  });

  test('R-SLA-3: held across a national holiday: only the reception hours of business days count as paused', async () => {
    const eve = await sys.nextJst('09:00', (d) => referenceBusinessDay(d) && isNationalHoliday(addDays(d, 1)) && weekdayOf(addDays(d, 1)) <= FRIDAY);
    const after = referenceNthBusinessDayAfter(jstDate(eve), 1);
    const { handle, state } = await acceptAt(eve);
    const originalDue = state.sla!.dueAt;
    expect(originalDue).toBe(at(referenceNthBusinessDayAfter(jstDate(eve), 3), '17:15').toISOString());

    await holdAt(handle, at(jstDate(eve), '16:00'));
    const resumed = await resumeAt(handle, at(after, '10:00'));
    // 16:00–17:15 on the eve (4 500 s) + 08:30–10:00 after the holiday (5 400 s); the holiday (and
    // any weekend next to it) adds nothing.
    expect(Math.abs(resumed.sla!.pausedSeconds - 9_900)).toBeLessThan(1);
    expect(resumed.sla!.dueAt).toBe(expectedDue(resumed));
    expect(resumed.sla!.dueAt).toBe(sys.calendar.addBusinessSeconds(originalDue, resumed.sla!.pausedSeconds).toISOString());
    await expectDueEverywhere(handle, resumed);
  });

  test('R-SLA-3: held twice (10:00–11:30, then 15:00 → 08:45 next business day): the paused seconds add up exactly', async () => {
    const d0 = await businessRun('09:00', 4);
    const day = (n: number) => addDays(jstDate(d0), n);
    const { handle } = await acceptAt(d0);

    await holdAt(handle, at(day(0), '10:00'));
    const first = await resumeAt(handle, at(day(0), '11:30'));
    expect(Math.abs(first.sla!.pausedSeconds - 5_400)).toBeLessThan(1);
    expect(first.sla!.dueAt).toBe(expectedDue(first));

    await holdAt(handle, at(day(0), '15:00'));
    const second = await resumeAt(handle, at(day(1), '08:45'));
    expect(Math.abs(second.sla!.pausedSeconds - 14_400)).toBeLessThan(1); // 5 400 + 8 100 + 900
    expect(second.sla!.dueAt).toBe(expectedDue(second));
    expect(Math.abs(Date.parse(second.sla!.dueAt) - at(day(4), '12:30').getTime())).toBeLessThan(1_000); // 17:15 D3 + 4 h of business time
    await expectDueEverywhere(handle, second);
    const timeline = await sys.timeline(second.caseId!);
    expect(timeline.filter((e) => e.kind === 'hold')).toHaveLength(2);
    expect(timeline.filter((e) => e.kind === 'resume')).toHaveLength(2);
  });

  test('R-SLA-3: a requester hold entirely outside reception hours (Friday 18:00 → Monday 08:00) pauses nothing and leaves the due untouched', async () => {
    const friday = await sys.nextJst('10:00', (d) => weekdayOf(d) === FRIDAY && referenceBusinessDay(d));
    const { handle, state } = await acceptAt(friday);
    await holdAt(handle, at(jstDate(friday), '18:00'));
    const resumed = await resumeAt(handle, at(referenceNthBusinessDayAfter(jstDate(friday), 1), '08:00'));
    expect(resumed.sla!.pausedSeconds).toBe(0);
    expect(resumed.sla!.dueAt).toBe(state.sla!.dueAt);
  });

  test('R-SLA-3: a hold waiting for the vendor or for someone else does not pause: notices still come while on hold, the due does not move', async () => {
    const d0 = await businessRun('09:00', 4);
    const day = (n: number) => addDays(jstDate(d0), n);
    const { handle, state } = await acceptAt(d0);
    const originalDue = state.sla!.dueAt;
    const fifty = checkpoint(state, 50); // D2 08:45

    const vendorHold = await holdAt(handle, at(day(0), '10:00'), 'vendor');
    expect(vendorHold.sla).toMatchObject({ paused: false, pausedSince: null });
    await sys.advanceTo(fifty);
    await sys.waitForMail(state.caseNumber!, 'sla-50');
    await sys.settle(handle);
    expect((await sys.state(handle)).status).toBe('on_hold');
    const afterVendor = await resumeAt(handle, at(day(2), '12:00'));
    expect(afterVendor.sla).toMatchObject({ pausedSeconds: 0, dueAt: originalDue });

    const otherHold = await holdAt(handle, at(day(2), '13:00'), 'other');
    expect(otherHold.sla!.paused).toBe(false);
    const afterOther = await resumeAt(handle, at(day(2), '15:00'));
    expect(afterOther.sla).toMatchObject({ pausedSeconds: 0, dueAt: originalDue });
    await expectDueEverywhere(handle, afterOther);
    expect(sys.mails(state.caseNumber!).map(mailKey).filter((k) => /\.sla-/.test(k))).toHaveLength(1);
  });

  test('R-SLA-3: a requester hold right after a resume (while the resume is still being applied) pauses the clock again', async () => {
    const d0 = await businessRun('09:00', 1);
    const day = (n: number) => addDays(jstDate(d0), n);
    const { handle } = await acceptAt(d0);
    await holdAt(handle, at(day(0), '10:00'));
    await sys.advanceTo(at(day(0), '11:00'));
    // Resumed, and at once held again (two people, or an API client that does both): the second
    // hold reaches the workflow while the resume is still computing the paused seconds.
    const resuming = await handle.startUpdate(resumeCase, { args: [{ actor: sys.actors.op1, reason: '回答を受領' }], waitForStage: WorkflowUpdateStage.ACCEPTED });
    await sys.hold(handle, sys.actors.ga1, 'requester', '追加の確認事項あり');
    await resuming.result();
    await sys.settle(handle);
    const held = await sys.state(handle);
    expect(held.status).toBe('on_hold');
    expect(Math.abs(held.sla!.pausedSeconds - 3_600)).toBeLessThan(1);
    // On hold for the requester, so the clock must be paused.
    expect(held.sla!.paused).toBe(true);

    const resumed = await resumeAt(handle, at(day(0), '15:00'));
    expect(Math.abs(resumed.sla!.pausedSeconds - 18_000)).toBeLessThan(2); // 10:00–11:00 + 11:00–15:00
    expect(resumed.sla!.dueAt).toBe(expectedDue(resumed));
  });

  test('R-SLA-3: a requester hold after the breach does not move the due time past the recorded breach', async () => {
    const d0 = await businessRun('09:00', 4);
    const day = (n: number) => addDays(jstDate(d0), n);
    const { handle, state } = await acceptAt(d0);
    const due = state.sla!.dueAt;
    await sys.advanceTo(due);
    await sys.waitForMail(state.caseNumber!, 'sla-breach');
    await sys.settle(handle);
    await holdAt(handle, at(referenceNthBusinessDayAfter(day(3), 1), '09:00'));
    const resumed = await resumeAt(handle, at(referenceNthBusinessDayAfter(day(3), 1), '15:00'));
    expect(resumed.sla).toMatchObject({ breached: true, breachedAt: due });
    // The breach is a fact: a later hold cannot make the case due after it was breached.
    expect(resumed.sla!.dueAt).toBe(due);
    expect(Date.parse(resumed.sla!.dueAt)).toBeLessThanOrEqual(Date.parse(resumed.sla!.breachedAt!));
  });
});
