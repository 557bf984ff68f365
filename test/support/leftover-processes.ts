import { readdirSync, readFileSync } from 'node:fs';

/**
 * Every process a test run starts inherits OPSDESK_TEST_RUN_ID from the global set-up (jest
 * workers, the servers and browsers they spawn, the servers those spawn). Whatever still carries
 * it when the run ends was left behind by a test.
 */
export const RUN_ID_VARIABLE = 'OPSDESK_TEST_RUN_ID';

export interface LeftoverProcess {
  pid: number;
  command: string;
}

function read(path: string): string | undefined {
  try {
    return readFileSync(path, 'latin1');
  } catch {
    return undefined; // gone meanwhile, or not ours to read
  }
}

/** Processes of this run other than the runner itself and its own jest workers. */
export function processesOfRun(runId: string): LeftoverProcess[] {
  const marker = `${RUN_ID_VARIABLE}=${runId}`;
  const found: LeftoverProcess[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    const environ = read(`/proc/${entry}/environ`);
    if (!environ?.split('\0').includes(marker)) continue;
    const command = (read(`/proc/${entry}/cmdline`) ?? '').split('\0').join(' ').trim();
    const parent = Number(/^PPid:\s+(\d+)/m.exec(read(`/proc/${entry}/status`) ?? '')?.[1]);
    if (parent === process.pid && /jest-worker|processChild/.test(command)) continue;
    found.push({ pid, command: command.slice(0, 160) });
  }
  return found;
}

/** Waits a little for processes that are on their way out, then kills and returns what stayed. */
export async function reapLeftovers(runId: string, graceMs = 5_000): Promise<LeftoverProcess[]> {
  const deadline = Date.now() + graceMs;
  let left = processesOfRun(runId);
  while (left.length > 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 250));
    left = processesOfRun(runId);
  }
  for (const { pid } of left) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }
  return left;
}

/** Every process below `root` (children, their children, ...), with its command line. */
export function descendantsOf(root: number): LeftoverProcess[] {
  const parents = new Map<number, LeftoverProcess & { parent: number }>();
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    const parent = Number(/^PPid:\s+(\d+)/m.exec(read(`/proc/${entry}/status`) ?? '')?.[1]);
    const command = (read(`/proc/${entry}/cmdline`) ?? '').split('\0').join(' ').trim();
    parents.set(pid, { pid, parent, command: command.slice(0, 160) });
  }
  const found: LeftoverProcess[] = [];
  const queue = [root];
  while (queue.length > 0) {
    const current = queue.shift()!;
    for (const p of parents.values()) {
      if (p.parent !== current) continue;
      found.push({ pid: p.pid, command: p.command });
      queue.push(p.pid);
    }
  }
  return found;
}
