/**
 * The case workflows on Temporal's time-skipping test server, with the real activities: a fresh
 * PostgreSQL database (migrated, demo accounts and inventory seeded), a real SMTP capture and the
 * worker's Nest providers. One system per test file; a fresh workflow id per test.
 *
 * How time moves: the test server's clock starts at the real current time, only moves forward and
 * is shared by everything on it. It runs at normal speed while "locked" (always, except below) and
 * jumps from timer to timer while the client waits on `env.sleep` (here: `advanceTo`/`advanceBy`)
 * or on a workflow result. It does not skip while the client waits on an Update or a query, so a
 * human step (`complete`, `hold`, `resume`) happens at the instant the test advanced to, give or
 * take the milliseconds the worker needs. The clock also stays locked while an activity runs, so
 * one `advanceTo` may cross several timers: each one's activities finish before the next fires.
 * Tests therefore:
 *   - pick their dates in the future of the server clock from the business calendar
 *     (`nextJst`, never a hard-coded date: the suite must keep passing in later years);
 *   - cross every timer with `advanceTo`, then `settle` (wait until the workflow has no
 *     workflow task or activity left) before asserting on the query, the timeline rows and the
 *     e-mails the SMTP capture received;
 *   - end with `terminateAll` (afterEach), which settles before terminating: the test server never
 *     unlocks its clock for an activity whose workflow was terminated while it ran.
 * E-mail rows of the timeline carry the mailer's real clock, not the server's: do not compare them
 * with the workflow's instants here.
 */
import { MikroORM, type EntityManager } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import type { Client, WorkflowHandle } from '@temporalio/client';
import { temporal } from '@temporalio/proto';
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { Worker } from '@temporalio/worker';
import { randomUUID } from 'node:crypto';
import { createActivities } from '../../activities';
import { BusinessCalendar, formatJst, jstDate, weekdayOf } from '../../src/calendar/business-calendar';
import { nationalHolidays } from '../../src/calendar/japanese-holidays';
import { CalendarService } from '../../src/calendar/calendar.service';
import { CaseMailer } from '../../src/cases/case-mailer.service';
import { CaseRecord } from '../../src/cases/case-record.entity';
import { CaseRecorder } from '../../src/cases/case-recorder.service';
import { TimelineEntry } from '../../src/cases/timeline-entry.entity';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { migrateDatabase } from '../../src/database/migrate';
import { SEARCH_ATTRIBUTE_TYPES } from '../../src/embedded/search-attributes';
import { ensureDemoAccounts } from '../../src/identity/demo-accounts';
import { Department } from '../../src/identity/department.entity';
import { User } from '../../src/identity/user.entity';
import { ensureDemoInventory } from '../../src/inventory/demo-inventory';
import { InventoryService } from '../../src/inventory/inventory.service';
import { OPSDESK_KEY_HEADER, decodeKeyHeader } from '../../src/mail/mailer';
import { WorkerModule } from '../../src/worker.module';
import type { IncidentInput, WorkRequestInput } from '../../workflows/shared/contracts';
import { startWorkflow } from '../../src/temporal/typed-workflows';
import type { ActorRef, ActorRole } from '../../workflows/shared/case-model';
import {
  completeTask, getCaseState, holdCase, resumeCase,
  type CaseStateView, type CompleteTaskResult, type HoldInput, type OpenTaskView,
} from '../../workflows/shared/messages';
import { createTestDatabase } from './databases';
import { startSmtpCapture, type CapturedMail, type SmtpCapture } from './smtp-capture';

const IndexedValueType = temporal.api.enums.v1.IndexedValueType;
const INDEXED_VALUE_TYPES: Record<string, temporal.api.enums.v1.IndexedValueType> = {
  Keyword: IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD,
  Bool: IndexedValueType.INDEXED_VALUE_TYPE_BOOL,
  Datetime: IndexedValueType.INDEXED_VALUE_TYPE_DATETIME,
  Int: IndexedValueType.INDEXED_VALUE_TYPE_INT,
  Double: IndexedValueType.INDEXED_VALUE_TYPE_DOUBLE,
  Text: IndexedValueType.INDEXED_VALUE_TYPE_TEXT,
};

export type DemoUser = 'ga1' | 'op1' | 'op2' | 'dept1' | 'dept2';

export const HOUR_MS = 3_600_000;
export const MINUTE_MS = 60_000;
export const DAY_MS = 86_400_000;

/** An instant from a JST wall-clock time: `jstInstant('2027-01-08T16:00')`. */
export function jstInstant(local: string): Date {
  const m = /^(\d{4}-\d{2}-\d{2})T(\d{2}):(\d{2})(?::(\d{2})(\.\d{1,3})?)?$/.exec(local);
  if (!m) throw new RangeError(`expected YYYY-MM-DDTHH:MM[:SS[.sss]] (JST), got ${local}`);
  return new Date(`${m[1]}T${m[2]}:${m[3]}:${m[4] ?? '00'}${m[5] ?? ''}+09:00`);
}

/** The JST date `n` days after 'YYYY-MM-DD'. */
export function addDays(ymd: string, n: number): string {
  return new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY_MS).toISOString().slice(0, 10);
}

/** Same day-of-month one month later (clamped to the month's last day), as R-SCHED-1 reads it. */
export function addOneMonth(ymd: string): string {
  const [y, m, d] = ymd.split('-').map(Number);
  const last = new Date(Date.UTC(y, m + 1, 0)).getUTCDate();
  const target = new Date(Date.UTC(y, m, Math.min(d, last)));
  return target.toISOString().slice(0, 10);
}

export { formatJst, jstDate, weekdayOf };

/**
 * An oracle of R-HOURS-1 written independently of BusinessCalendar, to check it: weekdays that are
 * neither a national holiday of the dataset nor in the 29 Dec – 3 Jan closing.
 */
export function referenceBusinessDay(ymd: string): boolean {
  const weekday = weekdayOf(ymd);
  const md = ymd.slice(5);
  return weekday !== 0 && weekday !== 6 && !nationalHolidays().has(ymd) && !(md >= '12-29' || md <= '01-03');
}

/** The n-th reference business day after `ymd` (receipt day = day 0). */
export function referenceNthBusinessDayAfter(ymd: string, n: number): string {
  let day = ymd;
  for (let found = 0; found < n; ) {
    day = addDays(day, 1);
    if (referenceBusinessDay(day)) found++;
  }
  return day;
}

export const isNationalHoliday = (ymd: string): boolean => nationalHolidays().has(ymd);
export const holidayName = (ymd: string): string | undefined => nationalHolidays().get(ymd)?.nameJa;

export interface TimeSkippingSystem {
  env: TestWorkflowEnvironment;
  client: Client;
  config: AppConfig;
  taskQueue: string;
  smtp: SmtpCapture;
  orm: MikroORM;
  context: INestApplicationContext;
  /** The business calendar as the activities read it (the same database rows), read once at start-up. */
  calendar: BusinessCalendar;
  actors: Record<DemoUser, ActorRef>;
  departments: Record<'tax' | 'citizen', { id: string; email: string; nameJa: string }>;

  /** The server's clock. */
  now(): Promise<Date>;
  /** Skips the server clock forward to `instant` (firing every timer on the way). */
  advanceTo(instant: Date | string): Promise<void>;
  advanceBy(ms: number): Promise<void>;
  /**
   * The first instant at JST clock time `hhmm` on a date that satisfies `where`, at least
   * `minLeadMs` after the server clock (default one minute). Dates come from the calendar, never
   * from a literal, so the tests keep working in later years.
   */
  nextJst(hhmm: string, where: (ymd: string) => boolean, minLeadMs?: number): Promise<Date>;

  startIncident(input?: Partial<IncidentInput>): Promise<WorkflowHandle>;
  startWorkRequest(input?: Partial<WorkRequestInput>): Promise<WorkflowHandle>;
  state(handle: WorkflowHandle): Promise<CaseStateView>;
  /** Polls the query until `ready` holds (real time, the clock stays where it is). */
  waitForState(handle: WorkflowHandle, ready: (state: CaseStateView) => boolean, what?: string): Promise<CaseStateView>;
  openTask(handle: WorkflowHandle, type: string): Promise<OpenTaskView>;
  /** Finds the open task of this type with the query, then completes it through the validated Update. */
  complete(handle: WorkflowHandle, type: string, actor: ActorRef, outcome: string, data?: Record<string, unknown>, note?: string, updateId?: string): Promise<CompleteTaskResult>;
  hold(handle: WorkflowHandle, actor: ActorRef, waitingFor: HoldInput['waitingFor'], reason?: string): Promise<CaseStateView>;
  resume(handle: WorkflowHandle, actor: ActorRef, reason?: string): Promise<CaseStateView>;
  /** Waits until the workflow has no workflow task and no activity outstanding (three polls in a row). */
  settle(handle: WorkflowHandle): Promise<void>;

  timeline(caseId: string): Promise<TimelineEntry[]>;
  record(caseId: string): Promise<CaseRecord>;
  /** Messages of a case with the given key name (`sla-50`, `maintenance-week_before`, ...). */
  mails(caseNumber: string, name?: string): CapturedMail[];
  waitForMail(caseNumber: string, name: string, timeoutMs?: number): Promise<CapturedMail>;
  /** Search attributes as the server describes them. */
  searchAttributes(handle: WorkflowHandle): Promise<Record<string, unknown>>;
  /** Terminates the workflows this file started that still run (call in afterEach). */
  terminateAll(): Promise<void>;
  close(): Promise<void>;
}

/** The failure an Update was rejected with (the validator's ApplicationFailure: type and message). */
export async function rejectionOf(update: Promise<unknown>): Promise<{ type: string | undefined; message: string }> {
  try {
    await update;
  } catch (error) {
    const cause = (error as { cause?: { type?: string; message?: string } }).cause;
    return { type: cause?.type, message: cause?.message ?? String(error) };
  }
  throw new Error('expected the Update to be rejected, but it was accepted');
}

/** The message key (`REQ-2027-0001.sla-50.17`) a captured e-mail was sent under. */
export function mailKey(mail: CapturedMail): string {
  const value = mail.headers.get(OPSDESK_KEY_HEADER.toLowerCase());
  return typeof value === 'string' ? decodeKeyHeader(value) : '';
}

export async function startTimeSkippingSystem(options: { env?: Record<string, string> } = {}): Promise<TimeSkippingSystem> {
  const serverPath = process.env.TEMPORAL_TEST_SERVER_PATH;
  const bundlePath = process.env.OPSDESK_TEST_WORKFLOW_BUNDLE;
  if (!serverPath || !bundlePath) throw new Error('TEMPORAL_TEST_SERVER_PATH / OPSDESK_TEST_WORKFLOW_BUNDLE are not set: run the tests with `npm test`');

  const cleanups: Array<() => Promise<unknown>> = [];
  const cleanup = async () => {
    for (const step of cleanups.reverse()) await step().catch(() => undefined);
  };
  try {
    const env = await TestWorkflowEnvironment.createTimeSkipping({ server: { executable: { type: 'existing-path', path: serverPath } } });
    cleanups.push(() => env.teardown());
    await env.connection.operatorService.addSearchAttributes({
      namespace: 'default',
      searchAttributes: Object.fromEntries(Object.entries(SEARCH_ATTRIBUTE_TYPES).map(([name, type]) => [name, INDEXED_VALUE_TYPES[type]])),
    });

    const smtp = await startSmtpCapture();
    cleanups.push(() => smtp.stop());
    const taskQueue = `ts-${randomUUID()}`;
    const config = loadConfig({
      DATABASE_URL: await createTestDatabase('ts'),
      TEMPORAL_ADDRESS: env.address,
      TEMPORAL_TASK_QUEUE: taskQueue,
      SMTP_URL: smtp.url,
      MAIL_FROM: '"運用保守デスク" <opsdesk@example.lg.jp>',
      OPSDESK_MODE: 'embedded',
      PUBLIC_URL: 'http://opsdesk.test',
      ...options.env,
    });

    const context = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { logger: ['error', 'warn'] });
    cleanups.push(() => context.close());
    const orm = context.get<MikroORM>(MikroORM);
    await migrateDatabase(orm);
    await ensureDemoAccounts(orm.em.fork(), config.demoPassword);
    await ensureDemoInventory(orm.em.fork());
    const calendarService = context.get(CalendarService);
    const calendar = await calendarService.current();

    const activities = createActivities({
      orm,
      calendar: calendarService,
      recorder: context.get(CaseRecorder),
      caseMailer: context.get(CaseMailer),
      inventory: context.get(InventoryService),
      config,
    });
    const worker = await Worker.create({
      connection: env.nativeConnection,
      namespace: 'default',
      taskQueue,
      activities,
      workflowBundle: { codePath: bundlePath },
      shutdownGraceTime: '2s',
    });
    const running = worker.run();
    cleanups.push(async () => {
      if (worker.getState() === 'RUNNING') worker.shutdown();
      await running;
    });

    const em = (): EntityManager => orm.em.fork();
    const actors = await loadActors(em());
    const departments = await loadDepartments(em());
    const client = env.client;
    const started: WorkflowHandle[] = [];

    const now = async () => new Date(await env.currentTimeMs());
    const advanceTo = async (instant: Date | string) => {
      const target = typeof instant === 'string' ? Date.parse(instant) : instant.getTime();
      const current = await env.currentTimeMs();
      if (target < current) throw new Error(`advanceTo(${new Date(target).toISOString()}): the server clock is already at ${new Date(current).toISOString()}`);
      if (target === current) return;
      // Skipping takes milliseconds per timer. If the server clock only crawls at real speed for
      // 20 s (no skip at all), something holds it: fail with the likely reasons instead of hanging.
      let watchdog: NodeJS.Timeout | undefined;
      const stuck = new Promise<never>((_, reject) => {
        let last = { real: Date.now(), server: current };
        let crawlingSince = Date.now();
        watchdog = setInterval(() => {
          void env.currentTimeMs().then((server) => {
            const real = Date.now();
            if (server - last.server > real - last.real + 1_000) crawlingSince = real;
            last = { real, server };
            if (real - crawlingSince > 20_000) {
              reject(new Error(
                `advanceTo(${new Date(target).toISOString()}) stopped skipping at ${new Date(server).toISOString()}: the test server's clock is locked ` +
                  '(an Update still waiting, or a workflow terminated while one of its activities ran — settle before terminating)',
              ));
            }
          }, () => undefined);
        }, 2_000);
      });
      try {
        await Promise.race([env.sleep(target - current), stuck]);
      } finally {
        clearInterval(watchdog);
      }
    };

    const waitForState: TimeSkippingSystem['waitForState'] = async (handle, ready, what = 'the expected state') => {
      const deadline = Date.now() + 15_000;
      let last: CaseStateView | undefined;
      let lastError: unknown;
      while (Date.now() < deadline) {
        try {
          last = await handle.query(getCaseState);
          if (ready(last)) return last;
        } catch (error) {
          lastError = error;
        }
        await delay(25);
      }
      throw new Error(`${handle.workflowId}: no ${what} within 15 s (last state: ${JSON.stringify(last)}; last error: ${String(lastError)})`);
    };

    const openTask = async (handle: WorkflowHandle, type: string) => {
      const state = await waitForState(handle, (s) => s.openTasks.some((t) => t.type === type), `open ${type} task`);
      return state.openTasks.find((t) => t.type === type)!;
    };

    /**
     * Whether the workflow has an activity or a workflow task outstanding. The test server leaves
     * `pendingWorkflowTask` empty in describe, so workflow tasks are counted from the history.
     */
    const busy = async (handle: WorkflowHandle) => {
      const { raw } = await handle.describe();
      if ((raw.pendingActivities?.length ?? 0) > 0) return true;
      let open = 0;
      for (const e of (await handle.fetchHistory()).events ?? []) {
        if (e.workflowTaskScheduledEventAttributes) open++;
        else if (e.workflowTaskCompletedEventAttributes || e.workflowTaskFailedEventAttributes || e.workflowTaskTimedOutEventAttributes) open--;
      }
      return open > 0;
    };

    const settle = async (handle: WorkflowHandle) => {
      const deadline = Date.now() + 20_000;
      let quiet = 0;
      while (Date.now() < deadline) {
        quiet = (await busy(handle)) ? 0 : quiet + 1;
        if (quiet >= 3) return;
        await delay(30);
      }
      throw new Error(`${handle.workflowId} did not settle within 20 s`);
    };

    const mails = (caseNumber: string, name?: string) =>
      smtp.messages.filter((m) => {
        const key = mailKey(m);
        return name === undefined ? key.startsWith(`${caseNumber}.`) : key.startsWith(`${caseNumber}.${name}.`);
      });

    const system: TimeSkippingSystem = {
      env, client, config, taskQueue, smtp, orm, context, calendar, actors, departments,
      now,
      advanceTo,
      advanceBy: async (ms) => env.sleep(ms),
      // Tests step back from the chosen instant (a case started five minutes before it, ...), and a
      // loaded machine can spend a minute or more between choosing it and getting there: half an
      // hour of lead keeps the chosen instant ahead of the server's clock.
      nextJst: async (hhmm, where, minLeadMs = 30 * MINUTE_MS) => {
        const earliest = (await env.currentTimeMs()) + minLeadMs;
        let ymd = jstDate(new Date(earliest));
        for (let i = 0; i < 3 * 366; i++, ymd = addDays(ymd, 1)) {
          const candidate = jstInstant(`${ymd}T${hhmm}`);
          if (candidate.getTime() >= earliest && where(ymd)) return candidate;
        }
        throw new Error(`no date within three years after ${new Date(earliest).toISOString()} fits`);
      },

      startIncident: async (input = {}) => {
        const detectedAt = input.detectedAt ?? (await now()).toISOString();
        const full: IncidentInput = {
          source: 'manual', hostname: 'vm-zeimu01', alertName: null, subject: '税務システムの画面が表示されない', summary: '税務課より電話連絡',
          severity: 'major', reportedBy: actors.op1, vendorSilenceBusinessHours: config.sla.vendorSilenceBusinessHours, ...input, detectedAt,
        };
        const handle = await startWorkflow(client, 'incidentWorkflow', { workflowId: `incident:test:${randomUUID()}`, taskQueue, args: [full] });
        started.push(handle);
        await waitForState(handle, (s) => !!s.caseNumber && !!s.sla && s.openTasks.some((t) => t.type === 'acknowledge'), 'registered incident');
        return handle;
      },

      startWorkRequest: async (input = {}) => {
        const requestId = randomUUID();
        const full: WorkRequestInput = {
          // A type done by hand: automated ones (R-OP-1..9) need the operations provider, which
          // this harness does not wire.
          requestId, type: 'other', subject: '税務システムAPサーバの設定変更', params: { description: 'ログ保存期間を90日へ変更' },
          desiredDate: null, note: null, requester: actors.dept1, departmentId: departments.tax.id, departmentName: departments.tax.nameJa,
          submittedAt: (await now()).toISOString(), ...input,
        };
        const handle = await startWorkflow(client, 'workRequestWorkflow', { workflowId: `work-request:test:${requestId}`, taskQueue, args: [full] });
        started.push(handle);
        await openTask(handle, 'accept_request');
        return handle;
      },

      state: (handle) => handle.query(getCaseState),
      waitForState,
      openTask,
      complete: async (handle, type, actor, outcome, data, note, updateId) => {
        const task = await openTask(handle, type);
        return handle.executeUpdate(completeTask, { args: [{ taskId: task.taskId, outcome, note, data, actor }], updateId });
      },
      hold: (handle, actor, waitingFor, reason = '依頼元の回答待ち') => handle.executeUpdate(holdCase, { args: [{ actor, waitingFor, reason }] }),
      resume: (handle, actor, reason = '回答あり') => handle.executeUpdate(resumeCase, { args: [{ actor, reason }] }),
      settle,

      timeline: (caseId) => em().find(TimelineEntry, { caseId }, { orderBy: { at: 'asc' } }),
      record: (caseId) => em().findOneOrFail(CaseRecord, { id: caseId }),
      mails,
      waitForMail: async (caseNumber, name, timeoutMs = 15_000) => {
        const [mail] = await smtp.waitFor((m) => mailKey(m).startsWith(`${caseNumber}.${name}.`), { timeoutMs });
        return mail;
      },
      searchAttributes: async (handle) => {
        const description = await handle.describe();
        return Object.fromEntries(description.typedSearchAttributes.getAll().map(({ key, value }) => [key.name, value]));
      },
      terminateAll: async () => {
        // Settle first: the test server never unlocks its clock for an activity that was running
        // when its workflow was terminated, and every later advanceTo would then hang.
        for (const handle of started.splice(0)) {
          const { status } = await handle.describe();
          if (status.name !== 'RUNNING') continue;
          await settle(handle).catch(() => undefined);
          await handle.terminate('test finished').catch(() => undefined);
        }
      },
      close: cleanup,
    };
    return system;
  } catch (error) {
    await cleanup();
    throw error;
  }
}

const delay = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function loadActors(em: EntityManager): Promise<Record<DemoUser, ActorRef>> {
  const users = await em.find(User, { username: { $in: ['ga1', 'op1', 'op2', 'dept1', 'dept2'] } }, { populate: ['department'] });
  const refs = Object.fromEntries(
    users.map((u) => [u.username, {
      userId: u.id, username: u.username, displayName: u.displayName, roles: [...u.roles] as ActorRole[], departmentId: u.department?.id ?? null, email: u.email,
    }]),
  );
  for (const name of ['ga1', 'op1', 'op2', 'dept1', 'dept2']) if (!refs[name]) throw new Error(`demo user ${name} is missing`);
  return refs as Record<DemoUser, ActorRef>;
}

async function loadDepartments(em: EntityManager) {
  const rows = await em.find(Department, { code: { $in: ['tax', 'citizen'] } });
  const byCode = Object.fromEntries(rows.map((d) => [d.code, { id: d.id, email: d.email, nameJa: d.nameJa }]));
  return byCode as Record<'tax' | 'citizen', { id: string; email: string; nameJa: string }>;
}
