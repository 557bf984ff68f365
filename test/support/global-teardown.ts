import { rmSync } from 'node:fs';
import { reapLeftovers, RUN_ID_VARIABLE } from './leftover-processes';

export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __opsdeskStop?: Array<() => Promise<void>> }).__opsdeskStop ?? [];
  for (const stop of stops.reverse()) {
    // A server that will not stop must not keep the run from ending: the leftover check below kills it.
    await Promise.race([stop().catch((error: unknown) => console.error(`[test] stopping a server failed: ${String(error)}`)), new Promise((r) => setTimeout(r, 30_000).unref())]);
  }
  if (process.env.OPSDESK_TEST_SCRATCH) rmSync(process.env.OPSDESK_TEST_SCRATCH, { recursive: true, force: true });

  const runId = process.env[RUN_ID_VARIABLE];
  if (!runId) return;
  const leftovers = await reapLeftovers(runId);
  if (leftovers.length > 0) {
    throw new Error(
      `${leftovers.length} process(es) started by the tests were still running after the run (now killed); ` +
        `the test that started them must stop them, also when it fails:\n${leftovers.map((p) => `  pid ${p.pid}: ${p.command}`).join('\n')}`,
    );
  }
}
