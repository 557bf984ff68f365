/**
 * The system under test, started by the bench itself: embedded PostgreSQL and the Temporal dev
 * server (unless DATABASE_URL / TEMPORAL_ADDRESS point elsewhere), the bench's SMTP server, and the
 * API, the opsdesk worker, the baseline worker and the load client as child processes.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { bundleOpsdeskWorkflows } from '../../src/worker/workflow-bundle';
import { Client as TemporalClient, Connection } from '@temporalio/client';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { chmodSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { freePort } from '../../src/embedded/ports';
import { startEmbeddedPostgres, type RunningPostgres } from '../../src/embedded/postgres';
import { ensureTemporalBinaries, temporalCliPath } from '../../src/embedded/temporal-binaries';
import { startTemporalDevServer, type RunningTemporal } from '../../src/embedded/temporal-dev-server';
import { findDescendant, type ProcessGroup } from './proc';
import { RpcClient, type RpcEvent } from './rpc';
import { startSmtpSink, type SmtpSink } from './smtp-sink';

export interface StackOptions {
  runId: string;
  logDir: string;
  keepData: boolean;
  say: (line: string) => void;
  onProgress: (who: string, event: RpcEvent) => void;
}

export interface Versions {
  node: string;
  temporalCli: string | null;
  temporalServer: string | null;
  postgres: string | null;
  temporalSdk: string;
  nestjs: string;
}

export type Role = 'api' | 'worker' | 'baseline' | 'load' | 'replay';

const quiet = () => undefined;
const bundleLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error };

export class Stack {
  readonly scratch: string;
  pg: RunningPostgres | null = null;
  temporalServer: RunningTemporal | null = null;
  smtp!: SmtpSink;
  databaseUrl!: string;
  databaseName!: string;
  temporalAddress!: string;
  namespace = process.env.TEMPORAL_NAMESPACE ?? 'default';
  apiPort!: number;
  readonly taskQueue: string;
  readonly baselineTaskQueue: string;
  workflowBundle!: string;
  baselineBundle!: string;
  temporal!: TemporalClient;
  readonly children = new Map<Role, RpcClient>();
  /** Set before the API starts (section 7: where Prometheus is). */
  extraEnv: Record<string, string> = {};
  private externalDatabase = false;
  private readonly exits = new Map<Role, Promise<unknown>>();

  constructor(private readonly options: StackOptions) {
    this.scratch = mkdtempSync(join(tmpdir(), 'opsdesk-bench-'));
    chmodSync(this.scratch, 0o755); // PostgreSQL runs as another user when the bench runs as root
    this.taskQueue = `bench-opsdesk-${options.runId}`;
    this.baselineTaskQueue = `bench-baseline-${options.runId}`;
  }

  get mode(): { postgres: 'embedded' | 'external'; temporal: 'embedded' | 'external' } {
    return { postgres: this.pg ? 'embedded' : 'external', temporal: this.temporalServer ? 'embedded' : 'external' };
  }

  async startServers(): Promise<void> {
    const { say } = this.options;
    const serverLog = (name: string) => {
      const fd = openSync(join(this.options.logDir, `${name}.log`), 'a');
      return (line: string) => writeFileSync(fd, `${line}\n`);
    };
    if (process.env.DATABASE_URL) {
      // A database of its own on that server: the bench writes 100,000 cases and demo accounts.
      this.externalDatabase = true;
      this.databaseName = `opsdesk_bench_${this.options.runId.replace(/[^a-z0-9]/gi, '').toLowerCase()}`;
      const admin = new PgClient({ connectionString: process.env.DATABASE_URL });
      await admin.connect();
      try {
        await admin.query(`CREATE DATABASE "${this.databaseName}"`);
      } finally {
        await admin.end();
      }
      const url = new URL(process.env.DATABASE_URL);
      url.pathname = `/${this.databaseName}`;
      this.databaseUrl = url.toString();
      say(`PostgreSQL: DATABASE_URL's server, new database ${this.databaseName}`);
    } else {
      const port = await freePort();
      say(`starting embedded PostgreSQL on 127.0.0.1:${port} ...`);
      this.pg = await startEmbeddedPostgres({ dataDir: join(this.scratch, 'postgres'), port, ephemeral: true, log: serverLog('postgres') });
      this.databaseName = 'opsdesk_bench';
      await this.pg.createDatabase(this.databaseName);
      this.databaseUrl = this.pg.urlFor(this.databaseName);
    }
    if (process.env.TEMPORAL_ADDRESS) {
      this.temporalAddress = process.env.TEMPORAL_ADDRESS;
      say(`Temporal: ${this.temporalAddress} (TEMPORAL_ADDRESS), namespace ${this.namespace}`);
    } else {
      ensureTemporalBinaries({ testServer: false });
      const port = await freePort();
      say(`starting the Temporal dev server on 127.0.0.1:${port} (SQLite file, as npm start) ...`);
      this.temporalServer = await startTemporalDevServer({ port, dataDir: join(this.scratch, 'temporal'), log: serverLog('temporal') });
      this.temporalAddress = this.temporalServer.address;
    }
    this.smtp = await startSmtpSink();
    const connection = await Connection.connect({ address: this.temporalAddress });
    this.temporal = new TemporalClient({ connection, namespace: this.namespace });
  }

  async bundle(): Promise<void> {
    const t0 = Date.now();
    // opsdesk's bundle as opsdesk builds it (src/worker/workflow-bundle.ts); the baseline's as the SDK does by default.
    const opsdesk = { code: await bundleOpsdeskWorkflows(bundleLogger) };
    this.workflowBundle = join(this.scratch, 'opsdesk-workflows.js');
    writeFileSync(this.workflowBundle, opsdesk.code);
    const baseline = await bundleWorkflowCode({ workflowsPath: require.resolve('../baseline/workflows'), logger: bundleLogger });
    this.baselineBundle = join(this.scratch, 'baseline-workflows.js');
    writeFileSync(this.baselineBundle, baseline.code);
    this.options.say(`workflow bundles ready in ${((Date.now() - t0) / 1000).toFixed(1)} s (opsdesk ${(opsdesk.code.length / 1024).toFixed(0)} KiB, baseline ${(baseline.code.length / 1024).toFixed(0)} KiB)`);
  }

  private env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      OPSDESK_MODE: 'embedded', // demo accounts and the demo alert source, in the bench's own database
      OPSDESK_DATA_DIR: join(this.scratch, 'data'),
      DATABASE_URL: this.databaseUrl,
      TEMPORAL_ADDRESS: this.temporalAddress,
      TEMPORAL_NAMESPACE: this.namespace,
      TEMPORAL_TASK_QUEUE: this.taskQueue,
      SMTP_URL: this.smtp.url,
      MAIL_FROM: '"運用保守デスク" <opsdesk@example.lg.jp>',
      PORT: String(this.apiPort),
      PUBLIC_URL: 'http://opsdesk.bench',
      // The one setting a run may change from outside: the worker's cache is what section 5 measures.
      ...(process.env.WORKER_MAX_CACHED_WORKFLOWS ? { WORKER_MAX_CACHED_WORKFLOWS: process.env.WORKER_MAX_CACHED_WORKFLOWS } : {}),
      ...this.extraEnv,
      ...extra,
    };
  }

  private async startChild(role: Role, script: string, env: NodeJS.ProcessEnv, timeoutMs = 120_000, execArgv: string[] = []): Promise<RpcClient> {
    const logFile = join(this.options.logDir, `${role}.log`);
    const fd = openSync(logFile, 'a');
    const child: ChildProcess = fork(join(__dirname, '..', script), [], { env, stdio: ['ignore', fd, fd, 'ipc'], execArgv });
    closeSync(fd);
    let ready!: (data: unknown) => void;
    const readyPromise = new Promise((resolve) => (ready = resolve));
    const rpc = new RpcClient(role, child, (event) => (event.type === 'ready' ? ready(event.data) : this.options.onProgress(role, event)));
    const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
    this.exits.set(role, exited);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      readyPromise,
      exited.then((code) => { throw new Error(`${role} exited with code ${String(code)} before it was ready:\n${tail(logFile)}`); }),
      new Promise((_, reject) => { timer = setTimeout(() => reject(new Error(`${role} not ready within ${timeoutMs / 1000} s:\n${tail(logFile)}`)), timeoutMs); }),
    ]).finally(() => clearTimeout(timer));
    this.children.set(role, rpc);
    return rpc;
  }

  async startApi(): Promise<RpcClient> {
    this.apiPort ??= await freePort();
    return this.startChild('api', 'processes/api.js', this.env());
  }

  async startWorker(extra: Record<string, string> = {}): Promise<RpcClient> {
    return this.startChild('worker', 'processes/worker.js', this.env({ BENCH_WORKFLOW_BUNDLE: this.workflowBundle, ...extra }));
  }

  async startBaselineWorker(): Promise<RpcClient> {
    return this.startChild('baseline', 'processes/baseline-worker.js', this.env({ BENCH_BASELINE_BUNDLE: this.baselineBundle, BENCH_BASELINE_TASK_QUEUE: this.baselineTaskQueue }));
  }

  async startLoadClient(): Promise<RpcClient> {
    return this.startChild('load', 'load/client.js', { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' });
  }

  /** The replay process; `profileDir` runs it under `--cpu-prof` (every thread writes a profile at exit). */
  async startReplay(profileDir?: string): Promise<RpcClient> {
    const execArgv = profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [];
    return this.startChild('replay', 'processes/replay.js', { PATH: process.env.PATH, HOME: process.env.HOME, NODE_ENV: 'production' }, 120_000, execArgv);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.apiPort}`;
  }

  rpc(role: Role): RpcClient {
    const client = this.children.get(role);
    if (!client) throw new Error(`${role} is not running`);
    return client;
  }

  pid(role: Role): number | null {
    return this.children.get(role)?.child.pid ?? null;
  }

  /** Graceful stop (the worker drains), then SIGKILL if it hangs. */
  async stopChild(role: Role, graceMs = 30_000): Promise<void> {
    const rpc = this.children.get(role);
    if (!rpc) return;
    this.children.delete(role);
    const exited = this.exits.get(role)!;
    if (rpc.child.exitCode !== null) return;
    rpc.call('shutdown').catch(() => undefined);
    const timer = setTimeout(() => rpc.child.kill('SIGKILL'), graceMs);
    await exited;
    clearTimeout(timer);
  }

  /** The process groups whose CPU time the bench follows. */
  processGroups(): ProcessGroup[] {
    const groups: ProcessGroup[] = [];
    for (const role of ['api', 'worker', 'baseline', 'load', 'replay'] as Role[]) {
      const pid = this.pid(role);
      if (pid) groups.push({ name: role, pid });
    }
    const temporalPid = this.temporalServerPid();
    if (temporalPid) groups.push({ name: 'temporal', pid: temporalPid });
    const postgresPid = this.postgresPid();
    if (postgresPid) groups.push({ name: 'postgres', pid: postgresPid });
    groups.push({ name: 'bench', pid: process.pid });
    return groups;
  }

  private cachedTemporalPid: number | null | undefined;
  private cachedPostgresPid: number | null | undefined;

  temporalServerPid(): number | null {
    if (!this.temporalServer) return null;
    this.cachedTemporalPid ??= findDescendant(process.pid, /^temporal/);
    return this.cachedTemporalPid;
  }

  postgresPid(): number | null {
    if (!this.pg) return null;
    this.cachedPostgresPid ??= findDescendant(process.pid, /^postgres$/);
    return this.cachedPostgresPid;
  }

  async sql<T = Record<string, unknown>>(text: string, values: unknown[] = []): Promise<T[]> {
    const client = new PgClient({ connectionString: this.databaseUrl });
    await client.connect();
    try {
      return (await client.query(text, values)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async versions(): Promise<Versions> {
    let temporalCli: string | null = null;
    let temporalServer: string | null = null;
    if (this.temporalServer) {
      try {
        const text = execFileSync(temporalCliPath(), ['--version'], { encoding: 'utf8' }).trim();
        temporalCli = /temporal version (\S+)/.exec(text)?.[1] ?? text;
        temporalServer = /Server (\S+?)[,)]/.exec(text)?.[1] ?? null;
      } catch {
        temporalCli = null;
      }
    }
    try {
      const info = await this.temporal.workflowService.getSystemInfo({});
      temporalServer = info.serverVersion || temporalServer;
    } catch {
      // older servers
    }
    const [pg] = await this.sql<{ version: string }>('select version()').catch(() => [{ version: '' }]);
    const pkg = (name: string) => {
      try {
        return (JSON.parse(readFileSync(require.resolve(`${name}/package.json`), 'utf8')) as { version: string }).version;
      } catch {
        return 'unknown';
      }
    };
    return {
      node: process.version,
      temporalCli,
      temporalServer,
      postgres: pg?.version || null,
      temporalSdk: pkg('@temporalio/worker'),
      nestjs: pkg('@nestjs/core'),
    };
  }

  async stop(): Promise<void> {
    for (const role of ['load', 'api', 'worker', 'baseline', 'replay'] as Role[]) await this.stopChild(role).catch(() => undefined);
    await this.temporal?.connection.close().catch(() => undefined);
    await this.smtp?.stop().catch(() => undefined);
    await this.temporalServer?.stop().catch(() => undefined);
    await this.pg?.stop().catch(() => undefined);
    if (this.externalDatabase && !this.options.keepData && process.env.DATABASE_URL) {
      const admin = new PgClient({ connectionString: process.env.DATABASE_URL });
      await admin.connect().then(() => admin.query(`DROP DATABASE IF EXISTS "${this.databaseName}"`)).catch(() => undefined).finally(() => admin.end().catch(() => undefined));
    }
    if (!this.options.keepData && existsSync(this.scratch)) rmSync(this.scratch, { recursive: true, force: true });
  }
}

function tail(file: string, lines = 30): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function ensureDir(dir: string): string {
  mkdirSync(dir, { recursive: true });
  return dir;
}
