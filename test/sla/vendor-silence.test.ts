import type { WorkflowHandle } from '@temporalio/client';
import { vendorContacted } from '../../workflows/shared/messages';
import { HOUR_MS, addDays, jstDate, jstInstant, mailKey, referenceBusinessDay, startTimeSkippingSystem, type TimeSkippingSystem } from '../support/time-skipping';

const OPERATORS = ['op1@ops-contractor.example.jp', 'op2@ops-contractor.example.jp'];
const SLACK_MS = 5_000;

describe('R-FLOW-1: while the maker\'s desk is silent, operators are reminded every N business hours', () => {
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

  /** Detected at 09:00, on site 09:10, triage "needs the maker" at 09:20: the silence starts then. */
  async function escalated(day: string): Promise<{ handle: WorkflowHandle; number: string; caseId: string; silentSince: Date }> {
    const detected = jstInstant(`${day}T09:00`);
    await sys.advanceTo(detected);
    const handle = await sys.startIncident({ detectedAt: detected.toISOString(), hostname: 'esx01', severity: 'major', vendorSilenceBusinessHours: 4 });
    const { caseNumber, caseId } = await sys.state(handle);
    await sys.advanceTo(jstInstant(`${day}T09:10`));
    await sys.complete(handle, 'acknowledge', sys.actors.op1, 'on_site');
    const silentSince = jstInstant(`${day}T09:20`);
    await sys.advanceTo(silentSince);
    await sys.complete(handle, 'triage', sys.actors.op1, 'needs_vendor', { findings: 'ESXiホストのメモリ障害（PSOD）', impactScope: '税務・住民記録システム', serviceStopped: false });
    await sys.openTask(handle, 'vendor_repair');
    const request = await sys.waitForMail(caseNumber!, 'vendor-request');
    expect(request.to).toEqual(['hw-support@virt-vendor.example.jp']);
    return { handle, number: caseNumber!, caseId: caseId!, silentSince };
  }

  async function expectNoReminderUntil(handle: WorkflowHandle, number: string, instant: Date, count: number) {
    await sys.advanceTo(instant);
    await sys.settle(handle);
    expect(sys.mails(number).map(mailKey).filter((key) => /\.vendor-silence-\d+\./.test(key))).toHaveLength(count);
  }

  test('R-FLOW-1: a reminder after 4 business hours of silence (09:20 → 13:20), the next 4 business hours later across the night; vendorContacted resets the clock', async () => {
    const day0 = await sys.nextJst('08:00', (d) => [0, 1, 2].every((n) => referenceBusinessDay(addDays(d, n))));
    const d = (n: number) => addDays(jstDate(day0), n);
    const { handle, number, caseId, silentSince } = await escalated(d(0));

    const first = new Date(silentSince.getTime() + 4 * HOUR_MS);
    await expectNoReminderUntil(handle, number, new Date(first.getTime() - SLACK_MS), 0);
    await sys.advanceTo(new Date(first.getTime() + SLACK_MS));
    const reminder = await sys.waitForMail(number, 'vendor-silence-1');
    expect(reminder.subject).toContain('メーカーからの連絡が途絶えています');
    expect(reminder.to).toEqual(OPERATORS);
    expect(reminder.text).toContain('仮想化基盤 ハードウェア保守窓口');
    await sys.settle(handle);
    expect((await sys.timeline(caseId)).filter((e) => e.kind === 'reminder')).toHaveLength(1);

    // No contact: the next reminder is 4 business hours after the first: 13:20 → 17:15 (3 h 55 min)
    // + 5 min the next morning = 08:35.
    const second = jstInstant(`${d(1)}T08:35`);
    await expectNoReminderUntil(handle, number, new Date(second.getTime() - SLACK_MS), 1);
    await sys.advanceTo(new Date(second.getTime() + SLACK_MS));
    await sys.waitForMail(number, 'vendor-silence-2');

    // The maker calls at 10:00: the silence starts again from then, 14:00 is not a reminder any more.
    await sys.advanceTo(jstInstant(`${d(1)}T10:00`));
    await handle.signal(vendorContacted, { at: (await sys.now()).toISOString() });
    await sys.settle(handle);
    // Without the contact the third would be at 08:35 + 4 h = 12:35; with it, at 14:00.
    await expectNoReminderUntil(handle, number, jstInstant(`${d(1)}T13:59`), 2);
    await sys.advanceTo(jstInstant(`${d(1)}T14:00:05`));
    await sys.waitForMail(number, 'vendor-silence-3');

    // Repaired: no reminders any more.
    await sys.complete(handle, 'vendor_repair', sys.actors.op1, 'repaired', { summary: 'メモリモジュール交換' });
    await sys.openTask(handle, 'verify_platform');
    await expectNoReminderUntil(handle, number, jstInstant(`${d(2)}T17:00`), 3);
    expect((await sys.timeline(caseId)).filter((e) => e.kind === 'reminder')).toHaveLength(3);
  });

  test('R-FLOW-1: contact before the first reminder postpones it: no reminder at 13:20 when the maker called at 11:00', async () => {
    const day0 = await sys.nextJst('08:00', (d) => [0, 1].every((n) => referenceBusinessDay(addDays(d, n))));
    const d = (n: number) => addDays(jstDate(day0), n);
    const { handle, number } = await escalated(d(0));
    await sys.advanceTo(jstInstant(`${d(0)}T11:00`));
    await handle.signal(vendorContacted, { at: (await sys.now()).toISOString() });
    await expectNoReminderUntil(handle, number, jstInstant(`${d(0)}T14:59`), 0);
    await sys.advanceTo(jstInstant(`${d(0)}T15:00:05`));
    await sys.waitForMail(number, 'vendor-silence-1');
  });
});
