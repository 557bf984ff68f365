/**
 * `npm run restore -- <backup folder | latest>`: puts a backup of `npm run backup` back.
 *
 * With opsdesk STOPPED (it refuses while the API, the embedded PostgreSQL or the embedded Temporal
 * answer on their ports). It
 *   1. checks every file against the manifest's SHA-256 (a damaged backup is refused whole);
 *   2. puts the Temporal SQLite file in place (embedded mode); the one it replaces is kept beside it
 *      as temporal.sqlite.before-restore-<time>;
 *   3. restores PostgreSQL: embedded — the current database is renamed
 *      opsdesk_before_restore_<time> (drop it once satisfied) and a new `opsdesk` is restored from
 *      the dump; DATABASE_URL — `pg_restore --clean --if-exists` into that database (the API and
 *      workers must be stopped; `--yes` confirms it);
 *   4. copies back mail sink messages that are missing;
 *   5. compares the restored row counts with the manifest's.
 * Works on an empty machine too (data/ lost): the embedded PostgreSQL is initialised first.
 * Then `npm start`: migrations newer than the backup are applied as at any start.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Client } from 'pg';
import { isPortOpen } from '../src/embedded/ports';
import { findPgTools, layoutFromEnv, listBackups, MANIFEST_FORMAT, pgRun, redact, sha256, withDatabase, type BackupManifest, type SystemLayout } from './backup';

export interface RestoreOptions {
  /** A backup folder, or 'latest' (the newest under <dataDir>/backups/opsdesk). */
  from: string;
  layout?: SystemLayout;
  /** Needed with DATABASE_URL: the operator confirms nothing uses that database now. */
  yes?: boolean;
  log?: (line: string) => void;
}

export interface RestoreResult {
  folder: string;
  manifest: BackupManifest;
  counts: Record<string, number>;
  keptAside: string[];
}

export async function runRestore(options: RestoreOptions): Promise<RestoreResult> {
  const layout = options.layout ?? layoutFromEnv();
  const log = options.log ?? ((line: string) => console.log(`[restore] ${line}`));
  const folder = options.from === 'latest' ? listBackups(join(layout.dataDir, 'backups', 'opsdesk'))[0] : resolve(options.from);
  if (!folder || !existsSync(join(folder, 'manifest.json'))) throw new Error(`no backup at ${options.from} (a folder with manifest.json)`);
  const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as BackupManifest;
  if (manifest.format !== MANIFEST_FORMAT) throw new Error(`unknown backup format ${String(manifest.format)}`);

  // 1. Every file is what the manifest says.
  for (const file of manifest.files) {
    const path = join(folder, file.path);
    if (!existsSync(path)) throw new Error(`the backup is incomplete: ${file.path} is missing`);
    if ((await sha256(path)) !== file.sha256) throw new Error(`the backup is damaged: ${file.path} does not match its SHA-256`);
  }
  log(`${folder}: ${manifest.files.length} files verified (taken ${manifest.createdAt}, ${manifest.database.counts.case_record ?? 0} cases)`);

  // Nothing may be running that uses the data.
  const busy: string[] = [];
  if (await isPortOpen(layout.apiPort)) busy.push(`the API (port ${layout.apiPort})`);
  if (!layout.databaseUrl && (await isPortOpen(layout.pgPort))) busy.push(`the embedded PostgreSQL (port ${layout.pgPort})`);
  if (layout.temporal && (await isPortOpen(layout.temporal.port))) busy.push(`the Temporal dev server (port ${layout.temporal.port})`);
  if (busy.length) throw new Error(`stop opsdesk first (Ctrl-C on npm start): ${busy.join(', ')} still answer`);
  if (layout.databaseUrl && !options.yes) throw new Error(`this replaces the contents of ${redact(layout.databaseUrl)}: stop the API and every worker, then run again with --yes`);
  if (manifest.mode === 'embedded' && layout.databaseUrl) log('note: an embedded-mode backup is restored into DATABASE_URL');

  const tools = findPgTools();
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  const keptAside: string[] = [];

  // 2. Temporal.
  if (manifest.temporal) {
    if (!layout.temporal) {
      log('Temporal: TEMPORAL_ADDRESS is set, so the backup\'s temporal.sqlite is not put anywhere (restore that cluster with its own tools)');
    } else {
      const target = layout.temporal.sqliteFile;
      mkdirSync(join(target, '..'), { recursive: true });
      for (const suffix of ['', '-wal', '-shm']) {
        if (existsSync(target + suffix)) {
          const aside = `${target}${suffix}.before-restore-${stamp}`;
          renameSync(target + suffix, aside);
          if (!suffix) keptAside.push(aside);
        }
      }
      copyFileSync(join(folder, manifest.temporal.file), target);
      if (existsSync(join(folder, `${manifest.temporal.file}-wal`))) copyFileSync(join(folder, `${manifest.temporal.file}-wal`), `${target}-wal`);
      log(`Temporal: ${target} restored`);
    }
  }

  // 3. PostgreSQL.
  const dump = join(folder, manifest.database.file);
  const counts = await withDatabase(layout, log, async (url) => {
    if (layout.databaseUrl) {
      pgRun(tools.pgRestore, ['--clean', '--if-exists', '--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', dump], url);
    } else {
      const admin = new Client({ connectionString: url.replace(/\/[^/]*$/, '/postgres') });
      await admin.connect();
      try {
        const exists = (await admin.query('select 1 from pg_database where datname = $1', ['opsdesk'])).rowCount;
        if (exists) {
          const aside = `opsdesk_before_restore_${stamp.toLowerCase()}`;
          await admin.query(`alter database "opsdesk" rename to "${aside}"`);
          keptAside.push(`database ${aside}`);
          log(`PostgreSQL: the current database is kept as "${aside}" (drop it once satisfied)`);
        }
        await admin.query('create database "opsdesk"');
      } finally {
        await admin.end();
      }
      pgRun(tools.pgRestore, ['--no-owner', '--no-privileges', '--exit-on-error', '--single-transaction', dump], url);
    }
    return tableCounts(url, Object.keys(manifest.database.counts));
  });
  for (const [table, expected] of Object.entries(manifest.database.counts)) {
    if (counts[table] !== expected) throw new Error(`restored ${table} has ${counts[table]} rows, the backup had ${expected}`);
  }
  log(`PostgreSQL: restored (${Object.entries(counts).map(([t, n]) => `${t} ${n}`).join(', ')})`);

  // 4. Mail sink messages.
  if (manifest.mail && !layout.databaseUrl) {
    const mailDir = join(layout.dataDir, 'mail');
    mkdirSync(mailDir, { recursive: true });
    let copied = 0;
    for (const name of readdirSync(join(folder, manifest.mail.folder))) {
      if (!existsSync(join(mailDir, name))) {
        copyFileSync(join(folder, manifest.mail.folder, name), join(mailDir, name));
        copied++;
      }
    }
    log(`mail sink: ${copied} message(s) copied back`);
  }
  log('done: start opsdesk again (npm start)');
  return { folder, manifest, counts, keptAside };
}

async function tableCounts(url: string, tables: string[]): Promise<Record<string, number>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const counts: Record<string, number> = {};
    for (const table of tables) counts[table] = (await client.query<{ n: number }>(`select count(*)::int as n from "${table}"`)).rows[0].n;
    return counts;
  } finally {
    await client.end();
  }
}

if (require.main === module) {
  const args = process.argv.slice(2);
  const from = args.find((a) => !a.startsWith('--'));
  if (!from || args.includes('--help')) {
    console.log('npm run restore -- <backup folder | latest> [--yes]   (opsdesk must be stopped; see README, "Operations")');
    process.exit(from ? 0 : 2);
  }
  runRestore({ from, yes: args.includes('--yes') }).then(
    () => process.exit(0),
    (error: unknown) => {
      console.error(`[restore] FAILED: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
