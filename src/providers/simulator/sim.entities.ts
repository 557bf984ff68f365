import { Entity, Index, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';

/**
 * The state of the hypervisor SIMULATOR (not a real platform): its hosts, VMs, snapshots, address
 * pool, task log and the faults tests (or a demo) inject. Kept in opsdesk's PostgreSQL so that it
 * survives restarts and behaves like a platform with state of its own.
 */
@Entity({ tableName: 'sim_host' })
export class SimHost {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  name!: string;

  @Property({ type: 'integer' })
  cpuTotal!: number;

  @Property({ type: 'integer', fieldName: 'memory_gib_total' })
  memoryGiBTotal!: number;

  @Property({ type: 'integer', fieldName: 'disk_gib_total' })
  diskGiBTotal!: number;

  /** `maintenance` hosts take no new VMs. */
  @Property({ type: 'text' })
  state: 'online' | 'maintenance' = 'online';

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

@Entity({ tableName: 'sim_vm' })
export class SimVm {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  name!: string;

  @Property({ type: 'uuid', index: true })
  hostId!: string;

  @Property({ type: 'integer' })
  cpu!: number;

  @Property({ type: 'integer', fieldName: 'memory_gib' })
  memoryGiB!: number;

  @Property({ type: 'integer', fieldName: 'disk_gib' })
  diskGiB!: number;

  @Property({ type: 'text' })
  os!: string;

  @Property({ type: 'text', nullable: true })
  businessSystem?: string | null;

  @Property({ type: 'text', nullable: true, unique: true })
  address?: string | null;

  @Property({ type: 'text' })
  power: 'on' | 'off' = 'off';

  @Property({ type: 'text' })
  state: 'creating' | 'ready' = 'creating';

  /** The last provisioning / cloning step done: a retry continues after it. */
  @Property({ type: 'text' })
  phase: string = 'allocate';

  /** Idempotency key of the operation that created it (a VM annotation on a real platform). */
  @Property({ type: 'text', nullable: true, unique: true })
  createdByKey?: string | null;

  /** The simulated disk content: a seed and a generation that changes when the disk does. */
  @Property({ type: 'text' })
  diskSeed!: string;

  @Property({ type: 'integer' })
  diskGeneration: number = 0;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz' })
  updatedAt: Date = new Date();
}

@Entity({ tableName: 'sim_snapshot' })
export class SimSnapshot {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'uuid', index: true })
  vmId!: string;

  @Property({ type: 'text' })
  vmName!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true, unique: true })
  createdByKey?: string | null;

  @Property({ type: 'jsonb' })
  state!: { cpu: number; memoryGiB: number; diskGiB: number; os: string; diskSeed: string; diskGeneration: number };

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** The address pool: a row per address, taken by at most one VM. */
@Entity({ tableName: 'sim_address' })
export class SimAddress {
  @PrimaryKey({ type: 'text' })
  address!: string;

  @Property({ type: 'integer', unique: true })
  seq!: number;

  @Property({ type: 'uuid', nullable: true, index: true })
  vmId?: string | null;
}

/**
 * A fault the simulator will raise: at `operation` (or `*`), at `phase` (or any), for `target`
 * (or any VM), `remaining` more times. `transient` faults are retryable (a busy host), `permanent`
 * ones are not (a failed disk). Insert a row to inject one; nothing else switches them on.
 */
@Entity({ tableName: 'sim_fault' })
export class SimFault {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text' })
  operation!: string;

  @Property({ type: 'text', nullable: true })
  phase?: string | null;

  @Property({ type: 'text', nullable: true })
  target?: string | null;

  @Property({ type: 'text' })
  kind!: 'transient' | 'permanent';

  @Property({ type: 'integer' })
  remaining: number = 1;

  @Property({ type: 'integer' })
  firedCount: number = 0;

  @Property({ type: 'text' })
  message: string = 'simulated fault';

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();
}

/** The simulator's task log (like a hypervisor's task list): one row per keyed operation. */
@Entity({ tableName: 'sim_task' })
@Index({ properties: ['target', 'startedAt'] })
export class SimTask {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  @Property({ type: 'text', unique: true })
  key!: string;

  @Property({ type: 'text' })
  operation!: string;

  @Property({ type: 'text' })
  target!: string;

  @Property({ type: 'text' })
  state: 'running' | 'success' | 'error' = 'running';

  @Property({ type: 'integer' })
  attempts: number = 1;

  @Property({ type: 'text', nullable: true })
  error?: string | null;

  @Property({ type: 'jsonb', nullable: true })
  result?: Record<string, unknown> | null;

  @Property({ type: 'timestamptz' })
  startedAt: Date = new Date();

  @Property({ type: 'timestamptz', nullable: true })
  finishedAt?: Date | null;
}

/**
 * The simulator's event log (R-MON-1), read by the platform event collector through the hypervisor
 * port like vCenter's: what opsdesk did (`byKey`) and what "someone else" did (a demo or a test
 * calling SimulatedHypervisor.emitEvent / powerOffOutside).
 */
@Entity({ tableName: 'sim_event' })
export class SimEvent {
  @PrimaryKey({ type: 'bigint', autoincrement: true })
  id!: string;

  /** Like vCenter's type names: VmPoweredOffEvent, HostNotRespondingEvent, DasHostFailedEvent, AlarmStatusChangedEvent. */
  @Property({ type: 'text' })
  type!: string;

  @Property({ type: 'text' })
  entity!: string;

  @Property({ type: 'text' })
  message!: string;

  /** For alarms: red or yellow. */
  @Property({ type: 'text', nullable: true })
  status?: string | null;

  /** The operation key when opsdesk caused it. */
  @Property({ type: 'text', nullable: true })
  byKey?: string | null;

  @Property({ type: 'timestamptz' })
  at: Date = new Date();
}

export const SIMULATOR_ENTITIES = [SimHost, SimVm, SimSnapshot, SimAddress, SimFault, SimTask, SimEvent];
