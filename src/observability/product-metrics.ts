import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Counter, Gauge, Registry } from 'prom-client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';

/**
 * The product's own numbers, read from PostgreSQL when Prometheus scrapes: four aggregate queries
 * in one read-only transaction with a statement timeout, on indexed columns (case_record
 * kind/status, case_task state) except sent_mail, which is counted whole (cheap up to millions of
 * rows). Totals that only grow are exposed as counters, so `increase()` and `rate()` work.
 */
@Injectable()
export class ProductMetrics {
  private readonly registry = new Registry();

  private readonly openCases = new Gauge({
    name: 'opsdesk_cases_open',
    help: 'Cases not done yet, by kind (incident | work_request) and status',
    labelNames: ['kind', 'status'] as const,
    registers: [this.registry],
  });
  private readonly openBreached = new Gauge({
    name: 'opsdesk_cases_open_sla_breached',
    help: 'Open cases whose SLA is breached now, by kind',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly breaches = new Counter({
    name: 'opsdesk_sla_breaches_total',
    help: 'Cases whose SLA was ever breached, by kind (open and closed)',
    labelNames: ['kind'] as const,
    registers: [this.registry],
  });
  private readonly overdueTasks = new Gauge({
    name: 'opsdesk_tasks_overdue',
    help: 'Open human tasks past their deadline, by task type and role',
    labelNames: ['type', 'role'] as const,
    registers: [this.registry],
  });
  private readonly openTasks = new Gauge({
    name: 'opsdesk_tasks_open',
    help: 'Open human tasks, by role',
    labelNames: ['role'] as const,
    registers: [this.registry],
  });
  private readonly emailsSent = new Counter({
    name: 'opsdesk_emails_sent_total',
    help: 'Case e-mails the SMTP relay accepted (rows of sent_mail), by template',
    labelNames: ['template'] as const,
    registers: [this.registry],
  });
  private readonly scrapeErrors = new Gauge({
    name: 'opsdesk_product_metrics_up',
    help: '1 when the product metrics could be read from PostgreSQL at this scrape, else 0',
    registers: [this.registry],
  });

  private readonly selfBackup = new Gauge({
    name: 'opsdesk_self_backup_last_timestamp_seconds',
    help: "When the newest complete `npm run backup` of opsdesk's own data in <data>/backups/opsdesk was taken (Unix time; absent: none)",
    registers: [this.registry],
  });

  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  private newestSelfBackup(): number | undefined {
    const dir = join(this.config.dataDir, 'backups', 'opsdesk');
    if (!existsSync(dir)) return undefined;
    const newest = readdirSync(dir).filter((name) => !name.endsWith('.partial')).sort().reverse().find((name) => existsSync(join(dir, name, 'manifest.json')));
    if (!newest) return undefined;
    const manifest = JSON.parse(readFileSync(join(dir, newest, 'manifest.json'), 'utf8')) as { createdAt?: string };
    const at = Date.parse(manifest.createdAt ?? '');
    return Number.isNaN(at) ? undefined : at / 1000;
  }

  /** Prometheus text of the product metrics, freshly computed. */
  async exposition(): Promise<string> {
    try {
      const rows = await this.em.getConnection().getKnex().transaction(
        async (trx) => {
          await trx.raw(`set local statement_timeout = 2000`);
          const cases = await trx.raw<{ rows: Array<{ kind: string; status: string; open: string; breached: string }> }>(
            `select kind, status, count(*) as open, count(*) filter (where breached) as breached
               from case_record where status <> 'done' group by kind, status`,
          );
          const breaches = await trx.raw<{ rows: Array<{ kind: string; n: string }> }>(
            `select kind, count(*) as n from case_record where breached group by kind`,
          );
          const tasks = await trx.raw<{ rows: Array<{ type: string; role: string; open: string; overdue: string }> }>(
            `select type, assignee_role as role, count(*) as open, count(*) filter (where due_at < now()) as overdue
               from case_task where state = 'open' group by type, assignee_role`,
          );
          const mails = await trx.raw<{ rows: Array<{ template: string; n: string }> }>(`select template, count(*) as n from sent_mail group by template`);
          return { cases: cases.rows, breaches: breaches.rows, tasks: tasks.rows, mails: mails.rows };
        },
        { readOnly: true },
      );
      this.openCases.reset();
      this.openBreached.reset();
      this.breaches.reset();
      for (const kind of ['incident', 'work_request']) {
        // Both kinds always have a series, so an alert on them sees 0 rather than nothing.
        this.openBreached.set({ kind }, 0);
        this.breaches.inc({ kind }, 0);
      }
      for (const row of rows.cases) {
        this.openCases.set({ kind: row.kind, status: row.status }, Number(row.open));
        this.openBreached.inc({ kind: row.kind }, Number(row.breached));
      }
      for (const row of rows.breaches) this.breaches.inc({ kind: row.kind }, Number(row.n));
      this.overdueTasks.reset();
      this.openTasks.reset();
      for (const row of rows.tasks) {
        this.overdueTasks.set({ type: row.type, role: row.role }, Number(row.overdue));
        this.openTasks.inc({ role: row.role }, Number(row.open));
      }
      this.emailsSent.reset();
      for (const row of rows.mails) this.emailsSent.inc({ template: row.template }, Number(row.n));
      this.scrapeErrors.set(1);
    } catch {
      this.scrapeErrors.set(0);
    }
    try {
      this.selfBackup.reset();
      const last = this.newestSelfBackup();
      if (last !== undefined) this.selfBackup.set(last);
    } catch {
      /* an unreadable backup folder leaves the gauge without a value */
    }
    return this.registry.metrics();
  }
}
