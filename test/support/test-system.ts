import type { INestApplication } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../src/app';
import { loadConfig, type AppConfig } from '../../src/config/app-config';
import { createOpsdeskWorker, type OpsdeskWorker } from '../../src/worker/create-worker';
import { createTestDatabase } from './databases';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture';

export interface TestSystem {
  baseUrl: string;
  config: AppConfig;
  smtp: SmtpCapture;
  app: INestApplication;
  worker?: OpsdeskWorker;
  /** Signs in a demo account and returns its bearer token. */
  login(username: string, password?: string): Promise<string>;
  request(method: string, path: string, options?: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> }): Promise<{ status: number; body: any; text: string }>;
  stopWorker(): Promise<void>;
  startWorker(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The real system for one test file: its own database, its own task queue on the shared Temporal
 * server, a real SMTP server that records what it receives, the API on a random loopback port and
 * (unless `worker: false`) a worker running the bundled workflow code.
 */
export async function startTestSystem(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<TestSystem> {
  const smtp = await startSmtpCapture();
  try {
    return await startOnCapture(smtp, options);
  } catch (error) {
    // A half-started system must not keep the run alive: what did start is stopped here.
    await smtp.stop();
    throw error;
  }
}

async function startOnCapture(smtp: SmtpCapture, options: { worker?: boolean; env?: Record<string, string> }): Promise<TestSystem> {
  const databaseUrl = await createTestDatabase();
  const config = loadConfig({
    DATABASE_URL: databaseUrl,
    TEMPORAL_ADDRESS: process.env.OPSDESK_TEST_TEMPORAL_ADDRESS,
    TEMPORAL_TASK_QUEUE: `test-${randomUUID()}`,
    // Test files share one Temporal namespace; alert incidents have ids from host and alert name.
    TEMPORAL_WORKFLOW_ID_PREFIX: `t-${randomUUID().slice(0, 8)}:`,
    SMTP_URL: smtp.url,
    MAIL_FROM: '"運用保守デスク" <opsdesk@example.lg.jp>',
    OPSDESK_MODE: 'embedded',
    PORT: '0',
    PUBLIC_URL: 'http://opsdesk.test',
    // Each test file has its own task queue: no report schedules left behind unless a test asks.
    REPORT_SCHEDULES: 'off',
    ...options.env,
  });
  const app = await createApp(config, { logger: false });
  await app.listen(0, '127.0.0.1');
  const { port } = app.getHttpServer().address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;

  let worker: OpsdeskWorker | undefined;
  let running: Promise<void> | undefined;
  const startWorker = async () => {
    worker = await createOpsdeskWorker(config, { workflowBundle: { codePath: process.env.OPSDESK_TEST_WORKFLOW_BUNDLE! } });
    running = worker.worker.run();
  };
  const stopWorker = async () => {
    if (!worker) return;
    worker.worker.shutdown();
    await running;
    await worker.close();
    worker = undefined;
  };
  if (options.worker !== false) {
    try {
      await startWorker();
    } catch (error) {
      await app.close();
      throw error;
    }
  }

  const request: TestSystem['request'] = async (method, path, opts = {}) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    let body: string | undefined = opts.rawBody;
    if (opts.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(opts.body);
    } else if (opts.rawBody !== undefined) {
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = undefined;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, body: parsed, text };
  };

  return {
    baseUrl,
    config,
    smtp,
    app,
    get worker() {
      return worker;
    },
    request,
    login: async (username, password = config.demoPassword) => {
      const response = await request('POST', '/api/auth/login', { body: { username, password } });
      if (response.status !== 200) throw new Error(`login ${username} failed: ${response.status} ${response.text}`);
      return response.body.token as string;
    },
    stopWorker,
    startWorker,
    close: async () => {
      await stopWorker();
      await app.close();
      await smtp.stop();
    },
  };
}
