import type { OperationContext } from './provider-error';

export type { OperationContext, Progress } from './provider-error';
export { ProviderError } from './provider-error';

/** Nest injection token of the configured {@link DatabasePlatformPort}. */
export const DATABASE_PLATFORM = Symbol('DATABASE_PLATFORM');

export interface DatabaseInfo {
  name: string;
  owner: string;
  /** -1: no limit. */
  connectionLimit: number;
  /** The key of the operation that created it (null: made outside opsdesk). */
  createdByKey: string | null;
  sizeBytes: number;
}

export interface RoleInfo {
  name: string;
  canLogin: boolean;
  connectionLimit: number;
  createdByKey: string | null;
}

/** What a database holds, table by table: equal fingerprints, equal data (restore verification). */
export interface DataFingerprint {
  tables: Array<{ table: string; rows: number; md5: string }>;
  /** sha256 over the tables' entries. */
  digest: string;
}

export interface DumpResult {
  sizeBytes: number;
  /** Taken in the same snapshot as the dump. */
  fingerprint: DataFingerprint;
}

export interface PlatformDescription {
  adapter: string;
  /** Host (and port) departments connect to. */
  host: string;
  port: number;
}

/**
 * The database platform (データベース基盤): R-OP-5/6 and the database side of R-OP-8/9. The adapter
 * in this build drives a real PostgreSQL server through an admin URL (`DB_PLATFORM_URL`) and
 * pg_dump / pg_restore; another engine implements this interface.
 *
 * Contract: state-changing calls take an {@link OperationContext} and are idempotent by `ctx.key`
 * (the adapter marks what it creates with the key — a PostgreSQL comment — so a retry continues
 * and compensation drops only its own work); failures are ProviderErrors (`retryable` when the
 * server is unreachable or busy). Passwords are given to the adapter and never returned or logged.
 */
export interface DatabasePlatformPort {
  readonly description: PlatformDescription;

  getDatabase(name: string): Promise<DatabaseInfo | null>;
  /** Every database that is not a system one (postgres, templates), with its size: the platform's use (R-RPT-3). */
  listDatabases(): Promise<DatabaseInfo[]>;
  getRole(name: string): Promise<RoleInfo | null>;

  /** Creates an (owner-less: owned by the admin) database marked with `ctx.key`; `conflict` if the name is taken by other work. */
  createDatabase(name: string, options: { connectionLimit: number }, ctx: OperationContext): Promise<DatabaseInfo>;

  /**
   * Creates a login role with this password and connection limit, marked with `ctx.key`; when the
   * role exists with the same key it only sets the new password. The password travels as a SCRAM
   * verifier: the plain text never reaches the server or its statement log.
   */
  createLoginRole(name: string, options: { password: string; connectionLimit: number }, ctx: OperationContext): Promise<RoleInfo>;

  /** Makes `role` the owner of `database`, the only role (with admins) allowed to connect to it. */
  assignOwner(database: string, role: string, ctx: OperationContext): Promise<void>;

  /** Ends the sessions and drops the database; absent is success. */
  dropDatabase(name: string, ctx: OperationContext): Promise<void>;

  /** Drops a role; absent is success. */
  dropRole(name: string, ctx: OperationContext): Promise<void>;

  /** Renames a database (its sessions are ended first). */
  renameDatabase(from: string, to: string, ctx: OperationContext): Promise<void>;

  /** Whether these credentials open a session on the database. */
  checkLogin(database: string, role: string, password: string): Promise<boolean>;

  /** A full, consistent dump (pg_dump -Fc) to `file`, with the data fingerprint of the same snapshot. */
  dump(database: string, file: string, ctx: OperationContext): Promise<DumpResult>;

  /** Loads a dump into an existing, empty database; `noOwner` when the dump's owner role is gone. */
  restore(file: string, database: string, options: { noOwner: boolean }, ctx: OperationContext): Promise<void>;

  fingerprint(database: string): Promise<DataFingerprint>;

  /** The databases and roles this key created, complete or half-made: what compensation drops. */
  createdBy(key: string): Promise<{ databases: string[]; roles: string[] }>;
}
