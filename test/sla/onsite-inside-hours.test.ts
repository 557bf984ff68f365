import { formatJstEn } from '../../workflows/shared/jst';
import { HOUR_MS, MINUTE_MS, jstDate, jstInstant, mailKey, referenceBusinessDay, startTimeSkippingSystem, weekdayOf, type TimeSkippingSystem } from '../support/time-skipping';

const GENERAL_AFFAIRS = ['soumu@example.lg.jp', 'ga1@example.lg.jp'];
const OPERATORS = ['op1@ops-contractor.example.jp', 'op2@ops-contractor.example.jp'];

describe('R-SLA-1: a fault detected inside reception hours is due on site within 2 hours', () => {
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

  test('R-SLA-1: detected Tue 10:00 JST → due 12:00; notices at 11:00 (50 %) and 11:30 (75 %), breach at 12:00 mailed to general affairs and operators, OpsBreached=true', async () => {
    const detected = await sys.nextJst('10:00', (d) => weekdayOf(d) === 2 && referenceBusinessDay(d));
    const at = (hhmm: string) => jstInstant(`${jstDate(detected)}T${hhmm}`);
    await sys.advanceTo(detected);
    const handle = await sys.startIncident({ detectedAt: detected.toISOString(), severity: 'major' });
    const started = await sys.state(handle);
    const number = started.caseNumber!;
    expect(started.sla).toMatchObject({ kind: 'onsite', startAt: detected.toISOString(), dueAt: at('12:00').toISOString(), breached: false, warningsSent: [] });
    const received = await sys.waitForMail(number, 'received');
    expect(received.text).toContain(formatJstEn(at('12:00').toISOString()));
    expect(sys.calendar.isWithinReceptionHours(detected)).toBe(true);

    // Nothing before the 50 % point, the notice exactly at 11:00.
    await sys.advanceTo(new Date(at('11:00').getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(number, 'sla-50')).toHaveLength(0);
    await sys.advanceTo(at('11:00'));
    const half = await sys.waitForMail(number, 'sla-50');
    expect(half.subject).toContain('SLA期限の50%が経過しました');
    expect(half.to).toEqual(OPERATORS);
    expect(half.cc).toEqual(GENERAL_AFFAIRS);
    expect(half.text).toContain(formatJstEn(at('12:00').toISOString()));

    await sys.advanceTo(new Date(at('11:30').getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(number, 'sla-75')).toHaveLength(0);
    await sys.advanceTo(at('11:30'));
    const threeQuarters = await sys.waitForMail(number, 'sla-75');
    expect(threeQuarters.subject).toContain('SLA期限の75%が経過しました');

    await sys.advanceTo(new Date(at('12:00').getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(number, 'sla-breach')).toHaveLength(0);
    expect((await sys.searchAttributes(handle)).OpsBreached).toBe(false);
    await sys.advanceTo(at('12:00'));
    const breach = await sys.waitForMail(number, 'sla-breach');
    await sys.settle(handle);
    expect(breach.subject).toContain('SLA期限を超過しました');
    expect(breach.to).toEqual([...GENERAL_AFFAIRS, ...OPERATORS]);
    expect(breach.text).toContain(formatJstEn(at('12:00').toISOString()));

    const state = await sys.state(handle);
    expect(state.sla).toMatchObject({ warningsSent: [50, 75], breached: true, breachedAt: at('12:00').toISOString(), stoppedAt: null });
    expect(state.status).toBe('received');
    const attributes = await sys.searchAttributes(handle);
    expect(attributes.OpsBreached).toBe(true);
    expect(attributes.OpsDueAt).toEqual(at('12:00'));
    const record = await sys.record(state.caseId!);
    expect(record.breached).toBe(true);
    expect(record.dueAt).toEqual(at('12:00'));

    // The timeline has each step once, at its instant (workflow time), with the exact checkpoint.
    const timeline = await sys.timeline(state.caseId!);
    const sla = timeline.filter((e) => e.kind === 'sla_warning' || e.kind === 'sla_breach');
    expect(sla.map((e) => [e.kind, e.data])).toEqual([
      ['sla_warning', { percent: 50, at: at('11:00').toISOString() }],
      ['sla_warning', { percent: 75, at: at('11:30').toISOString() }],
      ['sla_breach', { percent: 100, at: at('12:00').toISOString() }],
    ]);
    for (const [entry, hhmm] of sla.map((e, i) => [e, ['11:00', '11:30', '12:00'][i]] as const)) {
      expect(entry.at.getTime() - at(hhmm).getTime()).toBeGreaterThanOrEqual(0);
      expect(entry.at.getTime() - at(hhmm).getTime()).toBeLessThan(5_000);
    }
    const emails = timeline.filter((e) => e.kind === 'email').map((e) => e.data!.template);
    expect(emails.filter((t) => t === 'sla.warning')).toHaveLength(2);
    expect(emails.filter((t) => t === 'sla.breach')).toHaveLength(1);

    // Nothing more after the breach, however long nobody comes.
    await sys.advanceBy(6 * HOUR_MS);
    await sys.settle(handle);
    expect(sys.mails(number).map(mailKey).filter((key) => /\.sla-/.test(key))).toHaveLength(3);
  });

  test('R-SLA-1: acknowledging (on site) before the 50 % point stops the clock: no notice and no breach afterwards', async () => {
    const detected = await sys.nextJst('13:00', (d) => referenceBusinessDay(d));
    await sys.advanceTo(detected);
    const handle = await sys.startIncident({ detectedAt: detected.toISOString(), severity: 'critical', hostname: 'esx01' });
    const { caseNumber, caseId } = await sys.state(handle);
    expect((await sys.state(handle)).sla!.dueAt).toBe(new Date(detected.getTime() + 2 * HOUR_MS).toISOString());
    // A critical incident inside hours needs no out-of-hours consultation.
    expect((await sys.state(handle)).openTasks.map((t) => t.type)).toEqual(['acknowledge']);

    await sys.advanceTo(new Date(detected.getTime() + 59 * MINUTE_MS));
    await sys.complete(handle, 'acknowledge', sys.actors.op1, 'on_site');
    const acknowledged = await sys.state(handle);
    expect(acknowledged.status).toBe('in_progress');
    expect(acknowledged.sla!.stoppedAt).not.toBeNull();
    expect(Date.parse(acknowledged.sla!.stoppedAt!) - (detected.getTime() + 59 * MINUTE_MS)).toBeLessThan(5_000);

    await sys.advanceTo(new Date(detected.getTime() + 4 * HOUR_MS));
    await sys.settle(handle);
    const state = await sys.state(handle);
    expect(state.sla).toMatchObject({ warningsSent: [], breached: false, breachedAt: null });
    expect(sys.mails(caseNumber!).map(mailKey).filter((key) => /\.sla-/.test(key))).toEqual([]);
    expect(sys.mails(caseNumber!, 'received')).toHaveLength(1);
    const timeline = await sys.timeline(caseId!);
    expect(timeline.filter((e) => e.kind === 'sla_warning' || e.kind === 'sla_breach')).toEqual([]);
    expect((await sys.searchAttributes(handle)).OpsBreached).toBe(false);
    expect((await sys.record(caseId!)).breached).toBe(false);
  });
});
