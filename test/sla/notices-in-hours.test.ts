import {
  addDays, jstDate, jstInstant, referenceBusinessDay, startTimeSkippingSystem, weekdayOf, type TimeSkippingSystem,
} from '../support/time-skipping';

const FRIDAY = 5;

/**
 * Issue 22, point 4: when the SLA notices come. The next-day due of an out-of-hours fault
 * (R-SLA-2, 10:30) is measured in reception hours, so its 50 % and 75 % notices come at 09:30 and
 * 10:00 of that morning, never at night; the SLA view says the clock started out of hours.
 */
describe('R-SLA-2: the notices of a next-day due come in reception hours', () => {
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

  test('R-SLA-2: detected Friday 18:00 → the 50 % notice at Monday 09:30 and the 75 % at 10:00 (not about 01:00 at night), the breach at 10:30', async () => {
    const friday = await sys.nextJst('18:00', (d) => weekdayOf(d) === FRIDAY && referenceBusinessDay(d) && referenceBusinessDay(addDays(d, 3)));
    const monday = addDays(jstDate(friday), 3);
    await sys.advanceTo(friday);
    const handle = await sys.startIncident({ detectedAt: friday.toISOString(), severity: 'major' });
    const state = await sys.state(handle);
    const number = state.caseNumber!;
    expect(state.sla).toMatchObject({ kind: 'onsite', dueAt: jstInstant(`${monday}T10:30`).toISOString(), withinReceptionHours: false });

    // The whole weekend and the night pass without a notice.
    await sys.advanceTo(new Date(jstInstant(`${monday}T09:30`).getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(number, 'sla-50')).toHaveLength(0);

    await sys.advanceTo(jstInstant(`${monday}T09:30`));
    await sys.waitForMail(number, 'sla-50');
    await sys.advanceTo(new Date(jstInstant(`${monday}T10:00`).getTime() - 1_000));
    await sys.settle(handle);
    expect(sys.mails(number, 'sla-75')).toHaveLength(0);
    await sys.advanceTo(jstInstant(`${monday}T10:00`));
    await sys.waitForMail(number, 'sla-75');
    await sys.advanceTo(jstInstant(`${monday}T10:30`));
    await sys.waitForMail(number, 'sla-breach');
    await sys.settle(handle);
    expect((await sys.state(handle)).sla).toMatchObject({ warningsSent: [50, 75], breached: true, breachedAt: jstInstant(`${monday}T10:30`).toISOString() });
  });

  test('R-SLA-1: a fault in reception hours keeps the wall-clock 2 hours (its notices follow that clock) and says it started in hours', async () => {
    const at = await sys.nextJst('10:00', (d) => referenceBusinessDay(d));
    await sys.advanceTo(at);
    const handle = await sys.startIncident({ detectedAt: at.toISOString(), severity: 'major' });
    const state = await sys.state(handle);
    expect(state.sla).toMatchObject({ kind: 'onsite', dueAt: new Date(at.getTime() + 2 * 3_600_000).toISOString(), withinReceptionHours: true });
    await sys.advanceTo(new Date(at.getTime() + 3_600_000));
    await sys.waitForMail(state.caseNumber!, 'sla-50');
  });
});
