import { ApplicationFailure } from '@temporalio/common';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BackupRecord, OperationRun, OperationSecret } from '../../src/operations/operation.entities';
import { sha256File } from '../../src/operations/backup.service';
import { CredentialVault } from '../../src/operations/credential-vault';
import { canLogin, startOperationsSystem, uniq, type OperationsSystem } from './support';

async function failureOf(promise: Promise<unknown>): Promise<ApplicationFailure> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApplicationFailure) return error;
    throw error;
  }
  throw new Error('expected the activity to fail');
}

describe('R-OP-5, R-OP-6, R-OP-8, R-OP-9: databases on a real PostgreSQL database platform (a second server)', () => {
  let ops: OperationsSystem;
  let vault: CredentialVault;

  beforeAll(async () => {
    ops = await startOperationsSystem({ worker: false });
    vault = ops.system.app.get(CredentialVault);
  });
  afterAll(async () => {
    await ops?.close();
  });

  /** Provides a database and reads its one-time credentials the way the API does. */
  async function provide(name: string, sizeClass = 'small') {
    const input = ops.input('db.provide', { databaseName: name, sizeClass, businessSystem: '税務システム' });
    const { result } = await ops.runActivity(ops.activities.runOperation, input);
    const read = await vault.readOnce(input.caseId, 'test');
    if (read.state !== 'ok') throw new Error(`credentials: ${read.state}`);
    return { input, result, credentials: read.value };
  }

  test('R-OP-5: db.provide makes a database that accepts the generated credentials and refuses others; the password is shown once and stored nowhere else', async () => {
    const name = `zeimu_${uniq()}`;
    const { input, result, credentials } = await provide(name, 'medium');
    expect(result).toMatchObject({ handledBy: 'automation', simulated: false, results: { databaseName: name, owner: `${name}_owner`, connectionLimit: 30, sizeClass: 'medium' } });
    expect(credentials).toMatchObject({ database: name, username: `${name}_owner`, connectionLimit: 30 });
    expect(credentials.password.length).toBeGreaterThanOrEqual(32);

    expect(await canLogin(credentials, name, credentials.username, credentials.password)).toBe(true);
    expect(await canLogin(credentials, name, credentials.username, `${credentials.password}x`)).toBe('28P01');
    // Another department's database owner may not connect to this one.
    const other = await provide(`other_${uniq()}`);
    expect(await canLogin(credentials, name, other.credentials.username, other.credentials.password)).toBe('42501');
    expect(await canLogin(credentials, other.credentials.database, credentials.username, credentials.password)).toBe('42501');

    const [db] = await ops.platformQuery(`select pg_get_userbyid(datdba) as owner, datconnlimit from pg_database where datname = $1`, [name]);
    expect(db).toEqual({ owner: `${name}_owner`, datconnlimit: 30 });
    const [role] = await ops.platformQuery(`select rolconnlimit, rolsuper, rolcreatedb, rolpassword from pg_authid where rolname = $1`, [`${name}_owner`]);
    expect(role).toMatchObject({ rolconnlimit: 30, rolsuper: false, rolcreatedb: false });
    expect(role.rolpassword).toMatch(/^SCRAM-SHA-256\$4096:/);

    // Shown once: the read erased it. Nothing else holds the password.
    expect(await vault.readOnce(input.caseId, 'test')).toMatchObject({ state: 'already_read', readBy: 'test' });
    const secret = await ops.em().findOneOrFail(OperationSecret, { key: input.key }, { populate: ['sealed'] });
    expect(secret.sealed).toBeNull();
    const run = await ops.em().findOneOrFail(OperationRun, { key: input.key });
    expect(JSON.stringify([result, run])).not.toContain(credentials.password);
  });

  test('R-OP-8 / R-OP-9: a backup (rows inserted first) restores into a new database with the same rows and checksums, and over the original', async () => {
    const name = `shimin_${uniq()}`;
    const { credentials } = await provide(name);
    const asOwner = async (sql: string, database = name) => {
      const { Client } = await import('pg');
      const client = new Client({ host: credentials.host, port: credentials.port, database, user: credentials.username, password: credentials.password });
      await client.connect();
      try {
        return (await client.query(sql)).rows;
      } finally {
        await client.end();
      }
    };
    await asOwner(`create table residents (id int primary key, name text not null, registered date not null)`);
    await asOwner(`insert into residents select g, '住民' || g, date '2026-04-01' + g from generate_series(1, 250) g`);
    const table = `select count(*)::int as n, md5(string_agg(r::text, '|' order by id)) as digest from residents r`;
    const [before] = await asOwner(table);

    const backup = await ops.operations.backups.backup({ targetKind: 'database', targetName: name, key: `bk-${uniq()}`, reason: 'on_request', retentionDays: 7, requestedBy: 'test' });
    expect(backup).toMatchObject({ status: 'succeeded', targetKind: 'database', targetName: name, retentionDays: 7 });
    expect(await sha256File(join(ops.dataDir, 'backups', backup.file))).toBe(backup.sha256);
    expect(backup.sizeBytes).toBeGreaterThan(1000);

    // Into a new database: same rows, same content, owned by the same role.
    const copy = `${name}_copy`;
    const restored = (await ops.runActivity(ops.activities.runOperation, ops.input('backup.restore', { target: 'database', targetName: name, backupId: backup.backupId, restoreAs: copy }))).result;
    expect(restored.results).toMatchObject({ restoredAs: copy, backupId: backup.backupId, backupSha256: backup.sha256, verified: { tables: 1, rows: 250 } });
    expect(await asOwner(table, copy)).toEqual([before]);

    // Over the original: a safety backup first, then the data of the backup again, with the same owner.
    await asOwner(`delete from residents where id > 100`);
    await asOwner(`create table scratch (x int)`);
    const back = (await ops.runActivity(ops.activities.runOperation, ops.input('backup.restore', { target: 'database', targetName: name }))).result;
    expect(back.results).toMatchObject({ restoredAs: name, backupId: backup.backupId, verified: { rows: 250 } });
    expect(await asOwner(table)).toEqual([before]);
    expect(await asOwner(`select count(*)::int as n from pg_tables where tablename = 'scratch'`)).toEqual([{ n: 0 }]);
    const safety = await ops.em().findOneOrFail(BackupRecord, { id: back.results.safetyBackupId as string });
    expect(safety).toMatchObject({ reason: 'pre_restore', status: 'succeeded', targetName: name });
    expect(await ops.platformQuery(`select datname from pg_database where datname like 'opsdesk\\_%'`)).toEqual([]);

    // A damaged backup file is refused before anything is touched.
    writeFileSync(join(ops.dataDir, 'backups', backup.file), 'damaged');
    const refused = await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('backup.restore', { target: 'database', targetName: name, backupId: backup.backupId, restoreAs: `${name}_x` })));
    expect(refused).toMatchObject({ type: 'Provider.fault', nonRetryable: true });
    expect(refused.message).toContain('checksum');
    expect(await ops.platformQuery(`select 1 from pg_database where datname = $1`, [`${name}_x`])).toEqual([]);
  });

  test('R-OP-6: db.delete needs the name confirmed, never drops a system database, and leaves a final backup and no database', async () => {
    const name = `haishi_${uniq()}`;
    await provide(name);
    for (const target of ['postgres', 'template1']) {
      const refused = await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('db.delete', { databaseName: target, confirmName: target })));
      expect(refused).toMatchObject({ type: 'Provider.protected', nonRetryable: true });
    }
    const app = new URL(ops.system.config.databaseUrl).pathname.slice(1);
    expect(ops.system.config.operations.databasePlatform.protectedDatabases).toContain(app);

    const deleted = (await ops.runActivity(ops.activities.runOperation, ops.input('db.delete', { databaseName: name, confirmName: name }))).result;
    expect(deleted.results).toMatchObject({ databaseName: name, dropped: true, roleDropped: true });
    expect(await ops.platformQuery(`select 1 from pg_database where datname = $1`, [name])).toEqual([]);
    expect(await ops.platformQuery(`select 1 from pg_roles where rolname = $1`, [`${name}_owner`])).toEqual([]);
    const backup = await ops.em().findOneOrFail(BackupRecord, { id: deleted.results.finalBackupId as string });
    expect(backup).toMatchObject({ targetKind: 'database', targetName: name, reason: 'final', status: 'succeeded', retentionDays: 365 });
    expect(await sha256File(join(ops.dataDir, 'backups', backup.file))).toBe(deleted.results.finalBackupSha256);
  });

  test('compensation: a database created without its owner is dropped (the owner role name was taken)', async () => {
    const name = `busy_${uniq()}`;
    await ops.platformQuery(`create role "${name}_owner" login`);
    const input = ops.input('db.provide', { databaseName: name, sizeClass: 'small', businessSystem: '税務システム' });
    const failure = await failureOf(ops.runActivity(ops.activities.runOperation, input));
    expect(failure).toMatchObject({ type: 'Provider.conflict', nonRetryable: true });
    expect(await ops.platformQuery(`select 1 from pg_database where datname = $1`, [name])).toHaveLength(1);

    const { result: undo } = await ops.runActivity(ops.activities.compensateOperation, { key: input.key, caseId: input.caseId, type: input.type, params: input.params, reason: failure.message });
    expect(undo.undone).toEqual([`database ${name}`]);
    expect(await ops.platformQuery(`select 1 from pg_database where datname = $1`, [name])).toEqual([]);
    // The role someone else made is not touched.
    expect(await ops.platformQuery(`select 1 from pg_roles where rolname = $1`, [`${name}_owner`])).toHaveLength(1);
    expect(await ops.em().count(OperationSecret, { key: input.key })).toBe(0);
  });

  test('idempotency: the same db.provide twice is one database; the same backup key twice is one backup', async () => {
    const name = `twice_${uniq()}`;
    const input = ops.input('db.provide', { databaseName: name, sizeClass: 'large', businessSystem: '税務システム' });
    const first = (await ops.runActivity(ops.activities.runOperation, input)).result;
    const second = (await ops.runActivity(ops.activities.runOperation, input)).result;
    expect(second).toEqual(first);
    expect(await ops.platformQuery(`select datconnlimit from pg_database where datname = $1`, [name])).toEqual([{ datconnlimit: 100 }]);
    expect(await ops.platformQuery(`select 1 from pg_roles where rolname = $1`, [`${name}_owner`])).toHaveLength(1);

    const request = { targetKind: 'database' as const, targetName: name, key: `bk-${uniq()}`, reason: 'on_request' as const, retentionDays: 3, requestedBy: 'test' };
    const [a, b] = [await ops.operations.backups.backup(request), await ops.operations.backups.backup(request)];
    expect(b).toEqual(a);
    expect(await ops.em().count(BackupRecord, { key: request.key })).toBe(1);
    expect(readdirSync(join(ops.dataDir, 'backups', 'database', name))).toHaveLength(1);
    expect(existsSync(join(ops.dataDir, 'backups', a.file))).toBe(true);
  });
});
