import { formatJstEn } from '../../workflows/shared/jst';
import {
  addDays, holidayName, isNationalHoliday, jstDate, jstInstant, referenceBusinessDay, referenceNthBusinessDayAfter, startTimeSkippingSystem, weekdayOf,
  type TimeSkippingSystem,
} from '../support/time-skipping';

const GENERAL_AFFAIRS = ['soumu@example.lg.jp', 'ga1@example.lg.jp'];
const OPERATORS = ['op1@ops-contractor.example.jp', 'op2@ops-contractor.example.jp'];
const FRIDAY = 5;
const SATURDAY = 6;

/** R-SLA-2: due at 10:30 on the day of the next business opening. */
const dueNextBusinessDay = (ymd: string) => jstInstant(`${referenceNthBusinessDayAfter(ymd, 1)}T10:30`);

describe('R-SLA-2: a fault detected outside reception hours is responded to on the next business day (10:30)', () => {
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

  async function detectAt(detected: Date, severity: 'critical' | 'major' = 'major') {
    await sys.advanceTo(detected);
    const handle = await sys.startIncident({ detectedAt: detected.toISOString(), severity });
    const state = await sys.state(handle);
    expect(sys.calendar.isWithinReceptionHours(detected)).toBe(false);
    return { handle, state };
  }

  test('R-SLA-2: detected Friday 18:00 → due Monday 10:30; the breach fires then, not before', async () => {
    const friday = await sys.nextJst('18:00', (d) => weekdayOf(d) === FRIDAY && referenceBusinessDay(d) && referenceBusinessDay(addDays(d, 3)));
    const monday = addDays(jstDate(friday), 3);
    const { handle, state } = await detectAt(friday);
    const due = jstInstant(`${monday}T10:30`);
    expect(state.sla).toMatchObject({ kind: 'onsite', startAt: friday.toISOString(), dueAt: due.toISOString() });
    expect(state.openTasks.map((t) => t.type)).toEqual(['acknowledge']);
    expect(state.openTasks[0].dueAt).toBe(due.toISOString());
    const received = await sys.waitForMail(state.caseNumber!, 'received');
    expect(received.text).toContain(formatJstEn(due.toISOString()));

    await sys.advanceTo(new Date(due.getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(state.caseNumber!, 'sla-breach')).toHaveLength(0);
    await sys.advanceTo(due);
    const breach = await sys.waitForMail(state.caseNumber!, 'sla-breach');
    expect(breach.to).toEqual([...GENERAL_AFFAIRS, ...OPERATORS]);
    await sys.settle(handle);
    expect((await sys.state(handle)).sla).toMatchObject({ breached: true, breachedAt: due.toISOString() });
    expect((await sys.searchAttributes(handle)).OpsBreached).toBe(true);
  });

  test('R-SLA-2: detected Friday 18:00 before a Monday national holiday (a real long weekend of the dataset) → due Tuesday 10:30', async () => {
    const friday = await sys.nextJst('18:00', (d) =>
      weekdayOf(d) === FRIDAY && referenceBusinessDay(d) && isNationalHoliday(addDays(d, 3)) && referenceBusinessDay(addDays(d, 4)),
    );
    const holiday = addDays(jstDate(friday), 3);
    expect(holidayName(holiday)).toBeTruthy();
    expect(sys.calendar.describeDay(holiday)).toMatchObject({ kind: 'national_holiday' });
    const { state } = await detectAt(friday);
    expect(state.sla!.dueAt).toBe(jstInstant(`${addDays(holiday, 1)}T10:30`).toISOString());
  });

  test('R-SLA-2: detected on a Saturday afternoon → due 10:30 on the next business day', async () => {
    const saturday = await sys.nextJst('14:00', (d) => weekdayOf(d) === SATURDAY);
    const { state } = await detectAt(saturday);
    expect(state.sla!.dueAt).toBe(dueNextBusinessDay(jstDate(saturday)).toISOString());
    expect(weekdayOf(jstDate(new Date(state.sla!.dueAt)))).not.toBe(0);
  });

  test('R-SLA-2: detected at 11:00 on a weekday national holiday → due 10:30 on the next business day', async () => {
    const holiday = await sys.nextJst('11:00', (d) => isNationalHoliday(d) && weekdayOf(d) >= 1 && weekdayOf(d) <= 5);
    expect(sys.calendar.describeDay(jstDate(holiday))).toMatchObject({ kind: 'national_holiday' });
    const { state } = await detectAt(holiday);
    expect(state.sla!.dueAt).toBe(dueNextBusinessDay(jstDate(holiday)).toISOString());
    expect(jstDate(new Date(state.sla!.dueAt))).not.toBe(jstDate(holiday));
  });

  test('R-SLA-2: detected at 07:00 on a business day (before opening) → due 10:30 the same day', async () => {
    const early = await sys.nextJst('07:00', (d) => referenceBusinessDay(d));
    const { state } = await detectAt(early);
    expect(state.sla!.dueAt).toBe(jstInstant(`${jstDate(early)}T10:30`).toISOString());
  });

  test('R-SLA-2: detected at 17:15 sharp (the reception has closed) → due 10:30 on the next business day', async () => {
    const closing = await sys.nextJst('17:15', (d) => referenceBusinessDay(d));
    const { state } = await detectAt(closing);
    expect(state.sla!.dueAt).toBe(dueNextBusinessDay(jstDate(closing)).toISOString());
  });

  test('R-SLA-2: a critical fault outside hours opens an urgent_consultation task for general affairs and mails them; a non-critical one does not', async () => {
    const evening = await sys.nextJst('20:00', (d) => referenceBusinessDay(d));
    const critical = await detectAt(evening, 'critical');
    const withTasks = await sys.waitForState(critical.handle, (s) => s.openTasks.length === 2, 'two open tasks');
    const consultation = withTasks.openTasks.find((t) => t.type === 'urgent_consultation');
    expect(consultation).toMatchObject({ assigneeRole: 'general_affairs', allowedOutcomes: ['respond_now', 'next_business_day'] });
    const urgent = await sys.waitForMail(critical.state.caseNumber!, 'urgent');
    expect(urgent.subject).toContain('時間外の緊急障害');
    expect(urgent.to).toEqual(GENERAL_AFFAIRS);
    expect(urgent.cc).toEqual(OPERATORS);
    const opened = (await sys.timeline(critical.state.caseId!)).filter((e) => e.kind === 'task_opened').map((e) => e.data!.type);
    expect(opened).toEqual(['urgent_consultation', 'acknowledge']);
    // General affairs decides; an operator may not.
    await expect(sys.complete(critical.handle, 'urgent_consultation', sys.actors.op1, 'respond_now')).rejects.toThrow();
    await sys.complete(critical.handle, 'urgent_consultation', sys.actors.ga1, 'respond_now');
    expect((await sys.state(critical.handle)).openTasks.map((t) => t.type)).toEqual(['acknowledge']);

    const major = await detectAt(new Date(evening.getTime() + 60_000), 'major');
    await sys.settle(major.handle);
    expect((await sys.state(major.handle)).openTasks.map((t) => t.type)).toEqual(['acknowledge']);
    expect(sys.mails(major.state.caseNumber!, 'urgent')).toHaveLength(0);
    expect(sys.mails(major.state.caseNumber!, 'received')).toHaveLength(1);
  });
});
