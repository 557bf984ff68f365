import type { EntityManager } from '@mikro-orm/postgresql';
import { MikroORM } from '@mikro-orm/postgresql';
import { MockActivityEnvironment } from '@temporalio/testing';
import { randomUUID } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client as PgClient } from 'pg';
import { createOperationActivities } from '../../activities/operations.activities';
import type { RunOperationInput } from '../../workflows/shared/contracts';
import { OperationsService } from '../../src/operations/operations.service';
import { SimFault } from '../../src/providers/simulator/sim.entities';
import { startVcsim, vcsimThumbprint, type RunningVcsim } from '../../src/providers/vsphere/vcsim-binary';
import { VimClient } from '../../src/providers/vsphere/vim-client';
import { startTestSystem, type TestSystem } from '../support/test-system';

export interface OperationsSystem {
  system: TestSystem;
  dataDir: string;
  operations: OperationsService;
  activities: ReturnType<typeof createOperationActivities>;
  em: () => EntityManager;
  /** Runs an activity function in an activity context, collecting its heartbeats. */
  runActivity<I, O>(fn: (input: I) => Promise<O>, input: I): Promise<{ result: O; heartbeats: unknown[] }>;
  /** Inserts a row into the simulator's own fault table. */
  injectFault(fault: { operation: string; phase?: string | null; target?: string | null; kind: 'transient' | 'permanent'; remaining?: number; message?: string }): Promise<void>;
  /** A query on the database platform, as its admin. */
  platformQuery<T = any>(sql: string, params?: unknown[], database?: string): Promise<T[]>;
  input(type: string, params: Record<string, unknown>, extra?: Partial<RunOperationInput>): RunOperationInput;
  close(): Promise<void>;
}

const quiet = () => undefined;
/** Expected failures are asserted on; the SDK's WARN line for each would only be noise. */
const quietLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error };

export const uniq = (): string => randomUUID().replace(/-/g, '').slice(0, 10);

/**
 * The real system of one test file with the operation items wired: the database platform (a
 * second PostgreSQL started by the global setup), a scratch data folder for the backup store and
 * the credential key, and a fast simulator (20 ms steps) with two hosts.
 */
export async function startOperationsSystem(options: { worker?: boolean; env?: Record<string, string> } = {}): Promise<OperationsSystem> {
  const platformUrl = process.env.OPSDESK_TEST_DB_PLATFORM_URL;
  if (!platformUrl) throw new Error('OPSDESK_TEST_DB_PLATFORM_URL is not set: run the tests with `npx jest`');
  const dataDir = mkdtempSync(join(process.env.OPSDESK_TEST_SCRATCH ?? tmpdir(), 'ops-'));
  const system = await startTestSystem({
    worker: options.worker,
    env: {
      DB_PLATFORM_URL: platformUrl,
      OPSDESK_DATA_DIR: dataDir,
      HYPERVISOR_SIM_STEP_MS: '20',
      HYPERVISOR_SIM_HOSTS: 'esx01:48:256:4000,esx02:32:128:2000',
      HYPERVISOR_SIM_POOL: '10.20.10.10-10.20.10.99',
      ...options.env,
    },
  });
  const operations = system.app.get(OperationsService);
  const orm = system.app.get<MikroORM>(MikroORM);
  const caseNumber = `REQ-T-${uniq()}`;
  let step = 0;
  return {
    system,
    dataDir,
    operations,
    activities: createOperationActivities({ operations }),
    em: () => orm.em.fork(),
    runActivity: async (fn, input) => {
      const env = new MockActivityEnvironment(undefined, { logger: quietLogger });
      const heartbeats: unknown[] = [];
      env.on('heartbeat', (d: unknown) => heartbeats.push(d));
      const result: unknown = await env.run(fn, input);
      return { result: result as Awaited<ReturnType<typeof fn>>, heartbeats };
    },
    injectFault: async (fault) => {
      const em = orm.em.fork();
      em.persist(em.create(SimFault, {
        operation: fault.operation, phase: fault.phase ?? null, target: fault.target ?? null, kind: fault.kind, remaining: fault.remaining ?? 1,
        firedCount: 0, message: fault.message ?? 'injected by the test', createdAt: new Date(),
      }));
      await em.flush();
    },
    platformQuery: async (sql, params = [], database = 'postgres') => {
      const client = new PgClient({ connectionString: `${platformUrl}/${database}` });
      await client.connect();
      try {
        return (await client.query(sql, params)).rows;
      } finally {
        await client.end();
      }
    },
    input: (type, params, extra = {}) => ({
      key: `${caseNumber}:execute:${++step}`, caseId: randomUUID(), caseNumber, type, params, departmentId: null, requestedBy: '運用 一郎', ...extra,
    }),
    close: () => system.close(),
  };
}

/** Tries to log in to a database of the platform with these credentials. */
export async function canLogin(url: { host: string; port: number }, database: string, user: string, password: string): Promise<boolean | string> {
  const client = new PgClient({ host: url.host, port: url.port, database, user, password, connectionTimeoutMillis: 5_000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    return (error as { code?: string }).code ?? String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A TCP relay to vcsim that the test can cut (every connection dropped, new ones refused) and mend. */
export async function cuttableRelay(targetPort: number): Promise<{ port: number; cut(): void; mend(): void; close(): Promise<void> }> {
  const open = new Set<Socket>();
  let cut = false;
  const server: Server = createServer((client) => {
    if (cut) {
      client.destroy();
      return;
    }
    const upstream = connect(targetPort, '127.0.0.1');
    const drop = () => {
      client.destroy();
      upstream.destroy();
      open.delete(client);
      open.delete(upstream);
    };
    open.add(client).add(upstream);
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  return {
    port: (server.address() as { port: number }).port,
    cut: () => {
      cut = true;
      for (const socket of open) socket.destroy();
    },
    mend: () => {
      cut = false;
    },
    close: () => new Promise<void>((done) => {
      for (const socket of open) socket.destroy();
      server.close(() => done());
    }),
  };
}

export interface VcsimUnderTest {
  vcsim: RunningVcsim;
  thumbprint: string;
  /** A vCenter administrator's own session, for what the test does behind opsdesk's back. */
  admin: VimClient;
  /** The vSphere adapter's settings for this vcsim (HYPERVISOR=vsphere, the rhel9 template, cluster DC0_C0), with `extra` on top. */
  env(extra?: Record<string, string>): Record<string, string>;
  stop(): Promise<void>;
}

/**
 * vcsim as the vSphere tests use it. Its inventory: datacenter DC0, cluster DC0_C0 with 3 hosts of
 * 2 cores / 4 GiB, datastore LocalDS_0; DC0_H0_VM0 (10 GiB disk) becomes the rhel9 template, as an
 * operator's guest template would be.
 */
export async function startVcsimWithTemplate(options: { args?: string[] } = {}): Promise<VcsimUnderTest> {
  const vcsim = await startVcsim({ args: options.args });
  try {
    const thumbprint = await vcsimThumbprint(vcsim.port);
    const admin = new VimClient(vcsim.url, { thumbprint });
    await admin.login(vcsim.username, vcsim.password);
    const [template] = (await admin.retrieveAll('VirtualMachine', ['name'])).filter((vm) => vm.props.name === 'DC0_H0_VM0');
    await admin.waitForTask(await admin.powerOffVm(template.obj));
    await admin.call('MarkAsTemplate', template.obj, []);
    return {
      vcsim,
      thumbprint,
      admin,
      env: (extra = {}) => ({
        HYPERVISOR: 'vsphere', VSPHERE_URL: vcsim.url, VSPHERE_USER: vcsim.username, VSPHERE_PASSWORD: vcsim.password, VSPHERE_THUMBPRINT: thumbprint,
        VSPHERE_TEMPLATES: 'rhel9=DC0_H0_VM0', VSPHERE_CLUSTER: 'DC0_C0', VSPHERE_TASK_POLL_MS: '20', ...extra,
      }),
      stop: async () => {
        await admin.logout().catch(() => undefined);
        await vcsim.stop();
      },
    };
  } catch (error) {
    await vcsim.stop();
    throw error;
  }
}
