import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { SimulatorConfig } from '../../operations/operations-config';
import { Asset } from '../../inventory/asset.entity';
import type {
  ClusterCapacity, HostUsage, HypervisorDescription, HypervisorPort, OperationContext, PlatformEvent, PlatformEventBatch, PlatformEventSource, PowerState,
  SnapshotInfo, VmExport, VmExportManifest, VmInfo, VmResize, VmRestoreSource, VmSpec,
} from '../hypervisor.port';
import { ProviderError, workFor } from '../provider-error';
import { SimAddress, SimEvent, SimFault, SimHost, SimSnapshot, SimTask, SimVm } from './sim.entities';

const SEED_LOCK = 7_360_250_101;
const EXPORT_FORMAT = 'opsdesk-simulator-vm-export/1';
const PROVISION_PHASES = ['create_disk', 'install_os', 'configure_network', 'power_on'];
const CLONE_PHASES = ['copy_disk', 'customize', 'power_on'];
const IMPORT_PHASES = ['copy_disk', 'power_on'];

interface DiskState {
  cpu: number;
  memoryGiB: number;
  diskGiB: number;
  os: string;
  businessSystem?: string | null;
  diskSeed: string;
  diskGeneration: number;
}

interface HostRow {
  id: string;
  name: string;
  state: 'online' | 'maintenance';
  cpu_total: number;
  memory_gib_total: number;
  disk_gib_total: number;
  cpu_used: number;
  memory_used: number;
  disk_used: number;
  vm_count: number;
}

const USAGE_SQL = `
  select h.id, h.name, h.state, h.cpu_total, h.memory_gib_total, h.disk_gib_total,
         coalesce(sum(v.cpu), 0)::int as cpu_used, coalesce(sum(v.memory_gib), 0)::int as memory_used,
         coalesce(sum(v.disk_gib), 0)::int as disk_used, count(v.id)::int as vm_count
    from sim_host h left join sim_vm v on v.host_id = h.id
   group by h.id order by h.name`;

/**
 * A hypervisor SIMULATOR — not a real virtualization platform. It keeps hosts, VMs, snapshots and an
 * address pool in PostgreSQL and behaves like a platform: operations take time (steps of
 * `HYPERVISOR_SIM_STEP_MS`, reported as progress), hosts have finite capacity and refuse what does
 * not fit, addresses come from a pool, the disk content is tracked (a digest that changes while the
 * VM runs) so restores can be verified, and faults come from its own `sim_fault` table.
 */
export class SimulatedHypervisor implements HypervisorPort, PlatformEventSource {
  readonly description: HypervisorDescription = {
    adapter: 'simulator',
    simulated: true,
    labelJa: '仮想化基盤シミュレータ（実機ではありません）',
    labelEn: 'Hypervisor SIMULATOR (not a real platform)',
  };

  private seeded: Promise<void> | null = null;

  constructor(
    private readonly em: EntityManager,
    private readonly config: SimulatorConfig,
  ) {}

  // ---- events and capacity (R-MON-1, R-RPT-3) ---------------------------------------------------

  /** The simulator's event log after the cursor (its row id); a null cursor starts after the newest. */
  async readEvents(cursor: string | null, max: number): Promise<PlatformEventBatch> {
    const em = this.em.fork();
    const after = cursor ?? String((await em.execute<Array<{ id: string | null }>>('select max(id)::text as id from sim_event'))[0]?.id ?? '0');
    const rows = await em.find(SimEvent, { id: { $gt: after } }, { orderBy: { id: 'asc' }, limit: Math.max(1, max) });
    const events = rows.map(simEvent).filter((e): e is PlatformEvent => e !== null);
    return { events, read: rows.length, cursor: rows.length ? String(rows[rows.length - 1].id) : after };
  }

  /** The simulator has no alarm definitions: alarms reach it as AlarmStatusChangedEvent rows. */
  activeAlarms(): Promise<PlatformEvent[]> {
    return Promise.resolve([]);
  }

  /** One cluster of every host; each host's local disk is a datastore. */
  async capacity(): Promise<ClusterCapacity[]> {
    const hosts = await this.usage();
    return [{
      cluster: 'sim-cluster',
      hosts,
      datastores: hosts.map((h) => ({ name: `${h.name}-local`, capacityGiB: h.diskGiB.total, freeGiB: h.diskGiB.free })),
    }];
  }

  /**
   * Something happens on the platform that opsdesk did not do (a demo, a test): an event in the
   * simulator's log, read by the event collector like vCenter's. `type` as vCenter names it.
   */
  async emitEvent(event: { type: string; entity: string; message?: string; status?: 'red' | 'yellow' | null }): Promise<void> {
    const em = this.em.fork();
    em.persist(em.create(SimEvent, { type: event.type, entity: event.entity, message: event.message ?? `${event.type}: ${event.entity}`, status: event.status ?? null, byKey: null, at: new Date() }));
    await em.flush();
  }

  /** A VM is powered off by someone other than opsdesk (in the platform's own console, say). */
  async powerOffOutside(name: string): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      const vm = await em.findOne(SimVm, { name });
      if (!vm) throw notFound(name);
      vm.power = 'off';
      vm.diskGeneration += 1;
      vm.updatedAt = new Date();
      em.persist(em.create(SimEvent, { type: 'VmPoweredOffEvent', entity: name, message: `${name} was powered off outside opsdesk`, byKey: null, at: new Date() }));
    });
  }

  // ---- reads ---------------------------------------------------------------------------------

  async usage(): Promise<HostUsage[]> {
    await this.ready();
    const rows = await this.em.fork().execute<HostRow[]>(USAGE_SQL);
    return rows.map((h) => ({
      name: h.name,
      state: h.state,
      cpu: usage(h.cpu_total, h.cpu_used),
      memoryGiB: usage(h.memory_gib_total, h.memory_used),
      diskGiB: usage(h.disk_gib_total, h.disk_used),
      vmCount: h.vm_count,
    }));
  }

  async listVms(): Promise<VmInfo[]> {
    await this.ready();
    const em = this.em.fork();
    const [vms, hosts] = await Promise.all([em.find(SimVm, {}, { orderBy: { name: 'asc' } }), this.hostNames(em)]);
    return vms.map((vm) => toInfo(vm, hosts.get(vm.hostId) ?? '?'));
  }

  async getVm(name: string): Promise<VmInfo | null> {
    await this.ready();
    const em = this.em.fork();
    const vm = await em.findOne(SimVm, { name });
    return vm ? toInfo(vm, (await this.hostNames(em)).get(vm.hostId) ?? '?') : null;
  }

  // ---- operations ----------------------------------------------------------------------------

  async provision(spec: VmSpec, ctx: OperationContext): Promise<VmInfo> {
    checkSpec(spec);
    return this.task(ctx.key, 'provision', spec.name, async () => {
      let vm = await this.em.fork().findOne(SimVm, { name: spec.name });
      if (vm && vm.createdByKey !== ctx.key) throw taken(spec.name);
      if (!vm) {
        ctx.progress?.({ step: 'allocate', percent: 0 });
        await this.fault('provision', 'allocate', spec.name);
        vm = await this.place(spec, { key: ctx.key, diskSeed: randomUUID(), diskGeneration: 0 });
      }
      return this.phases(vm.id, 'provision', PROVISION_PHASES, ctx);
    });
  }

  async delete(name: string, ctx: OperationContext): Promise<void> {
    await this.task(ctx.key, 'delete', name, async (task) => {
      const em = this.em.fork();
      const vm = await em.findOne(SimVm, { name });
      if (!vm) {
        // Seen by an earlier attempt of this key: that attempt deleted it.
        if (task.result?.vmId) return { vmId: task.result.vmId, deleted: true };
        throw notFound(name);
      }
      await this.checkpoint(ctx.key, { vmId: vm.id });
      if (vm.power === 'on') {
        await this.fault('delete', 'power_off', name);
        await workFor(this.config.stepMs, ctx, 'power_off', 0, 50);
        vm.power = 'off';
        vm.diskGeneration += 1;
        await em.flush();
      }
      await this.fault('delete', 'destroy', name);
      await workFor(this.config.stepMs, ctx, 'destroy', 50, 100);
      await em.transactional(async (tx) => {
        await tx.nativeDelete(SimSnapshot, { vmId: vm.id });
        await tx.nativeUpdate(SimAddress, { vmId: vm.id }, { vmId: null });
        await tx.nativeDelete(SimVm, { id: vm.id });
      });
      return { vmId: vm.id, deleted: true };
    });
  }

  async clone(sourceName: string, newName: string, ctx: OperationContext): Promise<VmInfo> {
    return this.task(ctx.key, 'clone', newName, async () => {
      const em = this.em.fork();
      let vm = await em.findOne(SimVm, { name: newName });
      if (vm && vm.createdByKey !== ctx.key) throw taken(newName);
      if (!vm) {
        const source = await em.findOne(SimVm, { name: sourceName });
        if (!source) throw notFound(sourceName);
        if (source.state !== 'ready') throw new ProviderError('invalid', `複製元 ${sourceName} は作成途中です / the source VM ${sourceName} is not ready`);
        ctx.progress?.({ step: 'allocate', percent: 0 });
        await this.fault('clone', 'allocate', newName);
        vm = await this.place(
          { name: newName, cpu: source.cpu, memoryGiB: source.memoryGiB, diskGiB: source.diskGiB, os: source.os, businessSystem: source.businessSystem },
          { key: ctx.key, diskSeed: source.diskSeed, diskGeneration: source.diskGeneration },
        );
      }
      return this.phases(vm.id, 'clone', CLONE_PHASES, ctx);
    });
  }

  async resize(name: string, change: VmResize, ctx: OperationContext): Promise<VmInfo> {
    for (const [field, value] of Object.entries(change)) {
      if (value !== undefined && (!Number.isInteger(value) || value <= 0)) throw new ProviderError('invalid', `${field} must be a positive whole number`);
    }
    return this.task(ctx.key, 'resize', name, async () => {
      await this.checkResize(this.em.fork(), name, change, false);
      await this.fault('resize', 'apply', name);
      await workFor(this.config.stepMs, ctx, 'apply', 0, 100);
      const id = await this.em.fork().transactional((tx) => this.checkResize(tx, name, change, true));
      return this.info(id);
    });
  }

  async setPower(name: string, power: PowerState, ctx: OperationContext): Promise<VmInfo> {
    return this.task(ctx.key, `power_${power}`, name, async () => {
      const em = this.em.fork();
      const vm = await em.findOne(SimVm, { name });
      if (!vm) throw notFound(name);
      if (vm.state !== 'ready') throw new ProviderError('invalid', `${name} は作成途中です / ${name} is still being created`);
      if (vm.power !== power) {
        await this.fault(`power_${power}`, 'apply', name);
        await workFor(this.config.stepMs, ctx, `power_${power}`, 0, 100);
        vm.power = power;
        // The guest wrote to its disk while it ran: the content changes when it stops.
        if (power === 'off') vm.diskGeneration += 1;
        vm.updatedAt = new Date();
        if (power === 'off') em.persist(em.create(SimEvent, { type: 'VmPoweredOffEvent', entity: name, message: `${name} is powered off`, byKey: ctx.key, at: new Date() }));
        await em.flush();
      }
      return this.info(vm.id);
    });
  }

  async snapshot(name: string, snapshotName: string, ctx: OperationContext): Promise<SnapshotInfo> {
    return this.task(ctx.key, 'snapshot', name, async () => {
      const em = this.em.fork();
      const existing = await em.findOne(SimSnapshot, { createdByKey: ctx.key });
      if (existing) return snapshotInfo(existing);
      const vm = await em.findOne(SimVm, { name });
      if (!vm) throw notFound(name);
      await this.fault('snapshot', 'capture', name);
      await workFor(this.config.stepMs, ctx, 'capture', 0, 100);
      const snapshot = em.create(SimSnapshot, {
        vmId: vm.id, vmName: vm.name, name: snapshotName, createdByKey: ctx.key, createdAt: new Date(),
        state: { cpu: vm.cpu, memoryGiB: vm.memoryGiB, diskGiB: vm.diskGiB, os: vm.os, diskSeed: vm.diskSeed, diskGeneration: vm.diskGeneration },
      });
      await em.persistAndFlush(snapshot);
      return snapshotInfo(snapshot);
    });
  }

  async exportVm(name: string, file: string, ctx: OperationContext): Promise<VmExport> {
    return this.task(ctx.key, 'export', name, async () => {
      const vm = await this.em.fork().findOne(SimVm, { name });
      if (!vm) throw notFound(name);
      if (vm.state !== 'ready') throw new ProviderError('invalid', `${name} は作成途中です / ${name} is still being created`);
      await this.fault('export', 'copy', name);
      await workFor(this.config.stepMs * 2, ctx, 'copy', 0, 100);
      const manifest: VmExportManifest = {
        format: EXPORT_FORMAT,
        vm: { name: vm.name, cpu: vm.cpu, memoryGiB: vm.memoryGiB, diskGiB: vm.diskGiB, os: vm.os, businessSystem: vm.businessSystem ?? null },
        diskDigest: digest(vm.diskSeed, vm.diskGeneration),
        exportedAt: new Date().toISOString(),
      };
      // The simulated disk image: what a real export would copy block by block.
      const body = JSON.stringify({ ...manifest, simulator: { diskSeed: vm.diskSeed, diskGeneration: vm.diskGeneration } }, null, 2);
      await mkdir(dirname(file), { recursive: true });
      await writeFile(`${file}.part`, body, { mode: 0o600 });
      await rename(`${file}.part`, file);
      return { file, sizeBytes: (await stat(file)).size, manifest };
    });
  }

  async restore(name: string, source: VmRestoreSource, ctx: OperationContext & { asName?: string }): Promise<VmInfo> {
    const target = ctx.asName ?? name;
    return this.task(ctx.key, 'restore', target, async () => {
      const state = await this.restoreState(name, source);
      const em = this.em.fork();
      if (ctx.asName) {
        let vm = await em.findOne(SimVm, { name: ctx.asName });
        if (vm && vm.createdByKey !== ctx.key) throw taken(ctx.asName);
        if (!vm) {
          await this.fault('restore', 'allocate', ctx.asName);
          vm = await this.place({ name: ctx.asName, ...state }, { key: ctx.key, diskSeed: state.diskSeed, diskGeneration: state.diskGeneration });
        }
        return this.phases(vm.id, 'restore', IMPORT_PHASES, ctx);
      }
      const vm = await em.findOne(SimVm, { name });
      if (!vm) throw notFound(name);
      if (vm.power === 'on') {
        await this.fault('restore', 'power_off', name);
        await workFor(this.config.stepMs, ctx, 'power_off', 0, 25);
        vm.power = 'off';
        vm.diskGeneration += 1;
        await em.flush();
      }
      await this.fault('restore', 'apply', name);
      await workFor(this.config.stepMs * 2, ctx, 'copy_disk', 25, 75);
      await em.transactional(async (tx) => {
        await this.checkResize(tx, name, { cpu: state.cpu, memoryGiB: state.memoryGiB, diskGiB: state.diskGiB }, true, true);
        await tx.nativeUpdate(SimVm, { id: vm.id }, {
          cpu: state.cpu, memoryGiB: state.memoryGiB, diskGiB: state.diskGiB, os: state.os, diskSeed: state.diskSeed, diskGeneration: state.diskGeneration, updatedAt: new Date(),
        });
      });
      await this.fault('restore', 'power_on', name);
      await workFor(this.config.stepMs, ctx, 'power_on', 75, 100);
      await em.fork().nativeUpdate(SimVm, { id: vm.id }, { power: 'on', state: 'ready', updatedAt: new Date() });
      return this.info(vm.id);
    });
  }

  // ---- internals -----------------------------------------------------------------------------

  private ready(): Promise<void> {
    this.seeded ??= this.seed().catch((error: unknown) => {
      this.seeded = null;
      throw error;
    });
    return this.seeded;
  }

  /** The first use creates the hosts and the address pool (and, for the demo, the inventory's VMs). */
  private async seed(): Promise<void> {
    await this.em.fork().transactional(async (em) => {
      await em.execute('select pg_advisory_xact_lock(?)', [SEED_LOCK]);
      if ((await em.count(SimHost, {})) > 0) return;
      const hosts = this.config.hosts.map((h) =>
        em.create(SimHost, { name: h.name, cpuTotal: h.cpu, memoryGiBTotal: h.memoryGiB, diskGiBTotal: h.diskGiB, state: 'online', createdAt: new Date() }),
      );
      em.persist(hosts);
      const first = ipToNumber(this.config.pool.first);
      const last = ipToNumber(this.config.pool.last);
      for (let n = first, seq = 1; n <= last; n++, seq++) em.persist(em.create(SimAddress, { address: numberToIp(n), seq, vmId: null }));
      if (this.config.mirrorInventoryVms) {
        const assets = await em.find(Asset, { kind: 'vm' }, { orderBy: { hostname: 'asc' } });
        assets.forEach((asset, i) => {
          em.persist(em.create(SimVm, {
            name: asset.hostname, hostId: hosts[i % hosts.length].id, cpu: 4, memoryGiB: 16, diskGiB: 200, os: 'rhel9',
            businessSystem: asset.businessSystems[0] ?? null, address: asset.address ?? null, power: 'on', state: 'ready', phase: 'power_on',
            createdByKey: null, diskSeed: randomUUID(), diskGeneration: 0, createdAt: new Date(), updatedAt: new Date(),
          }));
        });
      }
    });
  }

  /** Runs an operation once per key, logging it in sim_task like a platform's task list. */
  private async task<T>(key: string, operation: string, target: string, body: (task: { attempts: number; result: Record<string, unknown> | null }) => Promise<T>): Promise<T> {
    if (!key) throw new ProviderError('invalid', 'an operation key is required');
    await this.ready();
    const em = this.em.fork();
    const [row] = await em.execute<Array<{ operation: string; state: string; attempts: number; result: Record<string, unknown> | null }>>(
      `insert into sim_task (id, key, operation, target, state, attempts, started_at) values (gen_random_uuid(), ?, ?, ?, 'running', 1, now())
       on conflict (key) do update set attempts = sim_task.attempts + 1,
         state = case when sim_task.state = 'success' then 'success' else 'running' end
       returning operation, state, attempts, result`,
      [key, operation, target],
    );
    if (row.operation !== operation) throw new ProviderError('conflict', `key ${key} was used for ${row.operation}, not ${operation}`);
    if (row.state === 'success') return (row.result?.value ?? undefined) as T;
    try {
      const result = await body({ attempts: row.attempts, result: row.result });
      await em.nativeUpdate(SimTask, { key }, { state: 'success', result: { value: result ?? null }, error: null, finishedAt: new Date() });
      return result;
    } catch (error) {
      await em.nativeUpdate(SimTask, { key }, { state: 'error', error: error instanceof Error ? error.message : String(error), finishedAt: new Date() }).catch(() => undefined);
      throw error;
    }
  }

  private async checkpoint(key: string, result: Record<string, unknown>): Promise<void> {
    await this.em.fork().nativeUpdate(SimTask, { key }, { result });
  }

  /** Raises the first matching fault of sim_fault, counting it down. */
  private async fault(operation: string, phase: string, target: string): Promise<void> {
    const rows = await this.em.fork().execute<Array<{ kind: string; message: string }>>(
      `update sim_fault set remaining = remaining - 1, fired_count = fired_count + 1
        where id = (select id from sim_fault
                     where remaining > 0 and operation in (?, '*') and (phase is null or phase = ?) and (target is null or target = ?)
                     order by created_at, id limit 1 for update skip locked)
        returning kind, message`,
      [operation, phase, target],
    );
    if (rows.length === 0) return;
    const { kind, message } = rows[0];
    const transient = kind === 'transient';
    throw new ProviderError(
      transient ? 'unavailable' : 'fault',
      `シミュレータで${transient ? '一時的な' : ''}障害が発生しました（${operation}/${phase}: ${message}） / simulated ${kind} fault at ${operation}/${phase}: ${message}`,
      transient,
    );
  }

  /** Puts a new VM on the host with the most free memory that fits, with an address from the pool. */
  private async place(spec: VmSpec, extra: { key: string; diskSeed: string; diskGeneration: number }): Promise<SimVm> {
    try {
      return await this.em.fork().transactional(async (em) => {
        await em.execute(`select id from sim_host where state = 'online' order by name for update`);
        const hosts = (await em.execute<HostRow[]>(USAGE_SQL)).filter((h) => h.state === 'online');
        const free = (h: HostRow) => ({ cpu: h.cpu_total - h.cpu_used, memoryGiB: h.memory_gib_total - h.memory_used, diskGiB: h.disk_gib_total - h.disk_used });
        const fitting = hosts.filter((h) => {
          const f = free(h);
          return f.cpu >= spec.cpu && f.memoryGiB >= spec.memoryGiB && f.diskGiB >= spec.diskGiB;
        });
        if (fitting.length === 0) {
          const largest = [...hosts].sort((a, b) => free(b).memoryGiB - free(a).memoryGiB)[0];
          const f = largest ? free(largest) : null;
          throw new ProviderError(
            'capacity',
            `容量不足: ${spec.cpu} vCPU / ${spec.memoryGiB} GiB / ${spec.diskGiB} GiB を収容できるホストがありません` +
              (f ? `（空きが最大のホスト ${largest.name}: ${f.cpu} vCPU / ${f.memoryGiB} GiB / ${f.diskGiB} GiB）` : '') +
              ` / no host has room for ${spec.cpu} vCPU, ${spec.memoryGiB} GiB memory, ${spec.diskGiB} GiB disk` +
              (f ? ` (largest free: ${largest.name} with ${f.cpu} vCPU, ${f.memoryGiB} GiB, ${f.diskGiB} GiB)` : ''),
          );
        }
        const host = fitting.sort((a, b) => free(b).memoryGiB - free(a).memoryGiB || a.name.localeCompare(b.name))[0];
        const vm = em.create(SimVm, {
          name: spec.name, hostId: host.id, cpu: spec.cpu, memoryGiB: spec.memoryGiB, diskGiB: spec.diskGiB, os: spec.os, businessSystem: spec.businessSystem ?? null,
          address: null, power: 'off', state: 'creating', phase: 'allocate', createdByKey: extra.key, diskSeed: extra.diskSeed, diskGeneration: extra.diskGeneration,
          createdAt: new Date(), updatedAt: new Date(),
        });
        const [address] = await em.execute<Array<{ address: string }>>(
          `update sim_address set vm_id = ? where address = (select address from sim_address where vm_id is null order by seq limit 1 for update skip locked) returning address`,
          [vm.id],
        );
        if (!address) {
          throw new ProviderError('capacity', 'アドレスプールに空きがありません / the address pool is exhausted');
        }
        vm.address = address.address;
        em.persist(vm);
        await em.flush();
        return vm;
      });
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw taken(spec.name);
      throw error;
    }
  }

  /** Runs the remaining steps of a VM being created, resuming after the last one done. */
  private async phases(vmId: string, operation: string, phases: string[], ctx: OperationContext): Promise<VmInfo> {
    const em = this.em.fork();
    const vm = await em.findOneOrFail(SimVm, { id: vmId });
    for (let i = phases.indexOf(vm.phase) + 1; i < phases.length; i++) {
      const phase = phases[i];
      await this.fault(operation, phase, vm.name);
      await workFor(this.config.stepMs, ctx, phase, (i * 100) / phases.length, ((i + 1) * 100) / phases.length);
      vm.phase = phase;
      if (phase === 'power_on') vm.power = 'on';
      vm.updatedAt = new Date();
      await em.flush();
    }
    vm.state = 'ready';
    await em.flush();
    return this.info(vm.id);
  }

  /** Checks (and with `apply`, makes) a change of sizes against the VM's host. Returns the VM id. */
  private async checkResize(em: EntityManager, name: string, change: VmResize, apply: boolean, restoring = false): Promise<string> {
    if (apply) await em.execute(`select h.id from sim_host h join sim_vm v on v.host_id = h.id where v.name = ? for update of h`, [name]);
    const vm = await em.findOne(SimVm, { name });
    if (!vm) throw notFound(name);
    if (vm.state !== 'ready' && !restoring) throw new ProviderError('invalid', `${name} は作成途中です / ${name} is still being created`);
    const next = { cpu: change.cpu ?? vm.cpu, memoryGiB: change.memoryGiB ?? vm.memoryGiB, diskGiB: change.diskGiB ?? vm.diskGiB };
    if (!restoring && next.diskGiB < vm.diskGiB) {
      throw new ProviderError('invalid', `ディスクは縮小できません（${vm.diskGiB} GiB → ${next.diskGiB} GiB） / a disk cannot shrink (${vm.diskGiB} GiB → ${next.diskGiB} GiB)`);
    }
    if (vm.power === 'on' && (next.cpu < vm.cpu || next.memoryGiB < vm.memoryGiB)) {
      throw new ProviderError('invalid', `稼働中の ${name} の vCPU・メモリは減らせません。停止してから変更してください / ${name} is powered on: power it off to reduce CPU or memory`);
    }
    const [host] = (await em.execute<HostRow[]>(USAGE_SQL)).filter((h) => h.id === vm.hostId);
    const needs = { cpu: next.cpu - vm.cpu, memoryGiB: next.memoryGiB - vm.memoryGiB, diskGiB: next.diskGiB - vm.diskGiB };
    const free = { cpu: host.cpu_total - host.cpu_used, memoryGiB: host.memory_gib_total - host.memory_used, diskGiB: host.disk_gib_total - host.disk_used };
    const short = (Object.keys(needs) as Array<keyof typeof needs>).filter((k) => needs[k] > free[k]);
    if (short.length) {
      throw new ProviderError(
        'capacity',
        `容量不足: ホスト ${host.name} の空き（${free.cpu} vCPU / ${free.memoryGiB} GiB / ${free.diskGiB} GiB）では変更できません / ` +
          `host ${host.name} lacks ${short.join(', ')} for this change (free: ${free.cpu} vCPU, ${free.memoryGiB} GiB, ${free.diskGiB} GiB)`,
      );
    }
    if (apply) {
      vm.cpu = next.cpu;
      vm.memoryGiB = next.memoryGiB;
      vm.diskGiB = next.diskGiB;
      vm.updatedAt = new Date();
      await em.flush();
    }
    return vm.id;
  }

  private async restoreState(name: string, source: VmRestoreSource): Promise<DiskState> {
    if ('snapshotId' in source) {
      const snapshot = await this.em.fork().findOne(SimSnapshot, { id: source.snapshotId });
      if (!snapshot || snapshot.vmName !== name) throw new ProviderError('not_found', `スナップショット ${source.snapshotId} がありません / no snapshot ${source.snapshotId} of ${name}`);
      return snapshot.state;
    }
    let parsed: { format?: string; vm?: VmSpec; simulator?: { diskSeed: string; diskGeneration: number } };
    try {
      parsed = JSON.parse(await readFile(source.exportFile, 'utf8')) as typeof parsed;
    } catch (error) {
      throw new ProviderError('not_found', `エクスポートを読めません / cannot read the export ${source.exportFile}: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (parsed.format !== EXPORT_FORMAT || !parsed.vm || !parsed.simulator) throw new ProviderError('invalid', `${source.exportFile} はこのシミュレータのエクスポートではありません / not an export of this simulator`);
    const { vm, simulator } = parsed;
    return { cpu: vm.cpu, memoryGiB: vm.memoryGiB, diskGiB: vm.diskGiB, os: vm.os, businessSystem: vm.businessSystem ?? null, ...simulator };
  }

  private async info(id: string): Promise<VmInfo> {
    const em = this.em.fork();
    const vm = await em.findOneOrFail(SimVm, { id });
    const host = await em.findOne(SimHost, { id: vm.hostId });
    return toInfo(vm, host?.name ?? '?');
  }

  private async hostNames(em: EntityManager): Promise<Map<string, string>> {
    return new Map((await em.find(SimHost, {})).map((h) => [h.id, h.name]));
  }
}

/** Removes a simulator fault plan (tests and demos): every row of sim_fault. */
/** A row of the simulator's event log as R-MON-1 sees it (null: not an alert, or opsdesk's own doing). */
function simEvent(row: SimEvent): PlatformEvent | null {
  const base = { key: `sim-event:${row.id}`, type: row.type, entity: row.entity, at: row.at.toISOString() };
  switch (row.type) {
    case 'VmPoweredOffEvent':
      if (row.byKey) return null;
      return { ...base, kind: 'vm_powered_off', severity: 'major', summary: `仮想マシン ${row.entity} が運用保守デスク以外の操作で停止しました / VM ${row.entity} was powered off, not by opsdesk: ${row.message}` };
    case 'HostNotRespondingEvent':
    case 'HostConnectionLostEvent':
      return { ...base, kind: 'host_not_responding', severity: 'critical', summary: `ホスト ${row.entity} が応答しません / host ${row.entity} is not responding: ${row.message}` };
    case 'DasHostFailedEvent':
    case 'DasHostIsolatedEvent':
    case 'VmFailoverFailed':
      return { ...base, kind: 'ha', severity: 'major', summary: `vSphere HA（シミュレータ）: ${row.message}` };
    case 'AlarmStatusChangedEvent':
      if (row.status !== 'red' && row.status !== 'yellow') return null;
      return {
        ...base, kind: /datastore|データストア/i.test(row.message) || /-local$/.test(row.entity) ? 'datastore_usage' : 'alarm', severity: row.status === 'red' ? 'critical' : 'warning',
        summary: `アラーム（シミュレータ）が ${row.status === 'red' ? '赤' : '黄'} になりました（${row.entity}） / alarm turned ${row.status} on ${row.entity}: ${row.message}`,
      };
    default:
      return null;
  }
}

export async function clearSimulatorFaults(em: EntityManager): Promise<void> {
  await em.fork().nativeDelete(SimFault, {});
}

function usage(total: number, used: number) {
  return { total, used, free: total - used };
}

function digest(seed: string, generation: number): string {
  return createHash('sha256').update(`${seed}:${generation}`).digest('hex');
}

function toInfo(vm: SimVm, host: string): VmInfo {
  return {
    id: vm.id, name: vm.name, host, cpu: vm.cpu, memoryGiB: vm.memoryGiB, diskGiB: vm.diskGiB, os: vm.os, businessSystem: vm.businessSystem ?? null,
    address: vm.address ?? null, power: vm.power, state: vm.state, createdByKey: vm.createdByKey ?? null, diskDigest: digest(vm.diskSeed, vm.diskGeneration),
    createdAt: vm.createdAt.toISOString(),
  };
}

function snapshotInfo(s: SimSnapshot): SnapshotInfo {
  return { id: s.id, vmName: s.vmName, name: s.name, createdAt: s.createdAt.toISOString() };
}

function checkSpec(spec: VmSpec): void {
  if (!/^[a-z][a-z0-9-]{1,62}$/.test(spec.name)) throw new ProviderError('invalid', `VM name ${spec.name} is not a host name`);
  for (const field of ['cpu', 'memoryGiB', 'diskGiB'] as const) {
    if (!Number.isInteger(spec[field]) || spec[field] <= 0) throw new ProviderError('invalid', `${field} must be a positive whole number`);
  }
}

const notFound = (name: string) => new ProviderError('not_found', `仮想マシン ${name} が見つかりません / no VM named ${name}`);
const taken = (name: string) => new ProviderError('conflict', `仮想マシン名 ${name} は既に使われています / a VM named ${name} already exists`);

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
