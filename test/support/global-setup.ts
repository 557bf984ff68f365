import { bundleOpsdeskWorkflows } from '../../src/worker/workflow-bundle';
import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/embedded/ports';
import { startEmbeddedPostgres } from '../../src/embedded/postgres';
import { ensureTemporalBinaries, temporalTestServerPath } from '../../src/embedded/temporal-binaries';
import { startTemporalDevServer } from '../../src/embedded/temporal-dev-server';
import { RUN_ID_VARIABLE } from './leftover-processes';

/**
 * Starts the real servers once for the whole run: PostgreSQL (each test file creates its own
 * database in it) and the Temporal dev server (each file uses its own task queue). The workflow
 * code is bundled once here, since every worker built from a path would run webpack again.
 */
export default async function globalSetup(): Promise<void> {
  // Inherited by every process the run starts, so the teardown can find any that a test left behind.
  process.env[RUN_ID_VARIABLE] = randomUUID();
  ensureTemporalBinaries({ testServer: true });
  const scratch = mkdtempSync(join(tmpdir(), 'opsdesk-test-'));
  chmodSync(scratch, 0o755); // PostgreSQL runs as another user when the tests run as root
  const started: Array<() => Promise<void>> = [];
  try {
    await startServers(scratch, started);
  } catch (error) {
    // Jest skips the global teardown when the set-up fails: stop here whatever did start.
    for (const stop of started.reverse()) await stop().catch(() => undefined);
    rmSync(scratch, { recursive: true, force: true });
    throw error;
  }
  (globalThis as { __opsdeskStop?: Array<() => Promise<void>> }).__opsdeskStop = started;
}

async function startServers(scratch: string, started: Array<() => Promise<void>>): Promise<void> {
  const t0 = Date.now();

  if (!process.env.DATABASE_URL) {
    const pg = await startEmbeddedPostgres({ dataDir: join(scratch, 'postgres'), port: await freePort(), ephemeral: true });
    started.push(() => pg.stop());
    process.env.OPSDESK_TEST_PG_SERVER = pg.serverUrl;
  } else {
    process.env.OPSDESK_TEST_PG_SERVER = new URL(process.env.DATABASE_URL).origin.replace(/^https?:/, 'postgresql:');
  }
  // The database platform the operation items drive (R-OP-5/6/8/9): a second server, never the app's own.
  if (!process.env.DB_PLATFORM_URL) {
    const platform = await startEmbeddedPostgres({ dataDir: join(scratch, 'db-platform'), port: await freePort(), ephemeral: true });
    started.push(() => platform.stop());
    process.env.OPSDESK_TEST_DB_PLATFORM_URL = platform.serverUrl;
  } else {
    process.env.OPSDESK_TEST_DB_PLATFORM_URL = process.env.DB_PLATFORM_URL;
  }
  if (!process.env.TEMPORAL_ADDRESS) {
    const temporal = await startTemporalDevServer({ port: await freePort() });
    started.push(() => temporal.stop());
    process.env.OPSDESK_TEST_TEMPORAL_ADDRESS = temporal.address;
  } else {
    process.env.OPSDESK_TEST_TEMPORAL_ADDRESS = process.env.TEMPORAL_ADDRESS;
  }
  process.env.TEMPORAL_TEST_SERVER_PATH = temporalTestServerPath();

  const code = await bundleOpsdeskWorkflows(quietLogger);
  const bundlePath = join(scratch, 'workflow-bundle.js');
  writeFileSync(bundlePath, code);
  process.env.OPSDESK_TEST_WORKFLOW_BUNDLE = bundlePath;
  process.env.OPSDESK_TEST_SCRATCH = scratch;
  console.log(`\n[test] PostgreSQL, Temporal dev server and workflow bundle ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
}

const quiet = () => undefined;
const quietLogger = { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error };
