import type { WorkflowHandle } from '@temporalio/client';
import { formatJstEn } from '../../workflows/shared/jst';
import {
  DAY_MS, HOUR_MS, addDays, holidayName, isNationalHoliday, jstDate, jstInstant, referenceBusinessDay, referenceNthBusinessDayAfter,
  mailKey, startTimeSkippingSystem, weekdayOf, type TimeSkippingSystem,
} from '../support/time-skipping';
import type { CaseStateView } from '../../workflows/shared/messages';

const GENERAL_AFFAIRS = ['soumu@example.lg.jp', 'ga1@example.lg.jp'];
const OPERATORS = ['op1@ops-contractor.example.jp', 'op2@ops-contractor.example.jp'];
const MONDAY = 1;
const FRIDAY = 5;

describe('R-SLA-3: a work request is complete by 17:15 on the 3rd business day after its receipt', () => {
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

  /** Submitted a little earlier; general affairs accepts it at `acceptAt` (the receipt). */
  async function acceptAt(acceptAt: Date): Promise<{ handle: WorkflowHandle; state: CaseStateView }> {
    await sys.advanceTo(new Date(acceptAt.getTime() - 5 * 60_000));
    const handle = await sys.startWorkRequest();
    await sys.advanceTo(acceptAt);
    await sys.complete(handle, 'accept_request', sys.actors.ga1, 'accepted');
    const state = await sys.waitForState(handle, (s) => !!s.sla, 'a running SLA');
    expect(state.sla!.kind).toBe('resolution');
    // The receipt is the acceptance, at the instant it happened (give or take the worker's milliseconds).
    expect(Date.parse(state.sla!.startAt) - acceptAt.getTime()).toBeGreaterThanOrEqual(0);
    expect(Date.parse(state.sla!.startAt) - acceptAt.getTime()).toBeLessThan(2_000);
    return { handle, state };
  }

  /** The instant of `percent` % as the SLA defines it: business seconds from the start, exact. */
  function checkpoint(state: CaseStateView, percent: number): Date {
    const sla = state.sla!;
    const total = sys.calendar.businessSecondsBetween(sla.startAt, sla.originalDueAt);
    return sys.calendar.addBusinessSeconds(sla.startAt, (total * percent) / 100 + sla.pausedSeconds);
  }

  test('R-SLA-3: accepted Friday 16:00 → due Wednesday 17:15 (3rd business day, no holiday); the due is on the record, the search attribute and the acceptance e-mail', async () => {
    const friday = await sys.nextJst('16:00', (d) => weekdayOf(d) === FRIDAY && [0, 3, 4, 5].every((n) => referenceBusinessDay(addDays(d, n))));
    const { handle, state } = await acceptAt(friday);
    const wednesday = jstInstant(`${addDays(jstDate(friday), 5)}T17:15`);
    expect(state.sla!.dueAt).toBe(wednesday.toISOString());
    expect(sys.calendar.deadline(friday, 3)).toEqual(wednesday);
    expect(state.status).toBe('in_progress');

    const accepted = await sys.waitForMail(state.caseNumber!, 'accepted');
    expect(accepted.to).toEqual(OPERATORS);
    expect(accepted.cc).toEqual(['dept1@example.lg.jp']);
    expect(accepted.text).toContain(formatJstEn(wednesday.toISOString()));
    await sys.settle(handle);
    expect((await sys.record(state.caseId!)).dueAt).toEqual(wednesday);
    expect((await sys.searchAttributes(handle)).OpsDueAt).toEqual(wednesday);
  });

  test('R-SLA-3: accepted the business day before a weekday national holiday → the holiday does not count', async () => {
    const eve = await sys.nextJst('10:00', (d) => referenceBusinessDay(d) && isNationalHoliday(addDays(d, 1)) && weekdayOf(addDays(d, 1)) <= FRIDAY);
    const holiday = addDays(jstDate(eve), 1);
    expect(holidayName(holiday)).toBeTruthy();
    const { state } = await acceptAt(eve);
    const expected = referenceNthBusinessDayAfter(jstDate(eve), 3);
    expect(state.sla!.dueAt).toBe(jstInstant(`${expected}T17:15`).toISOString());
    // Three business days, but more calendar days than the holiday-free count would give.
    const weekdaysOnly = [1, 2, 3, 4, 5, 6, 7].map((n) => addDays(jstDate(eve), n)).filter((d) => weekdayOf(d) >= 1 && weekdayOf(d) <= 5);
    expect(expected > weekdaysOnly[2]).toBe(true);
  });

  test('R-SLA-3: accepted on the last business day before the year-end closing (29 Dec – 3 Jan) → due in January, the closing days do not count', async () => {
    const lastBeforeClosing = await sys.nextJst('10:00', (d) => referenceBusinessDay(d) && d.slice(5) >= '12-01' && referenceNthBusinessDayAfter(d, 1) > `${d.slice(0, 4)}-12-31`);
    const ymd = jstDate(lastBeforeClosing);
    expect(sys.calendar.nextBusinessDay(ymd).slice(5) >= '01-04').toBe(true);
    const { state } = await acceptAt(lastBeforeClosing);
    const expected = referenceNthBusinessDayAfter(ymd, 3);
    expect(expected.slice(5) >= '01-04').toBe(true);
    expect(state.sla!.dueAt).toBe(jstInstant(`${expected}T17:15`).toISOString());
    for (const closed of ['12-29', '12-30', '12-31', '01-01', '01-02', '01-03']) {
      const year = closed.startsWith('12') ? ymd.slice(0, 4) : String(Number(ymd.slice(0, 4)) + 1);
      expect(sys.calendar.isBusinessDay(`${year}-${closed}`)).toBe(false);
    }
  });

  test('R-SLA-3: 50 % / 75 % notices in business time and the breach at 100 %, never held: accepted Mon 08:25 (the clock starts at 08:30) → due Thu 17:15, 50 % Tue 17:15, 75 % Wed 17:15', async () => {
    // The calendar counts the receipt day as day 0 (README, R-HOURS-1), so a receipt on Monday
    // morning is due Thursday 17:15: 4 × 8 h 45 min = 126 000 business seconds. 50 % ends Tuesday's
    // reception exactly (17:15 — not Wednesday 08:30), 75 % ends Wednesday's. Accepted before
    // opening, the clock starts at 08:30:00.000 sharp, so every instant is exact.
    const monday = await sys.nextJst('08:25', (d) => weekdayOf(d) === MONDAY && [0, 1, 2, 3].every((n) => referenceBusinessDay(addDays(d, n))));
    const { handle, state } = await acceptAt(monday);
    const day = (n: number, hhmm: string) => jstInstant(`${addDays(jstDate(monday), n)}T${hhmm}`);
    const number = state.caseNumber!;
    expect(state.sla!.dueAt).toBe(day(3, '17:15').toISOString());
    expect(sys.calendar.businessSecondsBetween(state.sla!.startAt, state.sla!.dueAt)).toBe(126_000);

    const steps: Array<[string, number, Date]> = [['sla-50', 50, day(1, '17:15')], ['sla-75', 75, day(2, '17:15')], ['sla-breach', 100, day(3, '17:15')]];
    for (const [name, percent, instant] of steps) {
      expect(checkpoint(state, percent)).toEqual(instant);
      await sys.advanceTo(new Date(instant.getTime() - 1_000));
      await sys.settle(handle);
      expect(sys.mails(number, name)).toHaveLength(0);
      await sys.advanceTo(instant);
      const mail = await sys.waitForMail(number, name);
      if (percent < 100) {
        expect(mail.to).toEqual(OPERATORS);
        expect(mail.cc).toEqual(GENERAL_AFFAIRS);
        expect(mail.subject).toContain(`SLA期限の${percent}%が経過しました`);
      } else {
        expect(mail.to).toEqual([...GENERAL_AFFAIRS, ...OPERATORS]);
      }
      expect(mail.text).toContain(formatJstEn(day(3, '17:15').toISOString()));
    }
    await sys.settle(handle);
    const breached = await sys.state(handle);
    expect(breached.sla).toMatchObject({ warningsSent: [50, 75], breached: true, breachedAt: day(3, '17:15').toISOString(), pausedSeconds: 0 });
    expect((await sys.searchAttributes(handle)).OpsBreached).toBe(true);
    expect((await sys.record(state.caseId!)).breached).toBe(true);
    const timeline = await sys.timeline(state.caseId!);
    expect(timeline.filter((e) => e.kind === 'sla_warning' || e.kind === 'sla_breach').map((e) => e.data)).toEqual([
      { percent: 50, at: day(1, '17:15').toISOString() },
      { percent: 75, at: day(2, '17:15').toISOString() },
      { percent: 100, at: day(3, '17:15').toISOString() },
    ]);
  });

  test('R-SLA-3: notices mid-day: accepted Mon 13:00 → due Thu 17:15, 50 % at Wed 10:45, 75 % at Thu 09:37:30 (business time)', async () => {
    // 13:00 Mon → 17:15 Thu = 4 h 15 min + 3 × 8 h 45 min = 109 800 s; 50 % = 54 900 s, 75 % = 82 350 s.
    const monday = await sys.nextJst('13:00', (d) => weekdayOf(d) === MONDAY && [0, 1, 2, 3].every((n) => referenceBusinessDay(addDays(d, n))));
    const { handle, state } = await acceptAt(monday);
    const day = (n: number, hhmm: string) => jstInstant(`${addDays(jstDate(monday), n)}T${hhmm}`);
    const number = state.caseNumber!;
    expect(state.sla!.dueAt).toBe(day(3, '17:15').toISOString());
    for (const [name, percent, nominal] of [['sla-50', 50, day(2, '10:45')], ['sla-75', 75, day(3, '09:37:30')]] as const) {
      const exact = checkpoint(state, percent);
      // The acceptance happened a few milliseconds after 13:00: the notice moves by half (three quarters) of them.
      expect(Math.abs(exact.getTime() - nominal.getTime())).toBeLessThan(2_000);
      await sys.advanceTo(new Date(exact.getTime() - 1_000));
      await sys.settle(handle);
      expect(sys.mails(number, name)).toHaveLength(0);
      await sys.advanceTo(exact);
      await sys.waitForMail(number, name);
      await sys.settle(handle);
      expect((await sys.timeline(state.caseId!)).find((e) => e.kind === 'sla_warning' && e.data!.percent === percent)!.data!.at).toBe(exact.toISOString());
    }
  });

  test('R-SLA-3: the clock stops when verify_work is OK; no notice or breach afterwards', async () => {
    const day0 = await sys.nextJst('10:00', (d) => [0, 1, 2, 3].every((n) => referenceBusinessDay(addDays(d, n))));
    const { handle, state } = await acceptAt(day0);
    const number = state.caseNumber!;
    const plannedStart = jstInstant(`${addDays(jstDate(day0), 1)}T10:00`);
    await sys.complete(handle, 'plan_work', sys.actors.op1, 'planned', {
      plannedStart: plannedStart.toISOString(), plannedEnd: new Date(plannedStart.getTime() + 2 * HOUR_MS).toISOString(), content: 'メモリを32GiBへ増設', stopsService: false,
    });
    await sys.complete(handle, 'confirm_plan', sys.actors.ga1, 'confirmed');
    await sys.advanceTo(plannedStart);
    await sys.openTask(handle, 'execute_work');
    await sys.advanceTo(new Date(plannedStart.getTime() + HOUR_MS));
    await sys.complete(handle, 'execute_work', sys.actors.op1, 'done', { result: 'メモリ増設完了、OS上で32GiBを確認' });
    await sys.complete(handle, 'verify_work', sys.actors.op1, 'ok');
    const stopped = await sys.waitForState(handle, (s) => !!s.sla?.stoppedAt, 'a stopped SLA');
    expect(Date.parse(stopped.sla!.stoppedAt!) - (plannedStart.getTime() + HOUR_MS)).toBeLessThan(5_000);
    expect(stopped.sla!.warningsSent).toEqual([]);
    expect(stopped.openTasks.map((t) => t.type)).toEqual(['request_department_verification']);

    await sys.advanceTo(new Date(Date.parse(state.sla!.dueAt) + 2 * DAY_MS));
    await sys.settle(handle);
    const later = await sys.state(handle);
    expect(later.sla).toMatchObject({ breached: false, breachedAt: null, warningsSent: [] });
    expect(sys.mails(number).map(mailKey).filter((key) => /\.sla-/.test(key))).toEqual([]);
    const timeline = await sys.timeline(state.caseId!);
    expect(timeline.some((e) => e.kind === 'sla_warning' || e.kind === 'sla_breach')).toBe(false);
    expect(timeline.some((e) => e.messageEn === 'Work done: the SLA clock stopped')).toBe(true);
    expect((await sys.searchAttributes(handle)).OpsBreached).toBe(false);
  });
});
