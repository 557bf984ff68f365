import type { WorkflowHandle } from '@temporalio/client';
import { randomUUID } from 'node:crypto';
import { startWorkflow } from '../../src/temporal/typed-workflows';
import type { InquiryInput } from '../../workflows/shared/contracts';
import {
  addDays, isNationalHoliday, jstDate, jstInstant, referenceBusinessDay, startTimeSkippingSystem, type TimeSkippingSystem,
} from '../support/time-skipping';

/**
 * R-DESK-1: the desk acknowledges an inquiry within 30 business minutes (a setting) of receipt,
 * counted in reception hours (08:30–17:15 on business days, R-HOURS-1): the deadline comes from
 * the business-calendar activity, and the breach fires on Temporal's time-skipping server across a
 * night and a national holiday.
 */
describe('R-DESK-1: the desk acknowledgement SLA (business minutes, time-skipping server)', () => {
  let sys: TimeSkippingSystem;
  const handles: WorkflowHandle[] = [];

  beforeAll(async () => {
    sys = await startTimeSkippingSystem();
  });
  afterEach(async () => {
    for (const handle of handles.splice(0)) {
      await sys.settle(handle).catch(() => undefined);
      await handle.terminate('test finished').catch(() => undefined);
    }
    await sys.orm.em.getConnection().execute('delete from desk_setting');
  });
  afterAll(async () => {
    await sys?.close();
  });

  async function receive(at: Date) {
    await sys.advanceTo(at);
    const intakeId = `test-${randomUUID()}`;
    const input: InquiryInput = {
      intakeId, subject: '帳票が出力できない', text: '住民税の帳票が出力できません', channel: 'mail', category: 'fault_report', affected: null,
      asker: { name: '田中 一郎', email: 'tanaka@vendor-a.example.jp', userId: null, departmentId: null, organisation: null }, receivedAt: at.toISOString(), attachments: [],
    };
    const handle = await startWorkflow(sys.client, 'inquiryWorkflow', { workflowId: `inquiry:test:${intakeId}`, taskQueue: sys.taskQueue, args: [input] });
    handles.push(handle);
    const state = await sys.waitForState(handle, (s) => !!s.caseNumber && !!s.sla && s.openTasks.some((t) => t.type === 'inquiry_acknowledge'), 'registered inquiry');
    return { handle, state };
  }

  test('R-DESK-1: received 17:00 on a business day → due 08:45 the next business day (15 minutes tonight, 15 tomorrow); the breach fires then, not during the night', async () => {
    const evening = await sys.nextJst('17:00', (d) => referenceBusinessDay(d) && referenceBusinessDay(addDays(d, 1)));
    const next = addDays(jstDate(evening), 1);
    const { handle, state } = await receive(evening);
    const due = jstInstant(`${next}T08:45`);
    expect(state.sla).toMatchObject({ kind: 'desk', startAt: evening.toISOString(), dueAt: due.toISOString(), breached: false });
    expect(state.openTasks[0].dueAt).toBe(due.toISOString());

    await sys.advanceTo(new Date(due.getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(state.caseNumber!, 'sla-breach')).toHaveLength(0);
    const warnings = (await sys.timeline(state.caseId!)).filter((e) => e.kind === 'sla_warning').map((e) => e.data!.at);
    // 50 % = 15 business minutes = 17:15 today; 75 % = 22.5 minutes = 08:37:30 tomorrow (never at night).
    expect(warnings).toEqual([jstInstant(`${jstDate(evening)}T17:15`).toISOString(), jstInstant(`${next}T08:37:30`).toISOString()]);

    await sys.advanceTo(due);
    const breach = await sys.waitForMail(state.caseNumber!, 'sla-breach');
    expect(breach.to).toEqual(['op1@ops-contractor.example.jp', 'op2@ops-contractor.example.jp']);
    expect(breach.subject).toContain('受付期限を超過した問い合わせ');
    await sys.settle(handle);
    expect((await sys.state(handle)).sla).toMatchObject({ breached: true, breachedAt: due.toISOString() });
    expect((await sys.searchAttributes(handle)).OpsBreached).toBe(true);
    expect((await sys.record(state.caseId!)).breached).toBe(true);
  });

  test('R-DESK-1: received 17:00 before a weekday national holiday → due 08:45 on the business day after the holiday', async () => {
    const evening = await sys.nextJst('17:00', (d) => referenceBusinessDay(d) && isNationalHoliday(addDays(d, 1)) && referenceBusinessDay(addDays(d, 2)));
    const holiday = addDays(jstDate(evening), 1);
    expect(sys.calendar.describeDay(holiday)).toMatchObject({ kind: 'national_holiday' });
    const { handle, state } = await receive(evening);
    const due = jstInstant(`${addDays(holiday, 1)}T08:45`);
    expect(state.sla!.dueAt).toBe(due.toISOString());

    // The whole holiday passes without a breach.
    await sys.advanceTo(jstInstant(`${holiday}T23:59`));
    await sys.settle(handle);
    expect((await sys.state(handle)).sla!.breached).toBe(false);
    await sys.advanceTo(due);
    await sys.waitForMail(state.caseNumber!, 'sla-breach');
  });

  test('R-DESK-1: the minutes are a setting, and an acknowledgement in time stops the clock without a breach', async () => {
    await sys.orm.em.getConnection().execute(`insert into desk_setting (id, ack_business_minutes, max_attachment_bytes, updated_at) values (1, 60, 10485760, now())`);
    const morning = await sys.nextJst('10:00', (d) => referenceBusinessDay(d));
    const { handle, state } = await receive(morning);
    const due = jstInstant(`${jstDate(morning)}T11:00`);
    expect(state.sla!.dueAt).toBe(due.toISOString());
    await sys.advanceTo(new Date(morning.getTime() + 40 * 60_000));
    await sys.complete(handle, 'inquiry_acknowledge', sys.actors.op1, 'acknowledged');
    await sys.advanceTo(new Date(due.getTime() + 3_600_000));
    await sys.settle(handle);
    const after = await sys.state(handle);
    expect(after.status).toBe('in_progress');
    expect(after.sla).toMatchObject({ breached: false, stoppedAt: expect.any(String) });
    expect(sys.mails(state.caseNumber!, 'sla-breach')).toHaveLength(0);
  });
});
