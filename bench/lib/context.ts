/** What every section gets: the running stack, the options, progress output and measured phases. */
import { cpus } from 'node:os';
import { join } from 'node:path';
import type { Options } from './options';
import { CpuMeter, threadCpu } from './proc';
import { summariseProfile, type ProfileSummary } from './profile-summary';
import type { RpcClient } from './rpc';
import type { Role, Stack } from './stack';

export interface CpuReading {
  wallSeconds: number;
  /** CPU seconds per process group (api, worker, baseline, load, temporal, postgres, bench). */
  cpuSeconds: Record<string, number>;
  /** Busy share of all cores over the phase, 0..1. */
  machineBusyShare: number | null;
  /** Share of all cores' time spent idle waiting for disk I/O. */
  machineIowaitShare: number | null;
  /** CPU seconds used by processes outside the bench during the phase (other work on the machine). */
  foreignCpuSeconds: number | null;
  /** CPU seconds per thread name in the worker processes (main = the JS thread running activities). */
  threads: Partial<Record<Role, Record<string, number>>>;
  /** pg_stat_database of the bench's database over the phase: transactions and rows. */
  database: Record<string, number> | null;
}

const DB_COUNTERS = ['xact_commit', 'xact_rollback', 'tup_returned', 'tup_fetched', 'tup_inserted', 'tup_updated', 'tup_deleted', 'blks_read', 'blks_hit'];

export interface Measured<T> {
  result: T;
  cpu: CpuReading;
  profiles?: Partial<Record<Role, ProfileSummary[]>>;
}

export class Ctx {
  constructor(
    readonly stack: Stack,
    readonly opts: Options,
    readonly runDir: string,
    readonly say: (line: string) => void,
    readonly runId: string,
  ) {}

  /** Unique per bench run, so names never meet those of an earlier run on a shared Temporal. */
  tag(name: string): string {
    return `${this.runId}-${name}`;
  }

  get load(): RpcClient {
    return this.stack.rpc('load');
  }

  private async databaseCounters(): Promise<Record<string, number> | null> {
    try {
      const [row] = await this.stack.sql<Record<string, string>>(`select ${DB_COUNTERS.join(', ')} from pg_stat_database where datname = current_database()`);
      return Object.fromEntries(DB_COUNTERS.map((c) => [c, Number(row[c])]));
    } catch {
      return null;
    }
  }

  /** Runs one measured phase: CPU per process and per worker thread, and CPU profiles with --profile. */
  async measure<T>(label: string, fn: () => Promise<T>): Promise<Measured<T>> {
    const roles = (['api', 'worker', 'baseline'] as Role[]).filter((r) => this.stack.pid(r));
    const threadsBefore = Object.fromEntries(roles.map((r) => [r, threadCpu(this.stack.pid(r)!)]));
    if (this.opts.profile) for (const role of roles) await this.stack.rpc(role).call('profile-start');
    const dbBefore = await this.databaseCounters();
    const meter = new CpuMeter(() => this.stack.processGroups());
    const result = await fn();
    const reading = meter.read();
    await new Promise((r) => setTimeout(r, 1_100)); // PostgreSQL publishes its counters about once a second
    const dbAfter = await this.databaseCounters();
    const database = dbBefore && dbAfter ? Object.fromEntries(DB_COUNTERS.map((c) => [c, dbAfter[c] - dbBefore[c]])) : null;
    const threads: CpuReading['threads'] = {};
    for (const role of roles) {
      const pid = this.stack.pid(role);
      if (!pid) continue;
      const after = threadCpu(pid);
      const delta: Record<string, number> = {};
      for (const [name, seconds] of Object.entries(after)) {
        const d = seconds - (threadsBefore[role]?.[name] ?? 0);
        if (d > 0.005) delta[name] = Math.round(d * 100) / 100;
      }
      threads[role] = delta;
    }
    const measured: Measured<T> = { result, cpu: { ...reading, threads, database } };
    const capacity = reading.wallSeconds * cpus().length;
    if (reading.foreignCpuSeconds !== null && capacity > 0 && reading.foreignCpuSeconds / capacity > 0.1) {
      this.say(`  note: processes outside the bench used ${Math.round((reading.foreignCpuSeconds / capacity) * 100)} % of the machine's CPU during ${label}: its figures are disturbed`);
    }
    if (this.opts.profile) {
      measured.profiles = {};
      for (const role of roles) {
        if (!this.stack.pid(role)) continue;
        const file = join(this.runDir, 'profiles', `${label}.${role}.cpuprofile`);
        const files = await this.stack.rpc(role).call<string[]>('profile-stop', { file });
        measured.profiles[role] = files.map((f) => summariseProfile(f));
      }
    }
    return measured;
  }
}
