import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../common/paths';

/**
 * vcsim, the vCenter simulator VMware publishes with govmomi: the vSphere adapter's tests speak
 * real vim25 SOAP to it. Built once from source with Go into the git-ignored `.tools/vcsim/`
 * (`VCSIM_PATH` names another binary). v0.46.3 is the last govmomi release whose vcsim
 * `go install` can fetch; later ones moved it to a separate module.
 */
export const VCSIM_MODULE = 'github.com/vmware/govmomi/vcsim@v0.46.3';

const toolDir = resolve(PROJECT_ROOT, '.tools', 'vcsim');

export function vcsimPath(): string {
  return process.env.VCSIM_PATH || resolve(toolDir, 'bin', 'vcsim');
}

/** Builds vcsim into `.tools/vcsim/bin` when it is missing. Everything Go writes stays under `.tools/vcsim/`. */
export function ensureVcsimBinary(log: (line: string) => void = console.log): string {
  const path = vcsimPath();
  if (existsSync(path)) return path;
  if (process.env.VCSIM_PATH) throw new Error(`VCSIM_PATH=${process.env.VCSIM_PATH}: no such file`);
  const go = spawnSync('go', ['version'], { encoding: 'utf8' });
  if (go.error || go.status !== 0) {
    throw new Error(
      'vcsim (the vCenter simulator the vSphere tests run against) is missing and Go is not installed to build it: ' +
        'install Go 1.22+ (https://go.dev/dl/) or set VCSIM_PATH to a vcsim binary',
    );
  }
  log(`[opsdesk] Building ${VCSIM_MODULE} into ${join(toolDir, 'bin')} (once, about 2 minutes) ...`);
  mkdirSync(toolDir, { recursive: true });
  const build = spawnSync('go', ['install', VCSIM_MODULE], {
    stdio: 'inherit',
    env: {
      ...process.env,
      GOBIN: join(toolDir, 'bin'),
      GOPATH: join(toolDir, 'gopath'),
      GOMODCACHE: join(toolDir, 'gopath', 'pkg', 'mod'),
      GOCACHE: join(toolDir, 'gocache'),
      GOFLAGS: '-modcacherw',
      GOTOOLCHAIN: 'local',
    },
  });
  if (build.error || build.status !== 0 || !existsSync(path)) {
    throw new Error(`could not build ${VCSIM_MODULE} with Go (${build.error?.message ?? `exit ${build.status}`}): check that Go can reach its module proxy, or set VCSIM_PATH`);
  }
  // The module and build caches are only needed to build; the binary is what stays.
  rmSync(join(toolDir, 'gocache'), { recursive: true, force: true });
  rmSync(join(toolDir, 'gopath'), { recursive: true, force: true });
  return path;
}

export interface RunningVcsim {
  /** `https://127.0.0.1:<port>/sdk` */
  url: string;
  port: number;
  username: string;
  password: string;
  pid: number;
  /** Resolves when vcsim exits (for a supervisor). */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  stop(): Promise<void>;
}

/**
 * Starts vcsim on 127.0.0.1 and a port the kernel picks, with its own TMPDIR (its datastores are
 * folders there). One per test file: a bad request can wedge it. It also exits when our end of
 * its stdin closes (`-stdinexit`), so it cannot outlive the process that started it.
 */
export async function startVcsim(options: { args?: string[]; log?: (line: string) => void; timeoutMs?: number; listen?: string } = {}): Promise<RunningVcsim> {
  const path = vcsimPath();
  if (!existsSync(path)) throw new Error(`vcsim is missing at ${path}: run "npm test" once (its set-up builds it with Go) or set VCSIM_PATH`);
  const tmp = mkdtempSync(join(process.env.OPSDESK_TEST_SCRATCH ?? tmpdir(), 'vcsim-'));
  const child = spawn(path, ['-l', options.listen ?? '127.0.0.1:0', '-stdinexit', ...(options.args ?? [])], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, TMPDIR: tmp },
  });
  const exitedHow = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', () => done({ code: -1, signal: null }));
  });
  const exited = exitedHow.then((how) => how.code);
  let output = '';
  const url = await new Promise<string>((done, fail) => {
    const timer = setTimeout(() => fail(new Error(`vcsim printed no GOVC_URL within ${options.timeoutMs ?? 30_000} ms: ${output.slice(-500)}`)), options.timeoutMs ?? 30_000);
    const read = (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      for (const line of text.split('\n')) if (line.trim()) options.log?.(line);
      const match = /GOVC_URL=(\S+)/.exec(output);
      if (match) {
        clearTimeout(timer);
        done(match[1]);
      }
    };
    child.stdout.on('data', read);
    child.stderr.on('data', read);
    void exited.then((code) => {
      clearTimeout(timer);
      fail(new Error(`vcsim exited with code ${code} before it was ready: ${output.slice(-500)}`));
    });
  });
  const parsed = new URL(url);
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.stdin.end();
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exited;
      clearTimeout(timer);
    }
    rmSync(tmp, { recursive: true, force: true });
  };
  return {
    url: `https://127.0.0.1:${parsed.port}/sdk`,
    port: Number(parsed.port),
    username: decodeURIComponent(parsed.username),
    password: decodeURIComponent(parsed.password),
    pid: child.pid ?? -1,
    exited: exitedHow,
    stop,
  };
}

/**
 * The SHA-256 thumbprint of the certificate vcsim presents (it makes its own at start): the tests
 * read it from the loopback listener they just started and pin it, as an operator pins vCenter's.
 */
export function vcsimThumbprint(port: number): Promise<string> {
  return new Promise((done, fail) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const fingerprint = socket.getPeerCertificate().fingerprint256;
      socket.destroy();
      done(fingerprint);
    });
    socket.once('error', fail);
  });
}
