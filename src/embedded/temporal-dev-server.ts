import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { SEARCH_ATTRIBUTE_TYPES } from './search-attributes';
import { temporalCliPath } from './temporal-binaries';
import { isPortOpen, waitForPort } from './ports';

export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface RunningTemporal {
  address: string;
  uiUrl?: string;
  pid: number;
  /** Settles when the server process exits, for whatever reason. */
  exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

/** `temporal server start-dev`: SQLite under dataDir (or in memory when dataDir is omitted). */
export async function startTemporalDevServer(opts: {
  port: number;
  uiPort?: number;
  dataDir?: string;
  log?: (line: string) => void;
}): Promise<RunningTemporal> {
  const args = ['server', 'start-dev', '--ip', '127.0.0.1', '--port', String(opts.port), '--log-level', 'error', '--log-format', 'pretty'];
  if (opts.uiPort) args.push('--ui-port', String(opts.uiPort), '--ui-ip', '127.0.0.1');
  else args.push('--headless');
  if (opts.dataDir) {
    mkdirSync(opts.dataDir, { recursive: true });
    args.push('--db-filename', join(opts.dataDir, 'temporal.sqlite'));
  }
  args.push('--http-port', '0', '--metrics-port', '0');
  for (const [name, type] of Object.entries(SEARCH_ATTRIBUTE_TYPES)) args.push('--search-attribute', `${name}=${type}`);
  // Short-lived test servers should not keep closed workflows around for a day.
  args.push('--dynamic-config-value', 'frontend.enableUpdateWorkflowExecution=true');

  const cli = temporalCliPath();
  if (!existsSync(cli)) throw new Error(`the Temporal CLI is missing at ${cli}: run "npm start" (it installs it) or set TEMPORAL_CLI_PATH`);
  // The dev server picks its internal ports itself; when another process takes one of them between
  // its choice and its bind, it panics at start-up (exit 2). A second try picks other ports.
  for (let attempt = 1; ; attempt++) {
    const started = await spawnDevServer(cli, args, opts.port, opts.log);
    if ('running' in started) {
      return { ...started.running, uiUrl: opts.uiPort ? `http://127.0.0.1:${opts.uiPort}` : undefined };
    }
    const reason = `Temporal dev server exited (${started.how.signal ?? `code ${started.how.code}`}) before it was ready`;
    const tail = started.outputTail.length ? `: ${started.outputTail.join(' | ')}` : '';
    if (attempt >= START_ATTEMPTS || (await isPortOpen(opts.port))) throw new Error(`${reason}${tail}`);
    opts.log?.(`${reason}${tail}; starting it again (attempt ${attempt + 1} of ${START_ATTEMPTS})`);
  }
}

const START_ATTEMPTS = 3;
const OUTPUT_TAIL_LINES = 8;

async function spawnDevServer(
  cli: string,
  args: string[],
  port: number,
  log?: (line: string) => void,
): Promise<{ running: Omit<RunningTemporal, 'uiUrl'> } | { how: ProcessExit; outputTail: string[] }> {
  const child = spawn(cli, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  const outputTail: string[] = [];
  pipeLines(child, (line) => {
    outputTail.push(line);
    if (outputTail.length > OUTPUT_TAIL_LINES) outputTail.shift();
    log?.(line);
  });
  const exited = new Promise<ProcessExit>((resolveExit) => {
    child.once('exit', (code, signal) => resolveExit({ code, signal }));
    child.once('error', () => resolveExit({ code: -1, signal: null }));
  });
  const outcome = await Promise.race([
    waitForPort(port, 60_000, 'Temporal dev server').then(() => 'ready' as const),
    exited,
  ]).catch(async (error: unknown) => {
    await stopChild(child, exited);
    throw error;
  });
  if (outcome !== 'ready') return { how: outcome, outputTail };
  return {
    running: {
      address: `127.0.0.1:${port}`,
      pid: child.pid!,
      exited,
      stop: () => stopChild(child, exited),
    },
  };
}

export function pipeLines(child: ChildProcess, log?: (line: string) => void): void {
  const forward = (chunk: Buffer) => {
    if (!log) return;
    for (const line of chunk.toString().split('\n')) if (line.trim()) log(line);
  };
  child.stdout?.on('data', forward);
  child.stderr?.on('data', forward);
}

export async function stopChild(child: ChildProcess, exited: Promise<unknown>, graceMs = 10_000): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}
