import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect as tlsConnect } from 'node:tls';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../../common/paths';

/**
 * vcsim, the vCenter simulator VMware publishes with govmomi: the vSphere adapter's tests speak
 * real vim25 SOAP to it. From govmomi v0.47 on the `vcsim` command is a module `go install` cannot
 * fetch, so a small main of our own (`src/providers/vsphere/vcsim/main.go`) is built on govmomi's
 * `simulator` package at the version its go.mod pins (v0.56.0: AlarmManager, PostEvent and
 * ExportSnapshot/HttpNfcLease that the older vcsim lacked or crashed on). Built once with Go into
 * the git-ignored `.tools/vcsim-opsdesk/bin/`, named by a digest of its sources so a change of
 * them builds anew; `VCSIM_PATH` names another binary.
 */
export const VCSIM_SIMULATOR = 'github.com/vmware/govmomi/simulator@v0.56.0';
/** The oldest Go that builds it (govmomi v0.56.0's go.mod says go 1.25.0). */
const MIN_GO = [1, 25] as const;

const toolDir = resolve(PROJECT_ROOT, '.tools', 'vcsim-opsdesk');
const sourceDir = resolve(PROJECT_ROOT, 'src', 'providers', 'vsphere', 'vcsim');

function sourceDigest(): string {
  const hash = createHash('sha256');
  for (const file of ['main.go', 'go.mod', 'go.sum']) hash.update(file).update(readFileSync(join(sourceDir, file)));
  return hash.digest('hex').slice(0, 12);
}

export function vcsimPath(): string {
  return process.env.VCSIM_PATH || resolve(toolDir, 'bin', `vcsim-${sourceDigest()}`);
}

/** Builds vcsim into `.tools/vcsim-opsdesk/bin` when it is missing. Everything Go writes stays under `.tools/vcsim-opsdesk/`. */
export function ensureVcsimBinary(log: (line: string) => void = console.log): string {
  const path = vcsimPath();
  if (existsSync(path)) return path;
  if (process.env.VCSIM_PATH) throw new Error(`VCSIM_PATH=${process.env.VCSIM_PATH}: no such file`);
  const go = spawnSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' });
  const version = /go(\d+)\.(\d+)/.exec(go.stdout ?? '');
  if (go.error || go.status !== 0 || !version) {
    throw new Error(
      'vcsim (the vCenter simulator the vSphere tests run against) is missing and Go is not installed to build it: ' +
        `install Go ${MIN_GO.join('.')}+ (https://go.dev/dl/) or set VCSIM_PATH to a vcsim binary`,
    );
  }
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major < MIN_GO[0] || (major === MIN_GO[0] && minor < MIN_GO[1])) {
    throw new Error(`vcsim is missing and ${version[0]} is too old to build it (${VCSIM_SIMULATOR} needs Go ${MIN_GO.join('.')}+): install a newer Go or set VCSIM_PATH`);
  }
  log(`[opsdesk] Building vcsim on ${VCSIM_SIMULATOR} into ${join(toolDir, 'bin')} (once; about a minute on two idle cores) ...`);
  mkdirSync(join(toolDir, 'bin'), { recursive: true });
  const partial = `${path}.${process.pid}.part`;
  const build = spawnSync('go', ['build', '-trimpath', '-ldflags=-s -w', '-o', partial, '.'], {
    cwd: sourceDir,
    stdio: 'inherit',
    env: {
      ...process.env,
      GOPATH: join(toolDir, 'gopath'),
      GOMODCACHE: join(toolDir, 'gopath', 'pkg', 'mod'),
      GOCACHE: join(toolDir, 'gocache'),
      GOFLAGS: '-modcacherw -mod=readonly',
      GOTOOLCHAIN: 'local',
    },
  });
  if (build.error || build.status !== 0 || !existsSync(partial)) {
    rmSync(partial, { force: true });
    throw new Error(`could not build vcsim on ${VCSIM_SIMULATOR} with Go (${build.error?.message ?? `exit ${build.status}`}): check that Go can reach its module proxy, or set VCSIM_PATH`);
  }
  renameSync(partial, path);
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
