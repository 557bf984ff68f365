import { MikroORM } from '@mikro-orm/postgresql';
import { OPSDESK_BUNDLER_OPTIONS } from './workflow-bundle';
import { NestFactory } from '@nestjs/core';
import { Client } from '@temporalio/client';
import { NativeConnection, Worker, type WorkerOptions } from '@temporalio/worker';
import { createActivities } from '../../activities';
import type { HistoryArchiver } from '../audit-history/history-archiver';
import { startWorkerArchiver } from '../audit-history/worker-archiver';
import { CalendarService } from '../calendar/calendar.service';
import type { AppConfig } from '../config/app-config';
import { migrateDatabase } from '../database/migrate';
import { CaseMailer } from '../cases/case-mailer.service';
import { CaseRecorder } from '../cases/case-recorder.service';
import { InventoryService } from '../inventory/inventory.service';
import { OperationsService } from '../operations/operations.service';
import { MAILER, type Mailer } from '../mail/mail.module';
import { ensureReportSchedules } from '../reports/report-schedules';
import { ReportStore } from '../reports/report-store';
import { DATABASE_PLATFORM, type DatabasePlatformPort } from '../providers/database-platform.port';
import { startWorkerPlatformWatch } from '../platform/worker-platform-watch';
import { withWorkerObservability } from '../observability/observability.module';
import { caseNumberLookup, workerObservabilityOptions } from '../observability/worker-observability';
import { temporalTls } from '../temporal/temporal-connection';
import { WorkerModule } from '../worker.module';

export interface OpsdeskWorker {
  worker: Worker;
  archiver: HistoryArchiver;
  close: () => Promise<void>;
}

/**
 * A worker whose activities get their dependencies from the same Nest providers as the API.
 * Tests pass `workflowBundle` (bundled once per run) instead of letting every worker run webpack.
 */
export async function createOpsdeskWorker(
  config: AppConfig,
  overrides: Pick<WorkerOptions, 'workflowBundle'> & { connection?: NativeConnection } = {},
): Promise<OpsdeskWorker> {
  const context = await NestFactory.createApplicationContext(withWorkerObservability(WorkerModule.forRoot(config)), { logger: ['error', 'warn'] });
  const orm = context.get<MikroORM>(MikroORM);
  await migrateDatabase(orm);
  const activities = createActivities({
    orm,
    calendar: context.get(CalendarService),
    recorder: context.get(CaseRecorder),
    caseMailer: context.get(CaseMailer),
    inventory: context.get(InventoryService),
    config,
    operations: context.get(OperationsService),
    reports: new ReportStore(orm.em, context.get(CalendarService), config, context.get<Mailer>(MAILER), {
      listDatabases: config.operations.databasePlatform.url ? () => context.get<DatabasePlatformPort>(DATABASE_PLATFORM).listDatabases() : null,
      backupDir: config.operations.backup.dir,
    }),
  });
  const connection = overrides.connection ?? (await NativeConnection.connect({ address: config.temporal.address, tls: temporalTls(config.temporal) }));
  const worker = await Worker.create({
    connection,
    namespace: config.temporal.namespace,
    taskQueue: config.temporal.taskQueue,
    activities,
    ...(overrides.workflowBundle ? { workflowBundle: overrides.workflowBundle } : { workflowsPath: require.resolve('../../workflows'), bundlerOptions: OPSDESK_BUNDLER_OPTIONS }),
    shutdownGraceTime: '20s',
    maxCachedWorkflows: config.temporal.maxCachedWorkflows,
    // Activity log lines with case number and run id; OpenTelemetry interceptors when tracing is on.
    ...workerObservabilityOptions({
      prebuiltBundle: !!overrides.workflowBundle,
      lookupCaseNumber: caseNumberLookup((sql, params) => orm.em.getConnection().execute(sql, params)),
    }),
  });
  // Closed workflow histories are archived in PostgreSQL for good (issue 7).
  const archiver = startWorkerArchiver(context, config);
  // Hypervisor events as alerts (R-MON-1) and daily capacity (R-RPT-3), read by one worker at a time.
  const platformWatch = startWorkerPlatformWatch(context, config);
  // The monthly report's and the daily figures' Temporal Schedules (R-RPT-1..5); REPORT_SCHEDULES=off skips them.
  if (config.reportSchedules) {
    await ensureReportSchedules(context.get(Client), config.temporal.taskQueue, config.temporal.workflowIdPrefix).catch((error: unknown) => {
      console.warn(`[opsdesk] the report schedules could not be created: ${error instanceof Error ? error.message : String(error)}`);
    });
  }
  return {
    worker,
    archiver,
    close: async () => {
      await archiver.stop();
      await platformWatch.stop();
      if (!overrides.connection) await connection.close();
      await context.close();
    },
  };
}
