import { rmSync } from 'node:fs';

export default async function globalTeardown(): Promise<void> {
  const stops = (globalThis as { __opsdeskStop?: Array<() => Promise<void>> }).__opsdeskStop ?? [];
  for (const stop of stops.reverse()) await stop();
  if (process.env.OPSDESK_TEST_SCRATCH) rmSync(process.env.OPSDESK_TEST_SCRATCH, { recursive: true, force: true });
}
