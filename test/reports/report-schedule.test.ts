import { MikroORM } from '@mikro-orm/postgresql';
import { CalendarService } from '../../src/calendar/calendar.service';
import { loadConfig } from '../../src/config/app-config';
import { ormOptions } from '../../src/database/mikro-orm.config';
import { migrateDatabase } from '../../src/database/migrate';
import { ReportStore } from '../../src/reports/report-store';
import { createTestDatabase } from '../support/databases';

/**
 * What the Schedule's run does on each of the first days of a month (R-RPT-1..5): the business
 * calendar in PostgreSQL (holidays, plus a closing day an admin adds) decides whether it is the
 * first business day; only then is last month's report opened, once.
 */
describe('R-RPT-1..5: the scheduled run opens last month\'s report only on the first business day', () => {
  let orm: MikroORM;
  let store: ReportStore;
  let calendar: CalendarService;

  beforeAll(async () => {
    const url = await createTestDatabase();
    orm = await MikroORM.init(ormOptions(url));
    await migrateDatabase(orm);
    calendar = new CalendarService(orm.em.fork());
    store = new ReportStore(orm.em, calendar, loadConfig({ DATABASE_URL: url, TEMPORAL_WORKFLOW_ID_PREFIX: 'sched-test:' }));
  }, 60_000);
  afterAll(async () => {
    await orm?.close(true);
  });

  test('R-RPT-1..5: Sunday 1 November does nothing; Monday 2 November 09:00 JST opens the October report, once', async () => {
    expect(await store.planScheduled('2026-11-01T00:00:00.000Z')).toEqual({ run: false, month: '2026-10', firstBusinessDay: '2026-11-02', reportId: null, workflowId: null });
    const plan = await store.planScheduled('2026-11-02T00:00:00.000Z');
    expect(plan).toMatchObject({ run: true, month: '2026-10', firstBusinessDay: '2026-11-02', workflowId: 'sched-test:monthly-report:2026-10:r1' });
    expect(await store.planScheduled('2026-11-02T00:00:00.000Z')).toEqual(plan);
    expect(await store.planScheduled('2026-11-03T00:00:00.000Z')).toMatchObject({ run: false });
  });

  test('R-RPT-1..5: a closing day an admin adds on the 1st moves the run to the next business day', async () => {
    await calendar.addClosingDay('2026-12-01', '臨時閉庁日', 'Extra closing day', 'admin');
    expect(await store.planScheduled('2026-12-01T00:00:00.000Z')).toMatchObject({ run: false, firstBusinessDay: '2026-12-02' });
    expect(await store.planScheduled('2026-12-02T00:00:00.000Z')).toMatchObject({ run: true, month: '2026-11' });
  });
});
