/**
 * `npm run backup`: a consistent copy of opsdesk's own data into data/backups/opsdesk/<UTC time>/
 *
 *   1. the Temporal dev server's SQLite file (embedded mode): workflow histories, timers, schedules;
 *      taken FIRST, with SQLite's online backup API (the `sqlite3` CLI's `.backup`, else python3's
 *      sqlite3 module), so it is consistent while `npm start` runs;
 *   2. opsdesk's PostgreSQL (DATABASE_URL, or the embedded server): `pg_dump -Fc`, a consistent
 *      snapshot. Taken after Temporal's, so the database is never behind the workflows: on restore
 *      a workflow may redo its last activities, which are idempotent (case numbers by run id, mail
 *      by key), but never finds a row missing that its history says it wrote;
 *   3. the embedded mail sink's messages (data/mail/*.eml);
 *   4. manifest.json (what, from where, sizes, SHA-256, applied migrations, case counts) and
 *      SHA256SUMS (`sha256sum -c SHA256SUMS` checks a copy anywhere).
 *
 * Works while `npm start` runs, and with everything stopped (the embedded PostgreSQL is then
 * started on its data folder for the dump and stopped again). The folder is written as
 * `<time>.partial` and renamed when complete. Options:
 *
 *   npm run backup                        # into data/backups/opsdesk/
 *   npm run backup -- --out /mnt/backup   # elsewhere (another disk, a mounted share)
 *   npm run backup -- --keep 14           # then delete all but the 14 newest complete backups
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, createReadStream, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { Client } from 'pg';
import { PROJECT_ROOT } from '../src/common/paths';
import { isPortOpen } from '../src/embedded/ports';
import { startEmbeddedPostgres } from '../src/embedded/postgres';

export const MANIFEST_FORMAT = 'opsdesk-backup/1';
const EMBEDDED_PASSWORD = 'opsdesk-local';

/** Where opsdesk's own data lives; read from the same variables as `npm start`. */
export interface SystemLayout {
  dataDir: string;
  /** DATABASE_URL when set (standard mode); otherwise the embedded server below. */
  databaseUrl?: string;
  pgPort: number;
  /** Embedded mode only: the Temporal dev server (its SQLite file and its port). */
  temporal?: { sqliteFile: string; port: number };
  apiPort: number;
}

export function layoutFromEnv(env: NodeJS.ProcessEnv = process.env): SystemLayout {
  const dataDir = resolve(env.OPSDESK_DATA_DIR ?? join(PROJECT_ROOT, 'data'));
  return {
    dataDir,
    databaseUrl: env.DATABASE_URL || undefined,
    pgPort: Number(env.OPSDESK_PG_PORT ?? 54329),
    temporal: env.TEMPORAL_ADDRESS ? undefined : { sqliteFile: join(dataDir, 'temporal', 'temporal.sqlite'), port: Number(env.OPSDESK_TEMPORAL_PORT ?? 7233) },
    apiPort: Number(env.PORT ?? 3000),
  };
}

export interface FileEntry {
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT;
  createdAt: string;
  opsdeskVersion: string;
  mode: 'embedded' | 'standard';
  /** Whether the system was running (online backup) or stopped. */
  online: { postgres: boolean; temporal: boolean | null };
  database: { file: string; tool: string; serverVersion: string; migrations: string[]; counts: Record<string, number> };
  temporal: { file: string; method: SqliteMethod; integrity: string } | null;
  mail: { folder: string; messages: number } | null;
  files: FileEntry[];
}

type SqliteMethod = 'sqlite3-cli' | 'python3-sqlite3' | 'copy-while-stopped';

export interface BackupOptions {
  layout?: SystemLayout;
  /** Parent folder of the timestamped backups (default <dataDir>/backups/opsdesk). */
  outDir?: string;
  /** Keep only this many newest complete backups in outDir afterwards. */
  keep?: number;
  /** Force a way of copying SQLite (tests); default: the first available. */
  sqliteMethod?: SqliteMethod;
  log?: (line: string) => void;
}

export async function runBackup(options: BackupOptions = {}): Promise<{ folder: string; manifest: BackupManifest }> {
  const layout = options.layout ?? layoutFromEnv();
  const log = options.log ?? ((line: string) => console.log(`[backup] ${line}`));
  const outDir = resolve(options.outDir ?? join(layout.dataDir, 'backups', 'opsdesk'));
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  let folder = join(outDir, stamp);
  for (let i = 2; existsSync(folder) || existsSync(`${folder}.partial`); i++) folder = join(outDir, `${stamp}-${i}`);
  const partial = `${folder}.partial`;
  mkdirSync(partial, { recursive: true });
  const tools = findPgTools();

  try {
    // 1. Temporal first (see the header for why the order matters).
    let temporal: BackupManifest['temporal'] = null;
    let temporalOnline: boolean | null = null;
    if (layout.temporal && existsSync(layout.temporal.sqliteFile)) {
      temporalOnline = await isPortOpen(layout.temporal.port);
      const target = join(partial, 'temporal.sqlite');
      const method = copySqlite(layout.temporal.sqliteFile, target, temporalOnline, options.sqliteMethod);
      const integrity = sqliteIntegrity(target, method);
      if (integrity !== 'ok') throw new Error(`the copy of ${layout.temporal.sqliteFile} fails SQLite's integrity check: ${integrity}`);
      temporal = { file: 'temporal.sqlite', method, integrity };
      log(`Temporal: ${layout.temporal.sqliteFile} → temporal.sqlite (${method}${temporalOnline ? ', server running' : ''})`);
    } else if (layout.temporal) {
      log(`Temporal: no ${layout.temporal.sqliteFile} yet, nothing to copy`);
    } else {
      log('Temporal: TEMPORAL_ADDRESS is set — back up that cluster with its own tools; only opsdesk\'s database is copied here');
    }

    // 2. PostgreSQL.
    const database = await withDatabase(layout, log, async (url, online) => {
      const dump = join(partial, 'opsdesk.dump');
      pgRun(tools.pgDump, ['--format=custom', '--compress=6', `--file=${dump}`], url);
      // A dump pg_restore cannot list is no backup.
      const listed = pgRun(tools.pgRestore, ['--list', dump]).split('\n').filter((l) => l && !l.startsWith(';')).length;
      const facts = await databaseFacts(url);
      log(`PostgreSQL: ${redact(url)} → opsdesk.dump (${listed} objects, ${facts.counts.case_record ?? 0} cases${online ? ', server running' : ''})`);
      return { file: 'opsdesk.dump', tool: tools.version, online, ...facts };
    });

    // 3. The mail sink's messages (embedded mode).
    let mail: BackupManifest['mail'] = null;
    const mailDir = join(layout.dataDir, 'mail');
    if (!layout.databaseUrl && existsSync(mailDir)) {
      const names = readdirSync(mailDir).filter((n) => n.endsWith('.eml'));
      mkdirSync(join(partial, 'mail'));
      for (const name of names) copyFileSync(join(mailDir, name), join(partial, 'mail', name));
      mail = { folder: 'mail', messages: names.length };
      log(`mail sink: ${names.length} message(s)`);
    }

    // 4. Manifest and checksums.
    const files: FileEntry[] = [];
    for (const path of listFiles(partial)) files.push({ path: relative(partial, path), bytes: statSync(path).size, sha256: await sha256(path) });
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      createdAt: new Date().toISOString(),
      opsdeskVersion: (JSON.parse(readFileSync(join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version,
      mode: layout.databaseUrl ? 'standard' : 'embedded',
      online: { postgres: database.online, temporal: temporalOnline },
      database: { file: database.file, tool: database.tool, serverVersion: database.serverVersion, migrations: database.migrations, counts: database.counts },
      temporal,
      mail,
      files,
    };
    writeFileSync(join(partial, 'manifest.json'), JSON.stringify(manifest, null, 2) + '\n');
    writeFileSync(join(partial, 'SHA256SUMS'), files.map((f) => `${f.sha256}  ${f.path}`).join('\n') + '\n');
    renameSync(partial, folder);
    log(`done: ${folder} (${files.length} files, ${(files.reduce((n, f) => n + f.bytes, 0) / 1024 / 1024).toFixed(1)} MiB)`);
    if (options.keep) prune(outDir, options.keep, log);
    return { folder, manifest };
  } catch (error) {
    rmSync(partial, { recursive: true, force: true });
    throw error;
  }
}

/** Runs `work` with a URL of opsdesk's database, starting the embedded server for it if it is stopped. */
export async function withDatabase<T>(layout: SystemLayout, log: (line: string) => void, work: (url: string, online: boolean) => Promise<T>, options: { database?: string } = {}): Promise<T> {
  if (layout.databaseUrl) return work(layout.databaseUrl, true);
  const url = `postgresql://postgres:${EMBEDDED_PASSWORD}@127.0.0.1:${layout.pgPort}/${options.database ?? 'opsdesk'}`;
  if (await isPortOpen(layout.pgPort)) return work(url, true);
  log(`PostgreSQL is stopped: starting it on ${join(layout.dataDir, 'postgres')} for the moment`);
  const pg = await startEmbeddedPostgres({ dataDir: join(layout.dataDir, 'postgres'), port: layout.pgPort });
  try {
    return await work(url, false);
  } finally {
    await pg.stop();
  }
}

async function databaseFacts(url: string): Promise<{ serverVersion: string; migrations: string[]; counts: Record<string, number> }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const version = (await client.query<{ v: string }>('show server_version')).rows[0].v;
    const migrations = await client
      .query<{ name: string }>('select name from mikro_orm_migrations order by id')
      .then((r) => r.rows.map((row) => row.name))
      .catch(() => [] as string[]);
    const counts: Record<string, number> = {};
    for (const table of ['case_record', 'case_task', 'case_timeline', 'sent_mail', 'app_user']) {
      const n = await client.query<{ n: number }>(`select count(*)::int as n from "${table}"`).then((r) => r.rows[0].n).catch(() => undefined);
      if (n !== undefined) counts[table] = n;
    }
    return { serverVersion: version, migrations, counts };
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------------------------
// PostgreSQL client tools

export interface PgTools {
  pgDump: string;
  pgRestore: string;
  version: string;
}

/**
 * pg_dump and pg_restore, 15 or newer (the embedded server is 15): PG_BIN if set, else PATH, else
 * Debian's /usr/lib/postgresql/<n>/bin. Debian/Ubuntu: `apt-get install postgresql-client`.
 */
export function findPgTools(env: NodeJS.ProcessEnv = process.env): PgTools {
  const candidates: string[] = [];
  if (env.PG_BIN) candidates.push(env.PG_BIN);
  candidates.push(...(env.PATH ?? '').split(':').filter(Boolean));
  if (existsSync('/usr/lib/postgresql')) {
    for (const major of readdirSync('/usr/lib/postgresql').sort((a, b) => Number(b) - Number(a))) candidates.push(`/usr/lib/postgresql/${major}/bin`);
  }
  for (const dir of candidates) {
    const pgDump = join(dir, 'pg_dump');
    const pgRestore = join(dir, 'pg_restore');
    if (!existsSync(pgDump) || !existsSync(pgRestore)) continue;
    const version = spawnSync(pgDump, ['--version'], { encoding: 'utf8' }).stdout?.trim() ?? '';
    const major = Number(/(\d+)(?:\.\d+)?/.exec(version)?.[1] ?? 0);
    if (major >= 15) return { pgDump, pgRestore, version };
  }
  throw new Error('pg_dump/pg_restore 15 or newer not found: install them (Debian/Ubuntu: apt-get install postgresql-client) or set PG_BIN to their folder');
}

/** Runs a PostgreSQL client tool; the password goes through PGPASSWORD, never the command line. */
export function pgRun(tool: string, args: string[], url?: string): string {
  const env: NodeJS.ProcessEnv = { ...process.env };
  const finalArgs = [...args];
  if (url) {
    const parsed = new URL(url);
    if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
    parsed.password = '';
    finalArgs.push(`--dbname=${parsed.toString()}`);
  }
  const result = spawnSync(tool, finalArgs, { env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (result.status !== 0) throw new Error(`${basename(tool)} failed (${result.status ?? result.signal}): ${(result.stderr || result.stdout || '').trim().slice(-2000)}`);
  return result.stdout;
}

export function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

// ---------------------------------------------------------------------------------------------
// SQLite

function hasCommand(command: string, args: string[]): boolean {
  return spawnSync(command, args, { stdio: 'ignore' }).status === 0;
}

const PY_BACKUP = 'import sqlite3,sys\nsrc=sqlite3.connect(sys.argv[1],timeout=30)\ndst=sqlite3.connect(sys.argv[2])\nsrc.backup(dst)\ndst.close()\nsrc.close()\n';
const PY_CHECK = 'import sqlite3,sys\nprint(sqlite3.connect(sys.argv[1]).execute("pragma integrity_check").fetchone()[0])\n';

/** A consistent copy of a live SQLite database: SQLite's online backup API, through whichever tool exists. */
function copySqlite(source: string, target: string, online: boolean, forced?: SqliteMethod): SqliteMethod {
  const method: SqliteMethod | undefined =
    forced ?? (hasCommand('sqlite3', ['-version']) ? 'sqlite3-cli' : hasCommand('python3', ['-c', 'import sqlite3']) ? 'python3-sqlite3' : online ? undefined : 'copy-while-stopped');
  if (!method) throw new Error('the Temporal dev server is running and neither the sqlite3 CLI nor python3 is there to copy its database consistently: install sqlite3 (apt-get install sqlite3), or stop opsdesk and run the backup again');
  if (method === 'sqlite3-cli') execFileSync('sqlite3', ['-cmd', '.timeout 30000', source, `.backup '${target.replace(/'/g, "''")}'`], { stdio: ['ignore', 'ignore', 'pipe'] });
  else if (method === 'python3-sqlite3') execFileSync('python3', ['-c', PY_BACKUP, source, target], { stdio: ['ignore', 'ignore', 'pipe'] });
  else {
    if (online) throw new Error('copy-while-stopped needs the Temporal dev server stopped');
    copyFileSync(source, target);
    if (existsSync(`${source}-wal`)) copyFileSync(`${source}-wal`, `${target}-wal`);
  }
  return method;
}

function sqliteIntegrity(file: string, method: SqliteMethod): string {
  if (method === 'sqlite3-cli') return execFileSync('sqlite3', [file, 'pragma integrity_check;'], { encoding: 'utf8' }).trim();
  if (hasCommand('python3', ['-c', 'import sqlite3'])) return execFileSync('python3', ['-c', PY_CHECK, file], { encoding: 'utf8' }).trim();
  return 'ok';
}

// ---------------------------------------------------------------------------------------------
// files

function listFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) out.push(...listFiles(path));
    else out.push(path);
  }
  return out.sort();
}

export function sha256(path: string): Promise<string> {
  return new Promise((resolveHash, reject) => {
    const hash = createHash('sha256');
    createReadStream(path)
      .on('data', (chunk) => hash.update(chunk))
      .on('end', () => resolveHash(hash.digest('hex')))
      .on('error', reject);
  });
}

/** Complete backups in a folder, newest first. */
export function listBackups(outDir: string): string[] {
  if (!existsSync(outDir)) return [];
  return readdirSync(outDir)
    .filter((name) => !name.endsWith('.partial') && existsSync(join(outDir, name, 'manifest.json')))
    .sort()
    .reverse()
    .map((name) => join(outDir, name));
}

function prune(outDir: string, keep: number, log: (line: string) => void): void {
  for (const old of listBackups(outDir).slice(keep)) {
    rmSync(old, { recursive: true, force: true });
    log(`removed old backup ${old}`);
  }
}

// ---------------------------------------------------------------------------------------------

function argValue(args: string[], name: string): string | undefined {
  const at = args.indexOf(name);
  return at >= 0 ? args[at + 1] : undefined;
}

if (require.main === module) {
  const args = process.argv.slice(2);
  if (args.includes('--help')) {
    console.log('npm run backup [-- --out <folder>] [--keep <n>]   (see docs in README, "Operations")');
    process.exit(0);
  }
  const keep = argValue(args, '--keep');
  const method = process.env.OPSDESK_BACKUP_SQLITE_METHOD as SqliteMethod | undefined;
  runBackup({ outDir: argValue(args, '--out'), keep: keep ? Number(keep) : undefined, sqliteMethod: method || undefined }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`[backup] FAILED: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
