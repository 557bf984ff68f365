import type { OperationContext } from './provider-error';

export type { OperationContext, Progress } from './provider-error';
export { ProviderError, type ProviderErrorCode } from './provider-error';

/** Nest injection token of the configured {@link HypervisorPort}. */
export const HYPERVISOR = Symbol('HYPERVISOR');

export type PowerState = 'on' | 'off';

/** What a department asks for (R-OP-1). */
export interface VmSpec {
  name: string;
  cpu: number;
  memoryGiB: number;
  diskGiB: number;
  os: string;
  businessSystem?: string | null;
}

export interface VmInfo {
  id: string;
  name: string;
  /** The host it runs on. */
  host: string;
  cpu: number;
  memoryGiB: number;
  diskGiB: number;
  os: string;
  businessSystem: string | null;
  /** From the platform's address pool. */
  address: string | null;
  power: PowerState;
  /** `creating` until every step of provisioning is done. */
  state: 'creating' | 'ready';
  /** The idempotency key of the operation that created it (null for VMs made outside opsdesk). */
  createdByKey: string | null;
  /** Identifies the content of the VM's disks: equal digests, equal disks (restore verification). */
  diskDigest: string;
  createdAt: string;
}

export interface ResourceUsage {
  total: number;
  used: number;
  free: number;
}

/** One host's capacity and what its VMs use of it (R-RPT-3). */
export interface HostUsage {
  name: string;
  state: 'online' | 'maintenance';
  cpu: ResourceUsage;
  memoryGiB: ResourceUsage;
  diskGiB: ResourceUsage;
  vmCount: number;
}

/** New sizes; omitted values stay. */
export interface VmResize {
  cpu?: number;
  memoryGiB?: number;
  diskGiB?: number;
}

export interface SnapshotInfo {
  id: string;
  vmName: string;
  name: string;
  createdAt: string;
}

/** What a VM export (a VM backup) holds, written beside the export itself. */
export interface VmExportManifest {
  format: string;
  vm: VmSpec;
  diskDigest: string;
  exportedAt: string;
}

export interface VmExport {
  file: string;
  sizeBytes: number;
  manifest: VmExportManifest;
}

/** Where a restore takes the VM's state from. */
export type VmRestoreSource = { snapshotId: string } | { exportFile: string };

export interface HypervisorDescription {
  adapter: string;
  /** True for the built-in simulator: the UI and the case record say so plainly. */
  simulated: boolean;
  labelJa: string;
  labelEn: string;
}

/**
 * The virtualization platform (仮想化基盤) as opsdesk drives it: R-OP-1..4, R-OP-7 (power) and the
 * VM side of R-OP-8/9 (backups as exports, restores). The embedded default is a simulator
 * (`simulator/simulated-hypervisor.ts`); a real adapter (vSphere, Proxmox VE) implements this
 * interface and is chosen with `HYPERVISOR=<name>`.
 *
 * Contract for every adapter:
 * - Methods that change something take an {@link OperationContext}. The same `ctx.key` twice does
 *   the work once: an adapter stores the key on what it creates (vSphere: a custom attribute or the
 *   VM notes; Proxmox: a tag or the description) and, called again, resumes or returns it.
 * - Long steps report `ctx.progress` (it becomes the activity heartbeat) and stop when
 *   `ctx.signal` is aborted.
 * - Failures are {@link ProviderError}s: `retryable` for what may pass (host busy, API down),
 *   not retryable with a clear, bilingual reason otherwise (no host has the capacity, name taken).
 * - Adapters never decide policy: protection, confirmation and backups before deletion are the
 *   operations layer's job (src/operations).
 */
export interface HypervisorPort {
  readonly description: HypervisorDescription;

  /** Capacity and use of every host. */
  usage(): Promise<HostUsage[]>;

  /** Every VM, by name. */
  listVms(): Promise<VmInfo[]>;

  /** One VM by name, or null. */
  getVm(name: string): Promise<VmInfo | null>;

  /**
   * Creates a VM on a host with room for it, gives it an address from the pool and powers it on.
   * Refuses with `capacity` (naming the largest free host) when no host can take it, `conflict`
   * when the name is taken by a VM another key created.
   */
  provision(spec: VmSpec, ctx: OperationContext): Promise<VmInfo>;

  /** Powers the VM off and deletes it with its disks and snapshots, releasing its address. */
  delete(name: string, ctx: OperationContext): Promise<void>;

  /** A new VM with the source's sizes and disk content, on a host with room, with its own address. */
  clone(sourceName: string, newName: string, ctx: OperationContext): Promise<VmInfo>;

  /** Changes CPU, memory or disk. Disks only grow; CPU and memory shrink only while powered off. */
  resize(name: string, change: VmResize, ctx: OperationContext): Promise<VmInfo>;

  /** Powers on or off (R-OP-7); already in that state is success. */
  setPower(name: string, power: PowerState, ctx: OperationContext): Promise<VmInfo>;

  /** A point-in-time snapshot on the platform. */
  snapshot(name: string, snapshotName: string, ctx: OperationContext): Promise<SnapshotInfo>;

  /** Writes the VM (definition and disk content) to a file in the backup store (R-OP-8). */
  exportVm(name: string, file: string, ctx: OperationContext): Promise<VmExport>;

  /**
   * Brings back a VM's state from a snapshot or an export (R-OP-9): over the original (powered off,
   * replaced, powered on), or as a new VM named `asName` (export only).
   */
  restore(name: string, source: VmRestoreSource, ctx: OperationContext & { asName?: string }): Promise<VmInfo>;
}
