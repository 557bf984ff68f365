/**
 * Waits until `probe` gives a truthy value and returns it: for what a real server does in its own
 * time (a worker, Prometheus, vcsim, a listener). A probe that throws is tried again; the last
 * error is in the timeout's message. Generous by default: the suite runs on a loaded 2-core machine.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined | null | false>, timeoutMs = 60_000, everyMs = 100): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : JSON.stringify(last)})` : ''}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}
