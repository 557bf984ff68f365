import { join, resolve } from 'node:path';

/**
 * Configuration of the operation items (R-OP-1..9): which adapters sit behind the provider ports
 * and where backups go. Read once from the environment by `loadConfig()`.
 */
export interface OperationsConfig {
  hypervisor: HypervisorConfig;
  databasePlatform: DatabasePlatformConfig;
  backup: BackupConfig;
  /**
   * Key (32 bytes, base64) that encrypts one-time credentials until the department reads them.
   * Without it, embedded mode keeps a generated key in `keyFile`; other modes must set it.
   */
  secretKey: string | null;
  secretKeyFile: string;
}

export interface HypervisorConfig {
  /** `simulator` is the only adapter of this build; real ones (vSphere, Proxmox) implement HypervisorPort. */
  adapter: 'simulator';
  simulator: SimulatorConfig;
}

export interface SimulatorConfig {
  /** How long one step of a simulated operation takes (ms). */
  stepMs: number;
  /** Hosts created the first time the simulator is used. */
  hosts: Array<{ name: string; cpu: number; memoryGiB: number; diskGiB: number }>;
  /** The address pool VMs get their address from (inclusive IPv4 range). */
  pool: { first: string; last: string };
  /** Copy the VMs of the inventory into the simulator at its first use (embedded demo). */
  mirrorInventoryVms: boolean;
}

export interface DatabasePlatformConfig {
  /** Admin URL of the database platform's PostgreSQL (never opsdesk's own database). */
  url: string | null;
  /** Host name given to departments (default: the host and port of `url`). */
  publicHost: string | null;
  /** Folder of pg_dump / pg_restore (default: /usr/lib/postgresql/<n>/bin when present, else PATH). */
  pgBinDir: string | null;
  /** The application's own database name, never deleted or restored over by an operation. */
  protectedDatabases: string[];
}

export interface BackupConfig {
  /** The backup store folder (BACKUP_DIR). */
  dir: string;
  /** Retention of the final backup taken before a deletion. */
  finalRetentionDays: number;
  /** Retention of the safety backup taken before a restore over the original. */
  preRestoreRetentionDays: number;
}

const DEFAULT_HOSTS = 'esx01:32:256:4000,esx02:32:256:4000';
const DEFAULT_POOL = '10.20.10.10-10.20.10.250';

export function loadOperationsConfig(env: NodeJS.ProcessEnv, dataDir: string, databaseUrl: string, mode: 'embedded' | 'standard'): OperationsConfig {
  const adapter = env.HYPERVISOR ?? 'simulator';
  if (adapter !== 'simulator') {
    throw new Error(`HYPERVISOR=${adapter}: this build has only the "simulator" adapter (a real one implements src/providers/hypervisor.port.ts)`);
  }
  const appDatabase = safeDatabaseName(databaseUrl);
  return {
    hypervisor: {
      adapter,
      simulator: {
        stepMs: int(env, 'HYPERVISOR_SIM_STEP_MS', 500),
        hosts: parseHosts(env.HYPERVISOR_SIM_HOSTS || DEFAULT_HOSTS),
        pool: parsePool(env.HYPERVISOR_SIM_POOL || DEFAULT_POOL),
        mirrorInventoryVms: mode === 'embedded' && env.HYPERVISOR_SIM_MIRROR_INVENTORY !== 'false',
      },
    },
    databasePlatform: {
      url: env.DB_PLATFORM_URL || null,
      publicHost: env.DB_PLATFORM_HOST || null,
      pgBinDir: env.PG_BIN_DIR || null,
      protectedDatabases: ['postgres', 'template0', 'template1', ...(appDatabase ? [appDatabase] : [])],
    },
    backup: {
      dir: resolve(env.BACKUP_DIR || join(dataDir, 'backups')),
      finalRetentionDays: int(env, 'BACKUP_FINAL_RETENTION_DAYS', 365),
      preRestoreRetentionDays: int(env, 'BACKUP_PRE_RESTORE_RETENTION_DAYS', 30),
    },
    secretKey: env.OPSDESK_SECRET_KEY || null,
    secretKeyFile: join(dataDir, 'secrets', 'credential.key'),
  };
}

function safeDatabaseName(url: string): string | null {
  try {
    return decodeURIComponent(new URL(url).pathname.replace(/^\//, '')) || null;
  } catch {
    return null;
  }
}

function int(env: NodeJS.ProcessEnv, name: string, fallback: number): number {
  const raw = env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got "${raw}"`);
  return value;
}

function parseHosts(value: string): SimulatorConfig['hosts'] {
  return value.split(',').map((entry) => {
    const [name, cpu, memoryGiB, diskGiB] = entry.trim().split(':');
    const numbers = [cpu, memoryGiB, diskGiB].map(Number);
    if (!/^[a-z][a-z0-9-]{0,62}$/.test(name ?? '') || numbers.some((n) => !Number.isInteger(n) || n <= 0)) {
      throw new Error(`HYPERVISOR_SIM_HOSTS: "${entry}" is not name:vcpus:memoryGiB:diskGiB`);
    }
    return { name, cpu: numbers[0], memoryGiB: numbers[1], diskGiB: numbers[2] };
  });
}

function parsePool(value: string): SimulatorConfig['pool'] {
  const [first, last] = value.split('-').map((s) => s.trim());
  const ipv4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
  if (!ipv4.test(first ?? '') || !ipv4.test(last ?? '')) throw new Error(`HYPERVISOR_SIM_POOL: "${value}" is not first-last (IPv4)`);
  return { first, last };
}
