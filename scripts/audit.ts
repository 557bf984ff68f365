/**
 * `npm run audit -- <command>`: the auditor's bulk tools on workflow histories.
 *
 *   npm run audit -- export <case> [--out <file|dir>] [--source auto|live|archive] [--timeline]
 *   npm run audit -- replay <case> [--source auto|live|archive]
 *   npm run audit -- replay --all [--since <date>] [--source auto|live|archive]
 *   npm run audit -- consistency <case> [--tolerance <seconds>]
 *   npm run audit -- archive            (one archiving sweep now, as the worker does every minute)
 *
 * Reads DATABASE_URL / TEMPORAL_ADDRESS (and TEMPORAL_NAMESPACE, TEMPORAL_TLS_*) like the API;
 * without them it uses the embedded addresses of `npm start` (PostgreSQL 127.0.0.1:54329,
 * Temporal 127.0.0.1:7233). Every export and replay goes into the audit log as `cli:<user>`.
 * Exit code: 0 when everything replayed / agreed, 1 when something did not, 2 on bad usage.
 */
import 'reflect-metadata';
import { Module, type DynamicModule, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MikroORM } from '@mikro-orm/postgresql';
import { Client } from '@temporalio/client';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { AuditModule } from '../src/audit/audit.module';
import { AuditHistoryCoreModule } from '../src/audit-history/audit-history.module';
import { AuditHistoryService, type AuditContext } from '../src/audit-history/audit-history.service';
import { HistoryArchiver } from '../src/audit-history/history-archiver';
import { readableTimeline } from '../src/audit-history/history-timeline';
import { HistoryStore, type LoadedHistory } from '../src/audit-history/history-store.service';
import { replayHistories, type ReplayInput, type ReplayOutcome } from '../src/audit-history/replay';
import type { CaseRecord } from '../src/cases/case-record.entity';
import { loadConfig, type AppConfig } from '../src/config/app-config';
import { ConfigModule } from '../src/config/config.module';
import { DatabaseModule } from '../src/database/database.module';
import { migrateDatabase } from '../src/database/migrate';
import { TemporalModule } from '../src/temporal/temporal.module';

export interface AuditCliIo {
  out(line: string): void;
  err(line: string): void;
  /** Where the progress bar is drawn (a TTY); null prints one line per case instead. */
  progress: NodeJS.WriteStream | null;
}

const defaultIo: AuditCliIo = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  progress: process.stderr.isTTY ? process.stderr : null,
};

const USAGE = `usage:
  npm run audit -- export <case> [--out <file|dir>] [--source auto|live|archive] [--timeline]
  npm run audit -- replay <case> [--source auto|live|archive]
  npm run audit -- replay --all [--since <YYYY-MM-DD or ISO date>] [--source auto|live|archive]
  npm run audit -- consistency <case> [--tolerance <seconds>]
  npm run audit -- archive`;

interface Parsed {
  command: string;
  target?: string;
  all: boolean;
  since?: Date;
  out?: string;
  source: 'auto' | 'live' | 'archive';
  timeline: boolean;
  toleranceMs?: number;
}

class UsageError extends Error {}

function parse(argv: string[]): Parsed {
  const [command, ...rest] = argv;
  if (!command || command === 'help' || command === '--help') throw new UsageError('');
  const parsed: Parsed = { command, all: false, source: 'auto', timeline: false };
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const value = () => {
      const next = rest[++i];
      if (next === undefined) throw new UsageError(`${arg} needs a value`);
      return next;
    };
    if (arg === '--all') parsed.all = true;
    else if (arg === '--timeline') parsed.timeline = true;
    else if (arg === '--since') {
      const raw = value();
      const since = new Date(/^\d{4}-\d{2}-\d{2}$/.test(raw) ? `${raw}T00:00:00+09:00` : raw);
      if (Number.isNaN(since.getTime())) throw new UsageError(`--since: not a date: ${raw}`);
      parsed.since = since;
    } else if (arg === '--out') parsed.out = value();
    else if (arg === '--source') {
      const source = value();
      if (source !== 'auto' && source !== 'live' && source !== 'archive') throw new UsageError('--source must be auto, live or archive');
      parsed.source = source;
    } else if (arg === '--tolerance') parsed.toleranceMs = Number(value()) * 1000;
    else if (arg.startsWith('--')) throw new UsageError(`unknown option ${arg}`);
    else if (!parsed.target) parsed.target = arg;
    else throw new UsageError(`unexpected argument ${arg}`);
  }
  if (!['export', 'replay', 'consistency', 'archive'].includes(command)) throw new UsageError(`unknown command ${command}`);
  if ((command === 'export' || command === 'consistency') && !parsed.target) throw new UsageError(`${command} needs a case number`);
  if (command === 'replay' && !parsed.target && !parsed.all) throw new UsageError('replay needs a case number or --all');
  if (command === 'replay' && parsed.target && parsed.all) throw new UsageError('replay takes a case number or --all, not both');
  return parsed;
}

/** The same settings as the API; without overrides, the embedded addresses of `npm start`. */
export function auditConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const pgPort = env.OPSDESK_PG_PORT ?? '54329';
  const temporalPort = env.OPSDESK_TEMPORAL_PORT ?? '7233';
  return loadConfig({
    ...env,
    DATABASE_URL: env.DATABASE_URL || `postgresql://postgres:opsdesk-local@127.0.0.1:${pgPort}/opsdesk`,
    TEMPORAL_ADDRESS: env.TEMPORAL_ADDRESS || `127.0.0.1:${temporalPort}`,
  });
}

@Module({})
class AuditCliModule {
  static forRoot(config: AppConfig): DynamicModule {
    return { module: AuditCliModule, imports: [ConfigModule.forRoot(config), DatabaseModule, TemporalModule, AuditModule, AuditHistoryCoreModule] };
  }
}

export async function runAuditCli(argv: string[], env: NodeJS.ProcessEnv = process.env, io: AuditCliIo = defaultIo): Promise<number> {
  let parsed: Parsed;
  try {
    parsed = parse(argv);
  } catch (error) {
    if (error instanceof UsageError) {
      if (error.message) io.err(error.message);
      io.err(USAGE);
      return 2;
    }
    throw error;
  }
  const config = auditConfig(env);
  let context: INestApplicationContext;
  try {
    context = await NestFactory.createApplicationContext(AuditCliModule.forRoot(config), { logger: ['error'] });
  } catch (error) {
    io.err(`cannot reach the database (${redact(config.databaseUrl)}) or Temporal (${config.temporal.address}): ${error instanceof Error ? error.message : String(error)}`);
    io.err('Is `npm start` running? Otherwise set DATABASE_URL and TEMPORAL_ADDRESS.');
    return 1;
  }
  try {
    await migrateDatabase(context.get<MikroORM>(MikroORM));
    const user = safeUser();
    const audit: AuditContext = { actor: { userId: null, username: `cli:${user}`, displayName: `${user} (audit CLI)`, roles: ['auditor'] }, sourceAddress: 'cli' };
    const service = context.get(AuditHistoryService);
    switch (parsed.command) {
      case 'export':
        return await exportCase(service, audit, parsed, io);
      case 'replay':
        return parsed.all ? await replayAll(service, audit, parsed, io) : await replayOne(service, audit, parsed, io);
      case 'consistency':
        return await consistency(service, audit, parsed, io);
      case 'archive':
        return await archiveNow(context, config, io);
      default:
        return 2;
    }
  } catch (error) {
    io.err(`error: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  } finally {
    await context.close();
  }
}

async function exportCase(service: AuditHistoryService, audit: AuditContext, parsed: Parsed, io: AuditCliIo): Promise<number> {
  const t0 = Date.now();
  const raw = await service.rawHistory(audit, parsed.target!, parsed.source);
  const path = outputPath(parsed.out, raw.filename);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, raw.json);
  const s = raw.loaded.summary;
  io.out(`${raw.record.number}: ${s.workflowType} ${raw.loaded.workflowId} / ${raw.loaded.runId}`);
  io.out(`  ${s.eventCount} events, ${s.closeStatus}, from ${raw.source === 'archive' ? 'the archive (checksum verified)' : 'the Temporal server'}`);
  io.out(`  sha256 ${raw.sha256}`);
  io.out(`  written to ${path} (${Buffer.byteLength(raw.json)} bytes) in ${Date.now() - t0} ms`);
  if (parsed.timeline) {
    for (const step of readableTimeline(raw.loaded.document.history)) {
      io.out(`  #${String(step.eventId).padStart(4)} ${step.at}  ${step.ja}`);
      io.out(`  ${' '.repeat(30)}${step.en}`);
    }
  }
  return 0;
}

function outputPath(out: string | undefined, filename: string): string {
  if (!out) return resolve(filename);
  const target = resolve(out);
  try {
    if (statSync(target).isDirectory()) return join(target, filename);
  } catch {
    /* a file to be written */
  }
  return out.endsWith('/') ? join(target, filename) : target;
}

async function replayOne(service: AuditHistoryService, audit: AuditContext, parsed: Parsed, io: AuditCliIo): Promise<number> {
  const result = await service.replay(audit, parsed.target!, parsed.source);
  io.out(`${result.case}: ${result.workflowType}, ${result.eventCount} events (${result.source}) — ${result.ok ? 'replays against the current code' : 'DOES NOT replay'} in ${result.durationMs} ms`);
  if (result.problem) {
    io.out(`  ${result.problem.ja}`);
    io.out(`  ${result.problem.en}`);
    io.out(`  SDK: ${result.problem.sdkMessage}`);
  }
  return result.ok ? 0 : 1;
}

async function consistency(service: AuditHistoryService, audit: AuditContext, parsed: Parsed, io: AuditCliIo): Promise<number> {
  const report = await service.consistency(audit, parsed.target!, { source: parsed.source, toleranceMs: parsed.toleranceMs });
  io.out(`${report.case}: ${report.consistent ? 'the record and the history agree' : `${report.mismatches.length} mismatch(es)`} ` +
    `(${report.checked.steps} steps, ${report.checked.tasks} tasks, ${report.checked.emails} e-mails checked; source ${report.source})`);
  for (const m of report.mismatches) io.out(`  [${m.kind}] ${m.ja}\n  ${' '.repeat(m.kind.length + 2)} ${m.en}`);
  return report.consistent ? 0 : 1;
}

async function archiveNow(context: INestApplicationContext, config: AppConfig, io: AuditCliIo): Promise<number> {
  const orm = context.get<MikroORM>(MikroORM);
  const archiver = new HistoryArchiver({ store: context.get(HistoryStore), client: context.get(Client), em: orm.em, taskQueue: config.temporal.taskQueue }, 0);
  const result = await archiver.sweep();
  io.out(`task queue ${config.temporal.taskQueue}: ${result.listed} closed run(s) listed, ${result.archived} archived now, ${result.alreadyArchived} already archived, ${result.failed} failed (${result.durationMs} ms)`);
  return result.failed ? 1 : 0;
}

interface BulkRow {
  record: CaseRecord;
  loaded?: LoadedHistory;
  outcome?: ReplayOutcome;
  unavailable?: string;
}

async function replayAll(service: AuditHistoryService, audit: AuditContext, parsed: Parsed, io: AuditCliIo): Promise<number> {
  const t0 = Date.now();
  const cases = await service.cases(parsed.since);
  const rows: BulkRow[] = cases.map((record) => ({ record }));
  const bar = new ProgressBar(rows.length, io);
  io.out(`replaying ${rows.length} case(s)${parsed.since ? ` that occurred since ${parsed.since.toISOString()}` : ''} against the current workflow code ...`);
  const queue: BulkRow[] = [];
  const store = service.historyStore;
  async function* inputs(): AsyncGenerator<ReplayInput> {
    for (const row of rows) {
      try {
        row.loaded = await store.forCase(row.record, parsed.source);
      } catch (error) {
        row.unavailable = error instanceof Error ? error.message : String(error);
        bar.tick(row.record.number, 'unavailable');
        await service.auditTrail.record({ ...audit, action: 'case.history.replay', target: `case:${row.record.number}`, outcome: 'failure', change: { error: row.unavailable } });
        continue;
      }
      queue.push(row);
      yield { history: row.loaded.document.history, workflowId: row.loaded.workflowId };
    }
  }
  if (rows.length) {
    for await (const outcome of replayHistories(inputs())) {
      const row = queue.shift()!;
      row.outcome = outcome;
      bar.tick(row.record.number, outcome.ok ? 'ok' : 'FAILED');
      await service.auditTrail.record({
        ...audit, action: 'case.history.replay', target: `case:${row.record.number}`, outcome: outcome.ok ? 'success' : 'failure',
        change: { source: row.loaded!.source, runId: row.loaded!.runId, ok: outcome.ok, eventCount: outcome.eventCount, durationMs: outcome.durationMs, problem: outcome.problem?.en },
      });
    }
  }
  bar.done();
  const ok = rows.filter((r) => r.outcome?.ok);
  const failed = rows.filter((r) => r.outcome && !r.outcome.ok);
  const unavailable = rows.filter((r) => r.unavailable);
  const fromArchive = rows.filter((r) => r.loaded?.source === 'archive').length;
  const events = rows.reduce((n, r) => n + (r.outcome?.eventCount ?? 0), 0);
  const seconds = (Date.now() - t0) / 1000;
  io.out('');
  io.out(`summary: ${rows.length} case(s) in ${seconds.toFixed(1)} s — ${ok.length} replayed, ${failed.length} failed, ${unavailable.length} unavailable; ` +
    `${events} events, ${fromArchive} from the archive, ${rows.length - fromArchive - unavailable.length} from the Temporal server`);
  const replayMs = rows.reduce((n, r) => n + (r.outcome?.durationMs ?? 0), 0);
  if (replayMs > 0) io.out(`one replay worker for all ${ok.length + failed.length} histories: ${Math.round(events / (replayMs / 1000))} events/s (loading each history included)`);
  for (const row of failed) {
    io.out(`  ✗ ${row.record.number} (${row.outcome!.workflowType}): ${row.outcome!.problem?.en ?? 'failed'}`);
    io.out(`    ${row.outcome!.problem?.ja ?? ''}`);
  }
  for (const row of unavailable) io.out(`  ? ${row.record.number}: ${row.unavailable}`);
  return failed.length || unavailable.length ? 1 : 0;
}

/** `[██████░░░░░░]  12/40  INC-2026-0003 ok` on a terminal; one line per case otherwise. */
class ProgressBar {
  private count = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly io: AuditCliIo,
  ) {}

  tick(label: string, state: string): void {
    this.count++;
    if (!this.io.progress) {
      this.io.out(`  [${String(this.count).padStart(String(this.total).length)}/${this.total}] ${label} ${state}`);
      return;
    }
    const width = 30;
    const filled = this.total ? Math.round((this.count / this.total) * width) : width;
    const rate = this.count / Math.max(0.001, (Date.now() - this.started) / 1000);
    const line = `[${'█'.repeat(filled)}${'░'.repeat(width - filled)}] ${this.count}/${this.total}  ${rate.toFixed(1)}/s  ${label} ${state}`;
    this.io.progress.write(`\r${line.padEnd(100)}`);
  }

  done(): void {
    if (this.io.progress) this.io.progress.write('\n');
  }
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? 'unknown';
  }
}

function redact(url: string): string {
  return url.replace(/\/\/([^:/@]+):[^@]+@/, '//$1:***@');
}

if (require.main === module) {
  // The replay worker logs every state change at INFO; the auditor wants the result.
  Runtime.install({ logger: new DefaultLogger('WARN') });
  runAuditCli(process.argv.slice(2))
    .then((code) => process.exit(code))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
