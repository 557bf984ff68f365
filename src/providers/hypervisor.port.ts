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

/**
 * How a restore's disks were checked where the platform shows no digest of a disk's content
 * (vSphere): the bytes uploaded, their SHA-256 against the export's manifest, and the SHA-1 the
 * platform reports of what it received (its lease manifest; null where it gives none).
 */
export interface RestoreDiskCheck {
  disks: Array<{ targetId: string; bytes: number; sha256: string; sha1: string; platformSha1: string | null }>;
  /** SHA-256 over the uploaded disks, computed like the export manifest's `diskDigest`. */
  uploadedDigest: string;
}

/** A restored VM; `diskCheck` where the adapter proves the disks by their upload instead of {@link VmInfo.diskDigest}. */
export interface RestoredVm extends VmInfo {
  diskCheck?: RestoreDiskCheck;
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
  restore(name: string, source: VmRestoreSource, ctx: OperationContext & { asName?: string }): Promise<RestoredVm>;
}

/**
 * Optional: an adapter that restores over the original by putting the original aside (vSphere)
 * can put it back after a restore of that key failed. Returns what it undid (empty: nothing to undo).
 */
export interface RestoreUndo {
  undoRestore(name: string, ctx: OperationContext): Promise<string[]>;
}

export function hasRestoreUndo(port: HypervisorPort): port is HypervisorPort & RestoreUndo {
  return typeof (port as Partial<RestoreUndo>).undoRestore === 'function';
}

// ---- R-MON-1 and R-RPT-3: what the platform tells of itself ---------------------------------------

/** The platform events opsdesk hands to the alert intake (R-MON-1); anything else is read and passed over. */
export type PlatformEventKind = 'host_not_responding' | 'vm_powered_off' | 'datastore_usage' | 'ha' | 'alarm';

/** One event of the platform, as the alert intake gets it. */
export interface PlatformEvent {
  /** Unique on the platform (vCenter's event key, an alarm state's key and time): the alert's deduplication key. */
  key: string;
  kind: PlatformEventKind;
  /** The platform's own type name (`VmPoweredOffEvent`). */
  type: string;
  severity: 'critical' | 'major' | 'warning';
  /** What it is about: a VM, host or datastore name. */
  entity: string;
  summary: string;
  /** ISO 8601, the platform's clock. */
  at: string;
}

/** What one read of the event stream gave: the relevant events, how many were read in all, and where to go on. */
export interface PlatformEventBatch {
  events: PlatformEvent[];
  /** Events read, relevant or not (what the cursor moved over). */
  read: number;
  /** Opaque: the position after the last event read; kept by the caller and passed back. */
  cursor: string;
}

/** Capacity and use of one cluster: its hosts (compute) and datastores (storage). */
export interface ClusterCapacity {
  cluster: string;
  hosts: HostUsage[];
  datastores: Array<{ name: string; capacityGiB: number; freeGiB: number }>;
}

/** Optional capabilities of an adapter: the event stream (R-MON-1) and capacity per cluster (R-RPT-3). */
export interface PlatformEventSource {
  /**
   * Events after `cursor`, oldest first, at most about `max`. A null cursor starts at the present
   * (the platform's history is not replayed as alerts). A VM powered off by opsdesk's own operation
   * is not an event for the intake; one powered off by anyone else is.
   */
  readEvents(cursor: string | null, max: number): Promise<PlatformEventBatch>;
  /** Alarms now red or yellow, each as an event keyed by its alarm state and the time it turned so. */
  activeAlarms(): Promise<PlatformEvent[]>;
  /** Capacity and use, per cluster. */
  capacity(): Promise<ClusterCapacity[]>;
}

export function hasPlatformEvents(port: HypervisorPort): port is HypervisorPort & PlatformEventSource {
  const p = port as Partial<PlatformEventSource>;
  return typeof p.readEvents === 'function' && typeof p.activeAlarms === 'function' && typeof p.capacity === 'function';
}
