/**
 * `npm run histories:capture [-- <scenario name> ...]`: recaptures the workflow histories under
 * test/histories/ that `npm test` replays against the current workflow code
 * (test/replay/replay-histories.test.ts).
 *
 * It runs the scripted cases of test/histories/scenarios.ts on an in-process system, built the way
 * the tests build theirs: a throwaway embedded PostgreSQL, a Temporal dev server with the API, a
 * worker and an SMTP sink (test/support/test-system.ts) for the paths users drive, and Temporal's
 * time-skipping test server (test/support/time-skipping.ts) for the paths where hours or weeks must
 * pass. Each closed history is replayed once before it is written; then test/histories/manifest.json
 * lists what was captured. Nothing outside test/histories/ is touched.
 */
import 'reflect-metadata';
import { DefaultLogger, Runtime } from '@temporalio/worker';
import { bundleOpsdeskWorkflows } from '../src/worker/workflow-bundle';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { documentFromProto, summarize } from '../src/audit-history/history-json';
import { replayHistory } from '../src/audit-history/replay';
import { PROJECT_ROOT } from '../src/common/paths';
import { freePort } from '../src/embedded/ports';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import { ensureTemporalBinaries, temporalTestServerPath } from '../src/embedded/temporal-binaries';
import { startTemporalDevServer } from '../src/embedded/temporal-dev-server';
import { API_SCENARIOS, TIME_SKIPPING_SCENARIOS, type Scenario } from '../test/histories/scenarios';
import { pathFeatures } from '../test/replay/history-features';
import type { TestSystem } from '../test/support/test-system';
import type { TimeSkippingSystem } from '../test/support/time-skipping';

const HISTORIES_DIR = join(PROJECT_ROOT, 'test', 'histories');
const say = (line: string) => console.log(`[capture] ${line}`);

export interface ManifestEntry {
  file: string;
  name: string;
  description: string;
  server: Scenario['server'];
  workflowType: string;
  workflowId: string;
  eventCount: number;
  closeStatus: string;
  sha256: string;
  paths: string[];
  /**
   * A history of an older code path that running cases may still take (e.g. from before a
   * patched() change): no scenario recaptures it, and a full recapture keeps it.
   */
  frozen?: boolean;
}

export interface Manifest {
  capturedAt: string;
  recapture: string;
  histories: ManifestEntry[];
}

async function main(): Promise<void> {
  Runtime.install({ logger: new DefaultLogger('WARN') });
  const only = process.argv.slice(2);
  const scenarios = [...API_SCENARIOS, ...TIME_SKIPPING_SCENARIOS].filter((s) => only.length === 0 || only.includes(s.name));
  if (only.length && scenarios.length !== only.length) throw new Error(`unknown scenario(s); known: ${[...API_SCENARIOS, ...TIME_SKIPPING_SCENARIOS].map((s) => s.name).join(', ')}`);
  const t0 = Date.now();
  const scratch = mkdtempSync(join(tmpdir(), 'opsdesk-capture-'));
  chmodSync(scratch, 0o755);
  const stops: Array<() => Promise<unknown>> = [];
  try {
    ensureTemporalBinaries({ testServer: true });
    const pg = await startEmbeddedPostgres({ dataDir: join(scratch, 'postgres'), port: await freePort(), ephemeral: true });
    stops.push(() => pg.stop());
    const temporal = await startTemporalDevServer({ port: await freePort() });
    stops.push(() => temporal.stop());
    process.env.OPSDESK_TEST_PG_SERVER = pg.serverUrl;
    process.env.OPSDESK_TEST_TEMPORAL_ADDRESS = temporal.address;
    process.env.TEMPORAL_TEST_SERVER_PATH = temporalTestServerPath();
    process.env.OPSDESK_ARCHIVE_INTERVAL_SECONDS = '0';
    process.env.OPSDESK_LOG_LEVEL ??= 'warn';
    const quiet = () => undefined;
    const code = await bundleOpsdeskWorkflows(
      { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: console.warn, error: console.error },
      join(PROJECT_ROOT, 'workflows', 'index.ts'),
    );
    const bundlePath = join(scratch, 'workflow-bundle.js');
    writeFileSync(bundlePath, code);
    process.env.OPSDESK_TEST_WORKFLOW_BUNDLE = bundlePath;
    say(`servers and workflow bundle ready in ${((Date.now() - t0) / 1000).toFixed(1)} s`);

    // Loaded only now: the harness reads the environment set above.
    const { startTestSystem } = await import('../test/support/test-system');
    const { startTimeSkippingSystem } = await import('../test/support/time-skipping');
    let api: TestSystem | undefined;
    let ts: TimeSkippingSystem | undefined;
    const entries: ManifestEntry[] = [];
    for (const scenario of scenarios) {
      const s0 = Date.now();
      if (scenario.server === 'dev-server' && !api) {
        api = await startTestSystem();
        stops.push(() => api!.close());
      }
      if (scenario.server === 'time-skipping' && !ts) {
        ts = await startTimeSkippingSystem();
        stops.push(() => ts!.close());
      }
      const run = await scenario.run({ api, ts });
      const history = await run.client.workflow.getHandle(run.workflowId, run.runId).fetchHistory();
      const document = documentFromProto(history);
      const summary = summarize(document.history);
      if (summary.closeStatus === 'RUNNING') throw new Error(`${scenario.name}: the workflow has not closed`);
      if (summary.workflowType !== 'backupWorkflow' && summary.closeStatus !== 'COMPLETED') throw new Error(`${scenario.name}: the workflow ended ${summary.closeStatus}`);
      const replay = await replayHistory({ history: document.history, workflowId: run.workflowId }, { codePath: bundlePath });
      if (!replay.ok) throw new Error(`${scenario.name}: the fresh history does not replay: ${replay.problem?.en}`);
      const file = `${scenario.name}.history.json`;
      writeFileSync(join(HISTORIES_DIR, file), `${document.json}\n`);
      const paths = [...pathFeatures(document.history)].sort();
      entries.push({
        file, name: scenario.name, description: scenario.description, server: scenario.server, workflowType: summary.workflowType,
        workflowId: run.workflowId, eventCount: summary.eventCount, closeStatus: summary.closeStatus, sha256: document.sha256, paths,
      });
      say(`${scenario.name}: ${summary.workflowType}, ${summary.eventCount} events, paths ${paths.join(', ')} (${((Date.now() - s0) / 1000).toFixed(1)} s)`);
    }

    // A partial recapture keeps the other entries; a full one replaces the folder's histories.
    // Frozen histories (older paths still replayed) stay either way.
    const previous = readManifest().histories.filter((h) => (only.length ? !only.includes(h.name) : h.frozen === true));
    if (!only.length) {
      const kept = [...entries, ...previous];
      for (const file of readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.history.json') && !kept.some((e) => e.file === f))) unlinkSync(join(HISTORIES_DIR, file));
    }
    const manifest: Manifest = {
      capturedAt: new Date().toISOString(),
      recapture: 'npm run histories:capture',
      histories: [...previous, ...entries].sort((a, b) => a.name.localeCompare(b.name)),
    };
    writeFileSync(join(HISTORIES_DIR, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    say(`wrote ${entries.length} histor${entries.length === 1 ? 'y' : 'ies'} and manifest.json to test/histories/ in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } finally {
    for (const stop of stops.reverse()) await stop().catch((error: unknown) => say(`stop: ${error instanceof Error ? error.message : String(error)}`));
    rmSync(scratch, { recursive: true, force: true });
  }
}

function readManifest(): Manifest {
  return JSON.parse(readFileSync(join(HISTORIES_DIR, 'manifest.json'), 'utf8')) as Manifest;
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error('[capture] failed:', error);
    process.exit(1);
  },
);
