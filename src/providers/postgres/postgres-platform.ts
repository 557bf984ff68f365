import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { Client, escapeIdentifier, escapeLiteral } from 'pg';
import type { DatabasePlatformConfig } from '../../operations/operations-config';
import type {
  DatabaseInfo, DatabasePlatformPort, DataFingerprint, DumpResult, OperationContext, PlatformDescription, RoleInfo,
} from '../database-platform.port';
import { ProviderError } from '../provider-error';
import { scramSha256Verifier } from './scram';

const MARKER = 'opsdesk:';
const SYSTEM_DATABASES = new Set(['postgres', 'template0', 'template1']);
const CONNECT_TIMEOUT_MS = 10_000;

/**
 * The database platform on a real PostgreSQL server, through its admin URL (DB_PLATFORM_URL):
 * databases and login roles with SQL, backups with pg_dump -Fc, restores with pg_restore.
 * What it creates carries `opsdesk:<operation key>` as its PostgreSQL comment.
 */
export class PostgresDatabasePlatform implements DatabasePlatformPort {
  constructor(private readonly config: DatabasePlatformConfig) {}

  get description(): PlatformDescription {
    const url = this.config.url ? new URL(this.config.url) : null;
    const port = Number(url?.port || 5432);
    const host = this.config.publicHost ?? (url ? `${url.hostname}` : '(DB_PLATFORM_URL is not set)');
    return { adapter: 'postgresql', host, port };
  }

  async getDatabase(name: string): Promise<DatabaseInfo | null> {
    return this.admin(async (c) => {
      const { rows } = await c.query<{ name: string; owner: string; connection_limit: number; comment: string | null; size: string }>(
        `select d.datname as name, pg_get_userbyid(d.datdba) as owner, d.datconnlimit as connection_limit,
                shobj_description(d.oid, 'pg_database') as comment, pg_database_size(d.oid)::text as size
           from pg_database d where d.datname = $1`,
        [name],
      );
      const row = rows[0];
      return row ? { name: row.name, owner: row.owner, connectionLimit: row.connection_limit, createdByKey: keyOf(row.comment), sizeBytes: Number(row.size) } : null;
    });
  }

  async listDatabases(): Promise<DatabaseInfo[]> {
    return this.admin(async (c) => {
      const { rows } = await c.query<{ name: string; owner: string; connection_limit: number; comment: string | null; size: string }>(
        `select d.datname as name, pg_get_userbyid(d.datdba) as owner, d.datconnlimit as connection_limit,
                shobj_description(d.oid, 'pg_database') as comment, pg_database_size(d.oid)::text as size
           from pg_database d where not d.datistemplate and d.datallowconn order by d.datname`,
      );
      return rows
        .filter((row) => !SYSTEM_DATABASES.has(row.name))
        .map((row) => ({ name: row.name, owner: row.owner, connectionLimit: row.connection_limit, createdByKey: keyOf(row.comment), sizeBytes: Number(row.size) }));
    });
  }

  async getRole(name: string): Promise<RoleInfo | null> {
    return this.admin(async (c) => {
      const { rows } = await c.query<{ name: string; can_login: boolean; connection_limit: number; comment: string | null }>(
        `select r.rolname as name, r.rolcanlogin as can_login, r.rolconnlimit as connection_limit, shobj_description(r.oid, 'pg_authid') as comment
           from pg_roles r where r.rolname = $1`,
        [name],
      );
      const row = rows[0];
      return row ? { name: row.name, canLogin: row.can_login, connectionLimit: row.connection_limit, createdByKey: keyOf(row.comment) } : null;
    });
  }

  async createDatabase(name: string, options: { connectionLimit: number }, ctx: OperationContext): Promise<DatabaseInfo> {
    const existing = await this.getDatabase(name);
    if (existing) {
      if (existing.createdByKey === ctx.key) return existing;
      throw new ProviderError('conflict', `データベース ${name} は既に存在します / a database named ${name} already exists`);
    }
    // CREATE DATABASE cannot run in a transaction: create it under a name derived from the key,
    // mark it, then rename it. A crash at any point leaves something a retry recognises.
    const staging = stagingName(ctx.key);
    await this.admin(async (c) => {
      const found = await c.query('select 1 from pg_database where datname = $1', [staging]);
      if (found.rowCount === 0) {
        ctx.progress?.({ step: 'create_database', percent: 10 });
        await c.query(`CREATE DATABASE ${escapeIdentifier(staging)} CONNECTION LIMIT ${Math.trunc(options.connectionLimit)}`);
      }
      await c.query(`COMMENT ON DATABASE ${escapeIdentifier(staging)} IS ${escapeLiteral(MARKER + ctx.key)}`);
      await c.query(`ALTER DATABASE ${escapeIdentifier(staging)} RENAME TO ${escapeIdentifier(name)}`);
    });
    return (await this.getDatabase(name))!;
  }

  async createLoginRole(name: string, options: { password: string; connectionLimit: number }, ctx: OperationContext): Promise<RoleInfo> {
    const existing = await this.getRole(name);
    if (existing && existing.createdByKey !== ctx.key) {
      throw new ProviderError('conflict', `ロール ${name} は既に存在します / a role named ${name} already exists`);
    }
    const verifier = escapeLiteral(scramSha256Verifier(options.password));
    const limit = Math.trunc(options.connectionLimit);
    await this.admin(async (c) => {
      await c.query('begin');
      if (existing) {
        await c.query(`ALTER ROLE ${escapeIdentifier(name)} WITH LOGIN CONNECTION LIMIT ${limit} PASSWORD ${verifier}`);
      } else {
        await c.query(`CREATE ROLE ${escapeIdentifier(name)} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION CONNECTION LIMIT ${limit} PASSWORD ${verifier}`);
        await c.query(`COMMENT ON ROLE ${escapeIdentifier(name)} IS ${escapeLiteral(MARKER + ctx.key)}`);
      }
      await c.query('commit');
    });
    return (await this.getRole(name))!;
  }

  async assignOwner(database: string, role: string, _ctx: OperationContext): Promise<void> {
    await this.admin(async (c) => {
      await c.query(`ALTER DATABASE ${escapeIdentifier(database)} OWNER TO ${escapeIdentifier(role)}`);
      await c.query(`REVOKE ALL ON DATABASE ${escapeIdentifier(database)} FROM PUBLIC`);
      await c.query(`GRANT CONNECT, TEMPORARY ON DATABASE ${escapeIdentifier(database)} TO ${escapeIdentifier(role)}`);
    });
  }

  async dropDatabase(name: string, _ctx: OperationContext): Promise<void> {
    if (SYSTEM_DATABASES.has(name)) throw new ProviderError('protected', `${name} is a system database`);
    await this.admin((c) => c.query(`DROP DATABASE IF EXISTS ${escapeIdentifier(name)} WITH (FORCE)`));
  }

  async dropRole(name: string, _ctx: OperationContext): Promise<void> {
    await this.admin((c) => c.query(`DROP ROLE IF EXISTS ${escapeIdentifier(name)}`));
  }

  async renameDatabase(from: string, to: string, _ctx: OperationContext): Promise<void> {
    if (SYSTEM_DATABASES.has(from)) throw new ProviderError('protected', `${from} is a system database`);
    await this.admin(async (c) => {
      await c.query(`ALTER DATABASE ${escapeIdentifier(from)} ALLOW_CONNECTIONS false`);
      try {
        await c.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1 and pid <> pg_backend_pid()', [from]);
        await c.query(`ALTER DATABASE ${escapeIdentifier(from)} RENAME TO ${escapeIdentifier(to)}`);
        await c.query(`ALTER DATABASE ${escapeIdentifier(to)} ALLOW_CONNECTIONS true`);
      } catch (error) {
        await c.query(`ALTER DATABASE ${escapeIdentifier(from)} ALLOW_CONNECTIONS true`).catch(() => undefined);
        throw error;
      }
    });
  }

  async checkLogin(database: string, role: string, password: string): Promise<boolean> {
    const url = new URL(this.url(database));
    const client = new Client({ host: url.hostname, port: Number(url.port || 5432), database, user: role, password, connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    try {
      await client.connect();
      const { rows } = await client.query<{ me: string }>('select current_user as me');
      return rows[0]?.me === role;
    } catch (error) {
      const code = (error as { code?: string }).code;
      // 28P01 wrong password, 28000 no such role / not allowed, 42501 no CONNECT privilege.
      if (code === '28P01' || code === '28000' || code === '42501') return false;
      throw classify(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  async dump(database: string, file: string, ctx: OperationContext): Promise<DumpResult> {
    if (!(await this.getDatabase(database))) throw new ProviderError('not_found', `データベース ${database} がありません / no database named ${database}`);
    await mkdir(dirname(file), { recursive: true });
    const part = `${file}.part`;
    return this.withClient(database, async (c) => {
      // One snapshot for the dump and the fingerprint: they describe the same data.
      await c.query('begin isolation level repeatable read, read only');
      const { rows } = await c.query<{ snapshot: string }>('select pg_export_snapshot() as snapshot');
      ctx.progress?.({ step: 'fingerprint', percent: 5 });
      const fingerprint = await fingerprintOf(c);
      await this.tool('pg_dump', ['--format=custom', '--no-password', `--snapshot=${rows[0].snapshot}`, `--file=${part}`, `--dbname=${this.urlWithoutPassword(database)}`], ctx, part);
      await c.query('commit');
      await rename(part, file);
      return { sizeBytes: (await stat(file)).size, fingerprint };
    }).catch(async (error: unknown) => {
      await rm(part, { force: true });
      throw error;
    });
  }

  async restore(file: string, database: string, options: { noOwner: boolean }, ctx: OperationContext): Promise<void> {
    const args = ['--no-password', '--exit-on-error', '--single-transaction', `--dbname=${this.urlWithoutPassword(database)}`];
    if (options.noOwner) args.push('--no-owner', '--no-privileges');
    await this.tool('pg_restore', [...args, file], ctx);
  }

  async fingerprint(database: string): Promise<DataFingerprint> {
    return this.withClient(database, (c) => fingerprintOf(c));
  }

  async createdBy(key: string): Promise<{ databases: string[]; roles: string[] }> {
    return this.admin(async (c) => {
      const marker = MARKER + key;
      const databases = await c.query<{ name: string }>(
        `select datname as name from pg_database where shobj_description(oid, 'pg_database') = $1 or datname = $2 order by 1`,
        [marker, stagingName(key)],
      );
      const roles = await c.query<{ name: string }>(`select rolname as name from pg_roles where shobj_description(oid, 'pg_authid') = $1 order by 1`, [marker]);
      return { databases: databases.rows.map((r) => r.name), roles: roles.rows.map((r) => r.name) };
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private url(database?: string): string {
    if (!this.config.url) {
      throw new ProviderError('invalid', 'データベース基盤が設定されていません（DB_PLATFORM_URL） / the database platform is not configured (DB_PLATFORM_URL)');
    }
    const url = new URL(this.config.url);
    if (database) url.pathname = `/${encodeURIComponent(database)}`;
    else if (!url.pathname || url.pathname === '/') url.pathname = '/postgres';
    return url.toString();
  }

  private urlWithoutPassword(database: string): string {
    const url = new URL(this.url(database));
    url.password = '';
    return url.toString();
  }

  private admin<T>(fn: (c: Client) => Promise<T>): Promise<T> {
    return this.withClient(undefined, fn);
  }

  private async withClient<T>(database: string | undefined, fn: (c: Client) => Promise<T>): Promise<T> {
    const client = new Client({ connectionString: this.url(database), connectionTimeoutMillis: CONNECT_TIMEOUT_MS });
    client.on('error', () => undefined);
    try {
      await client.connect();
    } catch (error) {
      throw classify(error);
    }
    try {
      return await fn(client);
    } catch (error) {
      throw classify(error);
    } finally {
      await client.end().catch(() => undefined);
    }
  }

  /** Runs pg_dump / pg_restore with the password in the environment (never on the command line). */
  private tool(name: 'pg_dump' | 'pg_restore', args: string[], ctx: OperationContext, watchFile?: string): Promise<void> {
    const password = decodeURIComponent(new URL(this.url()).password);
    return new Promise<void>((resolve, reject) => {
      const child = spawn(this.binary(name), args, { env: { ...process.env, PGPASSWORD: password, PGCONNECT_TIMEOUT: '10' }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        if (stderr.length < 8_000) stderr += chunk.toString();
      });
      const ticker = setInterval(() => {
        if (!watchFile) return ctx.progress?.({ step: name });
        stat(watchFile).then((s) => ctx.progress?.({ step: name, message: `${s.size} bytes` }), () => ctx.progress?.({ step: name }));
      }, 1_000);
      const abort = () => child.kill('SIGTERM');
      ctx.signal?.addEventListener('abort', abort, { once: true });
      child.once('error', (error) => {
        clearInterval(ticker);
        reject(new ProviderError('fault', `${name} を実行できません / cannot run ${name}: ${error.message}`));
      });
      child.once('close', (code) => {
        clearInterval(ticker);
        ctx.signal?.removeEventListener('abort', abort);
        if (code === 0) return resolve();
        const reason = stderr.trim().split('\n').slice(-3).join(' ');
        const transient = /could not connect|connection refused|timeout expired|the database system is (starting|shutting) up|too many clients/i.test(reason);
        reject(new ProviderError(transient ? 'unavailable' : 'fault', `${name} に失敗しました / ${name} failed (exit ${code}): ${reason}`, transient));
      });
    });
  }

  private binary(name: string): string {
    if (this.config.pgBinDir) return join(this.config.pgBinDir, name);
    for (const version of [18, 17, 16, 15]) {
      const candidate = `/usr/lib/postgresql/${version}/bin/${name}`;
      if (existsSync(candidate)) return candidate;
    }
    return name;
  }
}

async function fingerprintOf(c: Client): Promise<DataFingerprint> {
  const { rows: tables } = await c.query<{ schema: string; name: string }>(
    `select n.nspname as schema, c.relname as name from pg_class c join pg_namespace n on n.oid = c.relnamespace
      where c.relkind = 'r' and n.nspname not in ('pg_catalog', 'information_schema') and n.nspname not like 'pg\\_%'
      order by 1, 2`,
  );
  const result: DataFingerprint['tables'] = [];
  for (const t of tables) {
    const ident = `${escapeIdentifier(t.schema)}.${escapeIdentifier(t.name)}`;
    const { rows } = await c.query<{ rows: string; md5: string }>(
      `select count(*)::text as rows, md5(coalesce(string_agg(md5(t::text), '' order by md5(t::text)), '')) as md5 from ${ident} t`,
    );
    result.push({ table: `${t.schema}.${t.name}`, rows: Number(rows[0].rows), md5: rows[0].md5 });
  }
  return { tables: result, digest: createHash('sha256').update(JSON.stringify(result)).digest('hex') };
}

/** The name a new database has until it is marked: derived from the key, so a retry finds it. */
function stagingName(key: string): string {
  return `opsdesk_new_${createHash('sha256').update(key).digest('hex').slice(0, 20)}`;
}

function keyOf(comment: string | null): string | null {
  return comment?.startsWith(MARKER) ? comment.slice(MARKER.length) : null;
}

/** Connection problems and contention are worth retrying; anything else is not. */
function classify(error: unknown): unknown {
  if (error instanceof ProviderError) return error;
  const code = (error as { code?: string }).code ?? '';
  const message = error instanceof Error ? error.message : String(error);
  if (/^(08|53|57P)/.test(code) || ['40001', '40P01', '55006', '55P03'].includes(code) || /ECONNREFUSED|ECONNRESET|ETIMEDOUT|EHOSTUNREACH|timeout/i.test(`${code} ${message}`)) {
    return new ProviderError('unavailable', `データベース基盤に接続できません / the database platform is unavailable: ${message}`, true);
  }
  if (code === '42P04' || code === '42710') return new ProviderError('conflict', message);
  if (code === '3D000' || code === '42704') return new ProviderError('not_found', message);
  return new ProviderError('fault', `データベース基盤の操作に失敗しました / the database platform refused: ${message}`);
}
