import type { EntityManager } from '@mikro-orm/postgresql';
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { OperationsConfig } from './operations-config';
import { OperationSecret } from './operation.entities';

export interface DatabaseCredentials {
  host: string;
  port: number;
  database: string;
  username: string;
  password: string;
  connectionLimit: number;
}

export type SecretReadResult =
  | { state: 'ok'; value: DatabaseCredentials; caseId: string }
  | { state: 'absent' }
  | { state: 'not_yet' }
  | { state: 'already_read'; readAt: string; readBy: string | null };

/**
 * One-time secrets (R-OP-5: a new database's password): sealed with AES-256-GCM (the case id and
 * operation key as associated data), released when the operation succeeds, erased by the first
 * read. The plain text exists only inside the activity that made it and the API response that
 * hands it over: never in the workflow history, the timeline, a log or an e-mail.
 */
export class CredentialVault {
  private key: Buffer | null = null;

  constructor(
    private readonly em: EntityManager,
    private readonly config: Pick<OperationsConfig, 'secretKey' | 'secretKeyFile'>,
    private readonly embedded: boolean,
  ) {}

  /** Seals (or re-seals, on a retry) the secret of an operation; not readable until released. */
  async store(input: { key: string; caseId: string; departmentId: string | null; value: DatabaseCredentials }): Promise<void> {
    const sealed = this.seal(JSON.stringify(input.value), `${input.caseId}|${input.key}`);
    await this.em.fork().execute(
      `insert into operation_secret (id, key, case_id, department_id, kind, sealed, available_at, created_at)
       values (gen_random_uuid(), ?, ?, ?, 'database_credentials', ?, null, now())
       on conflict (key) do update set sealed = excluded.sealed, available_at = null, read_at = null, read_by = null`,
      [input.key, input.caseId, input.departmentId, sealed],
    );
  }

  /** Makes the secret readable (the operation succeeded). */
  async release(key: string, em: EntityManager = this.em.fork()): Promise<void> {
    await em.nativeUpdate(OperationSecret, { key, availableAt: null, readAt: null }, { availableAt: new Date() });
  }

  /** Erases a secret whose operation was undone. */
  async discard(key: string): Promise<void> {
    await this.em.fork().nativeDelete(OperationSecret, { key });
  }

  /** Reads the secret of a case once: the same transaction erases it. */
  async readOnce(caseId: string, reader: string): Promise<SecretReadResult> {
    return this.em.fork().transactional(async (em) => {
      const rows = await em.execute<Array<{ id: string; key: string; sealed: string | null; available_at: Date | null; read_at: Date | null; read_by: string | null }>>(
        `select id, key, sealed, available_at, read_at, read_by from operation_secret where case_id = ? order by created_at desc limit 1 for update`,
        [caseId],
      );
      const row = rows[0];
      if (!row) return { state: 'absent' };
      if (row.read_at) return { state: 'already_read', readAt: new Date(row.read_at).toISOString(), readBy: row.read_by };
      if (!row.available_at || !row.sealed) return { state: 'not_yet' };
      const value = JSON.parse(this.open(row.sealed, `${caseId}|${row.key}`)) as DatabaseCredentials;
      await em.execute(`update operation_secret set sealed = null, read_at = now(), read_by = ? where id = ?`, [reader, row.id]);
      return { state: 'ok', value, caseId };
    });
  }

  private seal(plain: string, aad: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv('aes-256-gcm', this.secretKey(), iv);
    cipher.setAAD(Buffer.from(aad));
    const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [iv, cipher.getAuthTag(), data].map((b) => b.toString('base64')).join('.');
  }

  private open(sealed: string, aad: string): string {
    const [iv, tag, data] = sealed.split('.').map((part) => Buffer.from(part, 'base64'));
    const decipher = createDecipheriv('aes-256-gcm', this.secretKey(), iv);
    decipher.setAAD(Buffer.from(aad));
    decipher.setAuthTag(tag);
    return Buffer.concat([decipher.update(data), decipher.final()]).toString('utf8');
  }

  private secretKey(): Buffer {
    if (this.key) return this.key;
    if (this.config.secretKey) {
      const key = Buffer.from(this.config.secretKey, 'base64');
      if (key.length !== 32) throw new Error('OPSDESK_SECRET_KEY must be 32 bytes, base64-encoded (openssl rand -base64 32)');
      return (this.key = key);
    }
    if (!this.embedded) throw new Error('OPSDESK_SECRET_KEY is not set: it encrypts one-time credentials (openssl rand -base64 32)');
    // Embedded mode: a key generated once beside the data, shared by the API and the worker.
    mkdirSync(dirname(this.config.secretKeyFile), { recursive: true, mode: 0o700 });
    try {
      writeFileSync(this.config.secretKeyFile, randomBytes(32).toString('base64'), { flag: 'wx', mode: 0o600 });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const key = Buffer.from(readFileSync(this.config.secretKeyFile, 'utf8').trim(), 'base64');
    if (key.length !== 32) throw new Error(`${this.config.secretKeyFile} does not hold a 32-byte key`);
    return (this.key = key);
  }
}
