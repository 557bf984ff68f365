import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../../../src/common/paths';
import type { AppConfig } from '../../../src/config/app-config';
import { freePort } from '../../../src/embedded/ports';

/** `npm run worker` as a real child process, from the TypeScript sources, for signal tests. */
export interface WorkerProcess {
  child: ChildProcess;
  metricsUrl: string;
  /** Every JSON log line it wrote so far. */
  lines: Array<Record<string, any>>;
  /** Resolves with the exit code (or signal) once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  waitForLine(predicate: (line: Record<string, any>) => boolean, timeoutMs?: number): Promise<Record<string, any>>;
  stop(): Promise<void>;
}

export async function startWorkerProcess(config: AppConfig, env: Record<string, string> = {}): Promise<WorkerProcess> {
  // Started once it polls: the worker says so after Worker.create (bundling included).
  return startOpsdeskProcess('worker', config, env, (l) => typeof l.msg === 'string' && l.msg.startsWith('polling task queue'));
}

/** `npm run api` as a child process on a free port; `url` is where it answers. */
export async function startApiProcess(config: AppConfig, env: Record<string, string> = {}): Promise<WorkerProcess & { url: string }> {
  const port = await freePort();
  const api = await startOpsdeskProcess('api', config, { PORT: String(port), ...env }, (l) => typeof l.msg === 'string' && l.msg.startsWith('UI '));
  return { ...api, url: `http://127.0.0.1:${port}` };
}

async function startOpsdeskProcess(kind: 'api' | 'worker', config: AppConfig, env: Record<string, string>, ready: (line: Record<string, any>) => boolean): Promise<WorkerProcess> {
  const metricsPort = await freePort();
  const childEnv: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: config.databaseUrl,
    TEMPORAL_ADDRESS: config.temporal.address,
    TEMPORAL_NAMESPACE: config.temporal.namespace,
    TEMPORAL_TASK_QUEUE: config.temporal.taskQueue,
    SMTP_URL: config.smtpUrl,
    MAIL_FROM: config.mailFrom,
    PUBLIC_URL: config.publicUrl,
    OPSDESK_MODE: config.mode,
    OPSDESK_WORKER_METRICS: `127.0.0.1:${metricsPort}`,
    OPSDESK_LOG_LEVEL: 'info',
    OPSDESK_LOG_PRETTY: '0',
    OPSDESK_PROCESS_NAME: kind,
    ...env,
  };
  delete childEnv.JEST_WORKER_ID;
  const child = spawn(process.execPath, ['-r', join(__dirname, 'swc-register.js'), join(PROJECT_ROOT, 'src', kind === 'api' ? 'main.ts' : 'worker.ts')], {
    cwd: PROJECT_ROOT,
    env: childEnv,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const lines: Array<Record<string, any>> = [];
  const waiters: Array<() => void> = [];
  let partial = '';
  child.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const complete = partial.split('\n');
    partial = complete.pop() ?? '';
    for (const text of complete) {
      if (!text.trim()) continue;
      try {
        lines.push(JSON.parse(text));
      } catch {
        lines.push({ msg: text, raw: true });
      }
    }
    for (const wake of waiters.splice(0)) wake();
  });
  const stderr: string[] = [];
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>((resolve) => {
    child.once('exit', (code, signal) => {
      for (const wake of waiters.splice(0)) wake();
      resolve({ code, signal, at: Date.now() });
    });
  });

  const waitForLine: WorkerProcess['waitForLine'] = async (predicate, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = lines.find(predicate);
      if (found) return found;
      if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the worker exited (${child.exitCode ?? child.signalCode}); stderr: ${stderr.join('').slice(-2000)}`);
      if (Date.now() > deadline) throw new Error(`no such worker log line within ${timeoutMs} ms; last lines: ${JSON.stringify(lines.slice(-5))}; stderr: ${stderr.join('').slice(-1000)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 200);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  };

  const worker: WorkerProcess = {
    child,
    metricsUrl: `http://127.0.0.1:${metricsPort}/metrics`,
    lines,
    exited,
    waitForLine,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
      await exited;
      clearTimeout(timer);
    },
  };
  await waitForLine(ready, 120_000);
  return worker;
}
