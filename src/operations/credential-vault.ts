import type { EntityManager } from '@mikro-orm/postgresql';
import { SecretSealer } from '../common/sealing';
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
  private readonly sealer: SecretSealer;

  constructor(
    private readonly em: EntityManager,
    config: Pick<OperationsConfig, 'secretKey' | 'secretKeyFile'>,
    embedded: boolean,
  ) {
    this.sealer = new SecretSealer(config, embedded, 'encrypts one-time credentials');
  }

  /** Seals (or re-seals, on a retry) the secret of an operation; not readable until released. */
  async store(input: { key: string; caseId: string; departmentId: string | null; value: DatabaseCredentials }): Promise<void> {
    const sealed = this.sealer.seal(JSON.stringify(input.value), `${input.caseId}|${input.key}`);
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
      const value = JSON.parse(this.sealer.open(row.sealed, `${caseId}|${row.key}`)) as DatabaseCredentials;
      await em.execute(`update operation_secret set sealed = null, read_at = now(), read_by = ? where id = ?`, [reader, row.id]);
      return { state: 'ok', value, caseId };
    });
  }
}
