import { existsSync } from 'node:fs';
import { isSealed, openSetting, settingKey } from './sealed-setting';
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
  /** `simulator` (the embedded default) or `vsphere` (a vCenter, over vim25 SOAP). */
  adapter: 'simulator' | 'vsphere';
  simulator: SimulatorConfig;
  /** Set when `adapter` is `vsphere`. */
  vsphere: VsphereConfig | null;
}

/** Where and how the vSphere adapter works (HYPERVISOR=vsphere). */
export interface VsphereConfig {
  /** `https://vcenter.example.lg.jp/sdk` */
  url: string;
  user: string;
  password: string;
  /** The vCenter's CA (VMCA root) in PEM, or a pinned certificate thumbprint; else the system's CAs. */
  caFile: string | null;
  thumbprint: string | null;
  /** Inventory names; null means "the only one there is". */
  datacenter: string | null;
  cluster: string | null;
  datastore: string | null;
  /** A folder path below the datacenter's VM folder (`opsdesk/vms`), null for the VM folder itself. */
  folder: string | null;
  /** The port group new VMs' first network card is connected to; null keeps the template's. */
  network: string | null;
  /** Guest templates to clone from, by the `os` of a request: `rhel9` → `tmpl-rhel9`. */
  templates: Record<string, string>;
  /** vCPUs a host may carry per physical core (the platform's overcommit policy; 1 = none). */
  vcpuPerCore: number;
  /** The address pool VMs get their address from; null when addresses come from DHCP reservations. */
  pool: { first: string; last: string } | null;
  /** How often a running vCenter task is polled (ms). */
  pollMs: number;
  /** The vCenter is vcsim, VMware's simulator, started by `npm start` with HYPERVISOR=vcsim (`VSPHERE_IS_VCSIM=1`): labelled as a simulator. */
  isVcsim?: boolean;
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
  const adapter = env.HYPERVISOR || 'simulator';
  if (adapter !== 'simulator' && adapter !== 'vsphere') {
    if (adapter === 'vcsim') throw new Error('HYPERVISOR=vcsim is for `npm start` (it starts vcsim and sets HYPERVISOR=vsphere for the API and the worker)');
    throw new Error(`HYPERVISOR=${adapter}: the adapters of this build are "simulator" and "vsphere"`);
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
      vsphere: adapter === 'vsphere' ? loadVsphereConfig(env, mode === 'embedded' ? join(dataDir, 'secrets', 'credential.key') : null) : null,
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

/**
 * HYPERVISOR=vsphere: every problem names the variable to fix. VSPHERE_PASSWORD may be sealed
 * (`sealed:...`, src/operations/sealed-setting.ts) with OPSDESK_SECRET_KEY, or in embedded mode
 * with the key in `keyFile`.
 */
export function loadVsphereConfig(env: NodeJS.ProcessEnv, keyFile: string | null = null): VsphereConfig {
  const required = (name: string): string => {
    const value = env[name];
    if (!value) throw new Error(`HYPERVISOR=vsphere needs ${name}`);
    return value;
  };
  const url = required('VSPHERE_URL');
  const password = required('VSPHERE_PASSWORD');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new Error(`VSPHERE_URL: "${url}" is not a URL (https://vcenter.example/sdk)`);
  }
  if (parsed.protocol !== 'https:') throw new Error(`VSPHERE_URL: "${url}" must be https:// (vim25 over TLS)`);
  if (parsed.username || parsed.password) throw new Error('VSPHERE_URL: put the user and password in VSPHERE_USER and VSPHERE_PASSWORD, not in the URL');
  const caFile = env.VSPHERE_CA_FILE || null;
  if (caFile && !existsSync(caFile)) throw new Error(`VSPHERE_CA_FILE: ${caFile} does not exist`);
  const thumbprint = env.VSPHERE_THUMBPRINT || null;
  if (thumbprint && !/^([0-9a-f]{2}:?){19}[0-9a-f]{2}$|^([0-9a-f]{2}:?){31}[0-9a-f]{2}$/i.test(thumbprint.trim())) {
    throw new Error('VSPHERE_THUMBPRINT: expected the SHA-256 (or SHA-1) thumbprint of the vCenter certificate, hex with or without colons');
  }
  const templates: Record<string, string> = {};
  for (const entry of required('VSPHERE_TEMPLATES').split(',')) {
    const [os, template] = entry.split('=').map((s) => s.trim());
    if (!os || !template) throw new Error(`VSPHERE_TEMPLATES: "${entry}" is not os=template-name (e.g. rhel9=tmpl-rhel9,win2022=tmpl-win2022)`);
    templates[os] = template;
  }
  const vcpuPerCore = Number(env.VSPHERE_VCPU_PER_CORE || '1');
  if (!(vcpuPerCore > 0) || vcpuPerCore > 32) throw new Error(`VSPHERE_VCPU_PER_CORE must be a number above 0 (at most 32), got "${env.VSPHERE_VCPU_PER_CORE}"`);
  let pool: VsphereConfig['pool'] = null;
  if (env.VSPHERE_ADDRESS_POOL) {
    try {
      pool = parsePool(env.VSPHERE_ADDRESS_POOL);
    } catch {
      throw new Error(`VSPHERE_ADDRESS_POOL: "${env.VSPHERE_ADDRESS_POOL}" is not first-last (IPv4)`);
    }
  }
  return {
    url,
    user: required('VSPHERE_USER'),
    password: isSealed(password) ? openSetting('VSPHERE_PASSWORD', password, settingKey(env.OPSDESK_SECRET_KEY || null, keyFile)) : password,
    caFile,
    thumbprint,
    datacenter: env.VSPHERE_DATACENTER || null,
    cluster: env.VSPHERE_CLUSTER || null,
    datastore: env.VSPHERE_DATASTORE || null,
    folder: env.VSPHERE_FOLDER || null,
    network: env.VSPHERE_NETWORK || null,
    templates,
    vcpuPerCore,
    pool,
    pollMs: int(env, 'VSPHERE_TASK_POLL_MS', 500),
    isVcsim: env.VSPHERE_IS_VCSIM === '1',
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
