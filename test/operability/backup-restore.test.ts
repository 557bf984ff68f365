import type { INestApplication } from '@nestjs/common';
import { Client } from '@temporalio/client';
import { spawn } from 'node:child_process';
import { appendFileSync, chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BackupManifest, SystemLayout } from '../../scripts/backup';
import { PROJECT_ROOT } from '../../src/common/paths';
import { createApp } from '../../src/app';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { freePort } from '../../src/embedded/ports';
import { createOpsdeskWorker, type OpsdeskWorker } from '../../src/worker/create-worker';
import { FlowDriver } from '../support/flow';
import { complete } from './support/complete';
import { ensurePgTools } from './support/pg-tools';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';
import type { TestSystem } from '../support/test-system';

/**
 * opsdesk's own data, the way `npm start` keeps it (embedded PostgreSQL in data/postgres, the
 * Temporal dev server's SQLite in data/temporal): a case is closed, `npm run backup` copies the
 * running system, the data folder is lost, `npm run restore` brings it back, and the restarted
 * system shows and replays the closed case and carries on numbering where the backup stood.
 */
describe('backup and restore of opsdesk itself', () => {
  let scratch: string;
  let smtp: SmtpCapture;
  let layout: SystemLayout;
  let running: Embedded | undefined;

  beforeAll(async () => {
    scratch = mkdtempSync(join(tmpdir(), 'opsdesk-backup-'));
    chmodSync(scratch, 0o755);
    smtp = await startSmtpCapture();
    const dataDir = join(scratch, 'data');
    layout = {
      dataDir,
      pgPort: await freePort(),
      temporal: { sqliteFile: join(dataDir, 'temporal', 'temporal.sqlite'), port: await freePort() },
      apiPort: await freePort(),
    };
    ensurePgTools(); // pg_dump/pg_restore 15+ (README: apt-get install postgresql-client)
  }, 400_000); // a new machine may first install postgresql-client
  afterAll(async () => {
    await running?.stop();
    await smtp?.stop();
    if (scratch) rmSync(scratch, { recursive: true, force: true });
  });

  /** `npm run backup` / `npm run restore` as an operator runs them, against this layout. */
  const npmScript = (script: 'backup' | 'restore', args: string[], env: Record<string, string> = {}) =>
    runScript(join(PROJECT_ROOT, 'scripts', `${script}.ts`), args, {
      OPSDESK_DATA_DIR: layout.dataDir,
      OPSDESK_PG_PORT: String(layout.pgPort),
      OPSDESK_TEMPORAL_PORT: String(layout.temporal!.port),
      PORT: String(layout.apiPort),
      ...env,
    });
  const manifestOf = (folder: string) => JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as BackupManifest;

  test('a backup of the running system restores into a working system that still shows (and replays) its closed case', async () => {
    running = await startEmbedded(layout, smtp);
    const flow = new FlowDriver(running.system);

    // A case closed before the backup.
    const number = await closeIncident(flow, running.system);
    // Its last e-mail's evidence is written right after the SMTP server took it: wait for it.
    let closed = await flow.caseDetail(number);
    for (let i = 0; i < 50 && !closed.timeline.some((e: any) => e.kind === 'email' && String(e.data?.subject).includes('対応が完了しました')); i++) {
      await new Promise((r) => setTimeout(r, 100));
      closed = await flow.caseDetail(number);
    }
    expect(closed.status).toBe('done');

    // Online backups, to another disk: one with the sqlite3 CLI (or python3 where it is missing),
    // one forced through python3's sqlite3; --keep 1 leaves the newest.
    const outDir = join(scratch, 'offsite');
    const first = await npmScript('backup', ['--out', outDir]);
    expect(first).toMatchObject({ code: 0 });
    expect(first.stdout).toContain('server running');
    const second = await npmScript('backup', ['--out', outDir, '--keep', '1'], { OPSDESK_BACKUP_SQLITE_METHOD: 'python3-sqlite3' });
    expect(second).toMatchObject({ code: 0 });
    const folders = readdirSync(outDir);
    expect(folders).toHaveLength(1);
    const folder = join(outDir, folders[0]);
    const manifest = manifestOf(folder);
    expect(manifest).toMatchObject({ format: 'opsdesk-backup/1', mode: 'embedded', online: { postgres: true, temporal: true }, temporal: { method: 'python3-sqlite3', integrity: 'ok' } });
    expect(manifest.database.counts.case_record).toBe(1);
    expect(manifest.database.migrations.length).toBeGreaterThanOrEqual(3);
    expect(manifest.files.map((f) => f.path)).toEqual(expect.arrayContaining(['opsdesk.dump', 'temporal.sqlite']));
    expect(readFileSync(join(folder, 'SHA256SUMS'), 'utf8')).toContain('  opsdesk.dump');

    // After the backup: another case, which the restore must take back.
    const later = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'esx02', subject: 'バックアップ後の障害', summary: 'x', severity: 'minor' });
    expect(later.status).toBe(201);

    // Restore refuses while the system runs.
    const refused = await npmScript('restore', [folder]);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(/stop opsdesk first/);

    // The disk is lost.
    await running.stop();
    running = undefined;
    rmSync(join(layout.dataDir, 'postgres'), { recursive: true, force: true });
    rmSync(join(layout.dataDir, 'temporal'), { recursive: true, force: true });

    const restored = await npmScript('restore', [folder]);
    expect(restored).toMatchObject({ code: 0 });
    expect(restored.stdout).toContain('files verified');

    running = await startEmbedded(layout, smtp);
    const again = new FlowDriver(running.system);
    const shown = await again.caseDetail(number);
    expect(shown).toMatchObject({ status: 'done', number, workflowId: closed.workflowId });
    expect(shown.record).toMatchObject({ approver: closed.record.approver, completedAt: closed.record.completedAt });
    expect(shown.timeline.length).toBe(closed.timeline.length);
    expect((await again.as('ga1', 'GET', `/api/cases/${later.body.caseNumber}`)).status).toBe(404);

    // Temporal has the closed workflow again: described, and replayed against the current code.
    const handle = running.system.app.get(Client).workflow.getHandle(closed.workflowId);
    expect((await handle.describe()).status.name).toBe('COMPLETED');
    const replay = await again.as('audit1', 'POST', `/api/cases/${number}/replay?source=live`);
    expect(replay.status).toBe(200);
    expect(replay.body).toMatchObject({ ok: true, case: number, source: 'temporal' });

    // And it works: the next case takes the number after the backup's last one.
    const next = await again.as('op1', 'POST', '/api/incidents', { hostname: 'esx02', subject: '復元後の障害', summary: 'y', severity: 'minor' });
    expect(next.status).toBe(201);
    expect(next.body.caseNumber).toBe(later.body.caseNumber);
    await again.openTask(next.body.caseNumber, 'acknowledge', 'op1');
  }, 300_000);

  test('with everything stopped, backup starts PostgreSQL for the dump; a damaged backup is refused whole', async () => {
    await running?.stop();
    running = undefined;
    const outDir = join(scratch, 'cold');
    const cold = await npmScript('backup', ['--out', outDir]);
    expect(cold).toMatchObject({ code: 0 });
    expect(cold.stdout).toContain('PostgreSQL is stopped');
    const folder = join(outDir, readdirSync(outDir)[0]);
    expect(manifestOf(folder).online).toEqual({ postgres: false, temporal: false });
    appendFileSync(join(folder, 'opsdesk.dump'), 'x');
    const damaged = await npmScript('restore', [folder]);
    expect(damaged.code).toBe(1);
    expect(damaged.stderr).toMatch(/damaged: opsdesk\.dump/);
  }, 120_000);
});

/** Runs a TypeScript script as its own node process (as `npm run` would run its compiled form). */
function runScript(script: string, args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const childEnv: NodeJS.ProcessEnv = { ...process.env, ...env };
    delete childEnv.DATABASE_URL;
    delete childEnv.TEMPORAL_ADDRESS;
    const child = spawn(process.execPath, ['-r', join(__dirname, 'support', 'swc-register.js'), script, ...args], { cwd: PROJECT_ROOT, env: childEnv });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

interface Embedded {
  system: TestSystem;
  stop(): Promise<void>;
}

/** What `npm start` runs, in one test process: embedded PostgreSQL and Temporal on the data folder, API and worker. */
async function startEmbedded(layout: SystemLayout, smtp: SmtpCapture): Promise<Embedded> {
  const servers = spawn(process.execPath, ['-r', join(__dirname, 'support', 'swc-register.js'), join(__dirname, 'support', 'run-embedded.ts'), layout.dataDir, String(layout.pgPort), String(layout.temporal!.port)], {
    cwd: PROJECT_ROOT,
    // Its standard input stays open while this test runs: if the test process dies, the servers stop.
    stdio: ['pipe', 'pipe', 'inherit'],
  });
  const serversExited = new Promise((resolve) => servers.once('exit', resolve));
  const stopServers = async () => {
    if (servers.exitCode === null && servers.signalCode === null) servers.kill('SIGTERM');
    await serversExited;
  };
  const ready = await new Promise<{ databaseUrl: string; temporalAddress: string }>((resolve, reject) => {
    let out = '';
    servers.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve(JSON.parse(line) as { databaseUrl: string; temporalAddress: string });
    });
    servers.once('exit', (code) => reject(new Error(`the embedded servers exited (${code}) before they were ready`)));
  });
  try {
    return await startApiAndWorker(layout, smtp, ready, stopServers);
  } catch (error) {
    // A half-started system must not outlive the test.
    await stopServers();
    throw error;
  }
}

async function startApiAndWorker(layout: SystemLayout, smtp: SmtpCapture, ready: { databaseUrl: string; temporalAddress: string }, stopServers: () => Promise<void>): Promise<Embedded> {
  const config: AppConfig = loadConfig({
    DATABASE_URL: ready.databaseUrl,
    TEMPORAL_ADDRESS: ready.temporalAddress,
    TEMPORAL_TASK_QUEUE: 'opsdesk',
    SMTP_URL: smtp.url,
    OPSDESK_MODE: 'embedded',
    OPSDESK_DATA_DIR: layout.dataDir,
    PUBLIC_URL: 'http://opsdesk.test',
  });
  const app: INestApplication = await createApp(config, { logger: false });
  await app.listen(layout.apiPort, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const worker: OpsdeskWorker = await createOpsdeskWorker(config, { workflowBundle: { codePath: process.env.OPSDESK_TEST_WORKFLOW_BUNDLE! } });
  const run = worker.worker.run();
  const baseUrl = `http://127.0.0.1:${port}`;
  const request: TestSystem['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  };
  const system = {
    baseUrl,
    config,
    smtp,
    app,
    worker,
    request,
    login: async (username: string, password = config.demoPassword) => {
      const response = await request('POST', '/api/auth/login', { body: { username, password } });
      if (response.status !== 200) throw new Error(`login ${username} failed: ${response.status} ${response.text}`);
      return (response.body as { token: string }).token;
    },
    stopWorker: () => Promise.resolve(),
    startWorker: () => Promise.resolve(),
    close: () => Promise.resolve(),
  } as TestSystem;
  return {
    system,
    stop: async () => {
      worker.worker.shutdown();
      await run;
      await worker.close();
      await app.close();
      await stopServers();
    },
  };
}

async function closeIncident(flow: FlowDriver, system: TestSystem): Promise<string> {
  const created = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'vm-zeimu01', subject: '税務システムVM停止', summary: 'バックアップ前に完了する障害', severity: 'major' });
  if (created.status !== 201) throw new Error(`could not open an incident: ${created.status} ${created.text}`);
  const number = created.body.caseNumber as string;
  await complete(flow, number, 'acknowledge', 'op1', { outcome: 'on_site' });
  await complete(flow, number, 'triage', 'op1', { outcome: 'resolved', data: { findings: 'VM再起動', impactScope: '税務システム', serviceStopped: true } });
  await complete(flow, number, 'verify_platform', 'op1', { outcome: 'ok' });
  const request = await flow.openTask(number, 'request_department_verification');
  await complete(flow, number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
  await complete(flow, number, 'department_verification', 'dept1', { outcome: 'ok' });
  await complete(flow, number, 'approve_completion', 'ga1', { outcome: 'approved' });
  await flow.waitForStatus(number, 'done');
  // The closing e-mail's evidence is written once the SMTP server took it.
  await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('対応が完了しました'));
  return number;
}
