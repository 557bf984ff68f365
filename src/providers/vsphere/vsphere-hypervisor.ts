import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdir, open, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Client as PgClient } from 'pg';
import type { VsphereConfig } from '../../operations/operations-config';
import type {
  ClusterCapacity, HostUsage, HypervisorDescription, HypervisorPort, OperationContext, PlatformEvent, PlatformEventBatch, PlatformEventSource, PowerState,
  RestoredVm, RestoreUndo, SnapshotInfo, VmExport, VmExportManifest, VmInfo, VmResize, VmRestoreSource, VmSpec,
} from '../hypervisor.port';
import { ProviderError } from '../provider-error';
import { MoRef, VimClient, VimFault, VimTransportError } from './vim-client';
import { alarmStateEvent, eventKey, eventTime, eventVm, toPlatformEvent } from './vsphere-events';
import { list, num, obj, ref, text, type Parsed, type ParsedObject, type VimObject } from './vim-xml';

/** The custom attributes (custom fields) opsdesk keeps on the VMs it makes. */
const FIELDS = { key: 'opsdesk.key', os: 'opsdesk.os', system: 'opsdesk.system', address: 'opsdesk.address', state: 'opsdesk.state' } as const;
type FieldName = keyof typeof FIELDS;

const VM_PROPS = [
  'name', 'runtime.host', 'runtime.powerState', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'config.hardware.device', 'config.template',
  'config.annotation', 'config.createDate', 'config.guestId', 'customValue', 'guest.ipAddress',
];
const GiB = 1024 ** 3;
/** The format of the vSphere adapter's VM exports (see exportVm). */
export const VSPHERE_EXPORT_FORMAT = 'opsdesk-vsphere-export/1';
/** The first key of the placement advisory locks (pg_advisory_lock(int, int)): 'opsd'. */
const PLACEMENT_LOCK_CLASS = 0x6f707364;
const MiB = 1024 ** 2;

interface Vm {
  ref: MoRef;
  name: string;
  host: MoRef | undefined;
  power: PowerState;
  cpu: number;
  memoryMB: number;
  disks: ParsedObject[];
  nics: ParsedObject[];
  diskBytes: number;
  template: boolean;
  annotation: string;
  createDate: string | undefined;
  guestId: string | undefined;
  guestIp: string | undefined;
  fields: Partial<Record<FieldName, string>>;
  /** The operation key that made it: the `opsdesk.key` attribute, else the `opsdesk.key=` line of its notes. */
  key: string | null;
}

interface Placement {
  datacenter: MoRef;
  vmFolder: MoRef;
  folder: MoRef;
  cluster: MoRef;
  pool: MoRef;
  datastores: MoRef[];
  network: { ref: MoRef; name: string; switchUuid?: string; portgroupKey?: string } | null;
}

interface HostState {
  ref: MoRef;
  name: string;
  online: boolean;
  cpuTotal: number;
  memoryMBTotal: number;
  cpuUsed: number;
  memoryMBUsed: number;
  vmCount: number;
  datastores: MoRef[];
}

/** What a new VM must end up as. */
interface Wanted {
  cpu: number;
  memoryMB: number;
  diskBytes: number;
  os: string;
  system: string | null;
}

/** Where the event collector is in vCenter's event stream: the last event's key and time (as vCenter wrote it). */
interface EventCursor {
  key: number;
  time: string;
}

interface JournalRow {
  operation: string;
  state: string;
  detail: Record<string, unknown>;
}

/**
 * The vSphere adapter: a vCenter spoken to over vim25 SOAP. vCenter does the work; this adapter adds
 * what vCenter (and vcsim, its simulator) does not check the way opsdesk promises: host capacity
 * before a VM is made or grows (vCPUs per core as the platform's policy allows), disks that never
 * shrink, names that are never taken twice, power that is idempotent, and one operation key per
 * change, kept on the VM (custom attribute `opsdesk.key` and a line of its notes) and in the
 * `hypervisor_journal` table (the task a retry waits for instead of starting another).
 */
export class VsphereHypervisor implements HypervisorPort, PlatformEventSource, RestoreUndo {
  readonly description: HypervisorDescription;

  private client: Promise<VimClient> | null = null;
  private placement: Promise<Placement> | null = null;
  private fieldKeys: Promise<Record<FieldName, number>> | null = null;
  /** The event collector of this session and the cursor it was made for (R-MON-1). */
  private events: { client: VimClient; collector: MoRef; cursor: EventCursor } | null = null;
  /** Placement (capacity and address) is decided one VM at a time in this process (and per cluster across processes: {@link placementLock}). */
  private placing: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly em: EntityManager,
    private readonly config: VsphereConfig,
  ) {
    const host = new URL(config.url).host;
    this.description = config.isVcsim
      ? { adapter: 'vsphere', simulated: true, labelJa: `VMware vSphere — vcsim（VMware の vCenter シミュレータ、デモ用・実機ではありません ${host}）`, labelEn: `VMware vSphere — vcsim (VMware's vCenter simulator, a demo, not a real platform, ${host})` }
      : { adapter: 'vsphere', simulated: false, labelJa: `VMware vSphere（vCenter ${host}）`, labelEn: `VMware vSphere (vCenter ${host})` };
  }

  /** Nest calls it at shutdown. */
  onApplicationShutdown(): Promise<void> {
    return this.close();
  }

  /** Ends the vCenter session. */
  async close(): Promise<void> {
    const events = this.events;
    this.events = null;
    await events?.client.destroyCollector(events.collector).catch(() => undefined);
    const client = await this.client?.catch(() => null);
    this.client = null;
    await client?.logout().catch(() => undefined);
  }

  // ---- reads ---------------------------------------------------------------------------------

  async usage(): Promise<HostUsage[]> {
    return this.vim(async () => {
      const place = await this.place();
      const hosts = await this.hostStates(place);
      const stores = await this.datastoreSpace(place.datastores);
      return hosts.map((h) => {
        const mine = h.datastores.map((d) => stores.get(d.value)).filter((s): s is { capacity: number; free: number } => Boolean(s));
        const diskTotal = round(mine.reduce((n, s) => n + s.capacity, 0) / GiB);
        const diskFree = round(mine.reduce((n, s) => n + s.free, 0) / GiB);
        return {
          name: h.name,
          state: h.online ? 'online' : 'maintenance',
          cpu: { total: h.cpuTotal, used: h.cpuUsed, free: h.cpuTotal - h.cpuUsed },
          memoryGiB: { total: round(h.memoryMBTotal / 1024), used: round(h.memoryMBUsed / 1024), free: round((h.memoryMBTotal - h.memoryMBUsed) / 1024) },
          diskGiB: { total: diskTotal, used: round(diskTotal - diskFree), free: diskFree },
          vmCount: h.vmCount,
        } satisfies HostUsage;
      });
    });
  }

  async listVms(): Promise<VmInfo[]> {
    return this.vim(async () => {
      const place = await this.place();
      const [vms, hostNames] = await Promise.all([this.allVms(place, VM_PROPS), this.hostNames()]);
      return vms.filter((vm) => !vm.template).sort((a, b) => a.name.localeCompare(b.name)).map((vm) => toInfo(vm, hostNames));
    });
  }

  async getVm(name: string): Promise<VmInfo | null> {
    return this.vim(async () => {
      const vm = await this.findVm(name);
      return vm ? toInfo(vm, await this.hostNames()) : null;
    });
  }

  // ---- events, alarms and capacity (R-MON-1, R-RPT-3) ------------------------------------------

  /**
   * vCenter's events after the cursor, by an EventHistoryCollector of this session: made once from
   * the cursor's time (events of that very time with a key at or below the cursor's are skipped),
   * then read page by page. A new session (vCenter restarted, session expired, opsdesk restarted)
   * makes a new one from the cursor, so nothing is read twice and nothing is skipped.
   */
  async readEvents(cursorText: string | null, max: number): Promise<PlatformEventBatch> {
    return this.vim(async () => {
      const client = await this.vimClient();
      const cursor: EventCursor = cursorText ? (JSON.parse(cursorText) as EventCursor) : { key: 0, time: await client.currentTime() };
      if (!this.events || this.events.client !== client || this.events.cursor.key !== cursor.key || this.events.cursor.time !== cursor.time) {
        const old = this.events;
        this.events = null;
        if (old && old.client === client) await client.destroyCollector(old.collector).catch(() => undefined);
        this.events = { client, collector: await client.createEventCollector(cursor.time), cursor };
      }
      const events = this.events;
      let raw: ParsedObject[];
      try {
        raw = await client.readNextEvents(events.collector, Math.max(1, Math.min(max, 1000)));
      } catch (error) {
        this.events = null; // made again from the cursor next time
        throw error;
      }
      raw.sort((a, b) => eventKey(a) - eventKey(b));
      const fresh = raw.filter((e) => eventKey(e) > cursor.key);
      const last = fresh[fresh.length - 1];
      const next: EventCursor = last ? { key: eventKey(last), time: eventTime(last) } : cursor;
      events.cursor = next;
      const out: PlatformEvent[] = [];
      for (const event of fresh) {
        const mapped = toPlatformEvent(event);
        if (!mapped) continue;
        if (mapped.kind === 'vm_powered_off' && (await this.ownPowerOff(eventVm(event), eventTime(event)))) continue;
        out.push(mapped);
      }
      return { events: out, read: fresh.length, cursor: JSON.stringify(next) };
    });
  }

  /** Alarms red or yellow now (triggeredAlarmState of the root folder, where vCenter gathers them). */
  async activeAlarms(): Promise<PlatformEvent[]> {
    return this.vim(async () => {
      const client = await this.vimClient();
      const props = await client.retrieveOne(client.service.rootFolder, ['triggeredAlarmState']);
      const states = list(obj(props?.triggeredAlarmState).AlarmState).map(obj);
      const out: PlatformEvent[] = [];
      for (const state of states) {
        const entity = ref(state.entity);
        const alarm = ref(state.alarm);
        const [entityProps, alarmProps] = await Promise.all([entity ? client.retrieveOne(entity, ['name']) : null, alarm ? client.retrieveOne(alarm, ['info.name']) : null]);
        const event = alarmStateEvent(state, { alarm: text(alarmProps?.['info.name']) ?? alarm?.value ?? 'alarm', entity: text(entityProps?.name) ?? entity?.value ?? '?', entityType: entity?.type ?? '' });
        if (event) out.push(event);
      }
      return out;
    });
  }

  /** Every cluster of the datacenter: its hosts (as usage() counts them) and its datastores. */
  async capacity(): Promise<ClusterCapacity[]> {
    return this.vim(async () => {
      const client = await this.vimClient();
      const place = await this.place();
      const clusters = await client.retrieveAll('ClusterComputeResource', ['name', 'datastore'], place.datacenter);
      const out: ClusterCapacity[] = [];
      for (const cluster of clusters) {
        const name = text(cluster.props.name) ?? cluster.obj.value;
        const datastores = refs(cluster.props.datastore);
        const hosts = await this.hostStates({ ...place, cluster: cluster.obj });
        const space = await this.datastoreSpace(datastores);
        const stores: ClusterCapacity['datastores'] = [];
        for (const d of datastores) {
          const s = space.get(d.value);
          const props = await client.retrieveOne(d, ['name']);
          if (s) stores.push({ name: text(props?.name) ?? d.value, capacityGiB: round(s.capacity / GiB), freeGiB: round(s.free / GiB) });
        }
        out.push({
          cluster: name,
          hosts: hosts.map((h) => {
            const mine = h.datastores.map((d) => space.get(d.value)).filter((x): x is { capacity: number; free: number } => Boolean(x));
            const total = round(mine.reduce((n, x) => n + x.capacity, 0) / GiB);
            const free = round(mine.reduce((n, x) => n + x.free, 0) / GiB);
            return {
              name: h.name, state: h.online ? 'online' : 'maintenance', vmCount: h.vmCount,
              cpu: { total: h.cpuTotal, used: h.cpuUsed, free: h.cpuTotal - h.cpuUsed },
              memoryGiB: { total: round(h.memoryMBTotal / 1024), used: round(h.memoryMBUsed / 1024), free: round((h.memoryMBTotal - h.memoryMBUsed) / 1024) },
              diskGiB: { total, used: round(total - free), free },
            } satisfies HostUsage;
          }),
          datastores: stores.sort((a, b) => a.name.localeCompare(b.name)),
        });
      }
      return out.sort((a, b) => a.cluster.localeCompare(b.cluster));
    });
  }

  /**
   * Whether a power-off of this VM at this time (vCenter's clock) was one of opsdesk's own tasks:
   * between its start and end as vCenter's task info gives them, or, when the worker did not see it
   * end, within a minute of the times opsdesk wrote down.
   */
  private async ownPowerOff(vm: string | undefined, at: string): Promise<boolean> {
    if (!vm) return false;
    const rows = await this.em.fork().execute<Array<{ n: string }>>(
      `select count(*) as n from hypervisor_own_task
        where adapter = 'vsphere' and vm = ? and action = 'power_off'
          and ((vc_started_at is not null and ?::timestamptz between vc_started_at - interval '1 second' and coalesce(vc_finished_at, vc_started_at + interval '1 hour') + interval '1 second')
            or (vc_started_at is null and ?::timestamptz between started_at - interval '1 minute' and coalesce(finished_at, started_at + interval '1 hour') + interval '1 minute'))`,
      [vm, at, at],
    );
    return Number(rows[0]?.n ?? 0) > 0;
  }

  // ---- operations ----------------------------------------------------------------------------

  async provision(spec: VmSpec, ctx: OperationContext): Promise<VmInfo> {
    checkSpec(spec);
    const templateName = this.config.templates[spec.os];
    if (!templateName) {
      throw new ProviderError('invalid', `OS ${spec.os} のテンプレートがありません（${Object.keys(this.config.templates).join(', ')}） / no template for os ${spec.os} (VSPHERE_TEMPLATES has ${Object.keys(this.config.templates).join(', ')})`);
    }
    return this.keyed(ctx, 'provision', spec.name, async (journal) => {
      let vm = await this.ownVm(spec.name, journal, ctx);
      if (!vm) {
        const template = await this.findVm(templateName, true);
        if (!template) throw new ProviderError('fault', `テンプレート ${templateName} が vCenter にありません / template ${templateName} (VSPHERE_TEMPLATES) is not in vCenter`);
        const templateGiB = template.diskBytes / GiB;
        if (templateGiB > spec.diskGiB) {
          throw new ProviderError('invalid', `ディスクはテンプレートの ${round(templateGiB)} GiB 以上にしてください / the disk must be at least the template's ${round(templateGiB)} GiB`);
        }
        vm = await this.cloneInto(template, { ...spec, businessSystem: spec.businessSystem ?? null }, ctx, journal);
      }
      return this.finish(vm, { cpu: spec.cpu, memoryMB: spec.memoryGiB * 1024, diskBytes: spec.diskGiB * GiB, os: spec.os, system: spec.businessSystem ?? null }, ctx, journal);
    });
  }

  async delete(name: string, ctx: OperationContext): Promise<void> {
    await this.keyed(ctx, 'delete', name, async (journal) => {
      const vm = await this.findVm(name);
      if (!vm) {
        // An earlier attempt of this key found it and got as far as deleting it.
        if (journal.detail.vm) return { vm: journal.detail.vm, deleted: true };
        throw notFound(name);
      }
      await this.journal(ctx.key, { vm: vm.ref.value });
      if (vm.power === 'on') await this.power(vm.ref, 'off', ctx, 'power_off', 0, 50);
      ctx.progress?.({ step: 'destroy', percent: 50 });
      await this.wait(await (await this.vimClient()).destroy(vm.ref), ctx, 'destroy', 50, 100);
      await this.releaseAddress(name);
      return { vm: vm.ref.value, deleted: true };
    });
  }

  async clone(sourceName: string, newName: string, ctx: OperationContext): Promise<VmInfo> {
    return this.keyed(ctx, 'clone', newName, async (journal) => {
      let vm = await this.ownVm(newName, journal, ctx);
      const source = await this.findVm(sourceName);
      if (!source) throw notFound(sourceName);
      if (source.key && source.fields.state !== 'ready') throw new ProviderError('invalid', `複製元 ${sourceName} は作成途中です / the source VM ${sourceName} is not ready`);
      if (!vm) {
        vm = await this.cloneInto(
          source,
          { name: newName, cpu: source.cpu, memoryGiB: source.memoryMB / 1024, diskGiB: source.diskBytes / GiB, os: source.fields.os ?? source.guestId ?? 'unknown', businessSystem: source.fields.system ?? null },
          ctx,
          journal,
        );
      }
      return this.finish(vm, { cpu: source.cpu, memoryMB: source.memoryMB, diskBytes: source.diskBytes, os: source.fields.os ?? source.guestId ?? 'unknown', system: source.fields.system ?? null }, ctx, journal);
    });
  }

  async resize(name: string, change: VmResize, ctx: OperationContext): Promise<VmInfo> {
    for (const [field, value] of Object.entries(change)) {
      if (value !== undefined && (!Number.isInteger(value) || value <= 0)) throw new ProviderError('invalid', `${field} must be a positive whole number`);
    }
    return this.keyed(ctx, 'resize', name, async () => {
      const vm = await this.readyVm(name);
      const now = { cpu: vm.cpu, memoryMB: vm.memoryMB, diskBytes: vm.diskBytes };
      const next = { cpu: change.cpu ?? vm.cpu, memoryMB: change.memoryGiB !== undefined ? change.memoryGiB * 1024 : vm.memoryMB, diskBytes: change.diskGiB !== undefined ? change.diskGiB * GiB : vm.diskBytes };
      if (next.diskBytes < now.diskBytes) {
        throw new ProviderError('invalid', `ディスクは縮小できません（${round(now.diskBytes / GiB)} GiB → ${round(next.diskBytes / GiB)} GiB） / a disk cannot shrink (${round(now.diskBytes / GiB)} GiB → ${round(next.diskBytes / GiB)} GiB)`);
      }
      if (vm.power === 'on' && (next.cpu < now.cpu || next.memoryMB < now.memoryMB)) {
        throw new ProviderError('invalid', `稼働中の ${name} の vCPU・メモリは減らせません。停止してから変更してください / ${name} is powered on: power it off to reduce CPU or memory`);
      }
      if (next.diskBytes > now.diskBytes && vm.disks.length === 0) throw new ProviderError('invalid', `${name} has no virtual disk to grow`);
      const place = await this.place();
      await this.placementLock(place, async () => {
        const host = (await this.hostStates(place)).find((h) => h.ref.value === vm.host?.value);
        const needs = { cpu: next.cpu - now.cpu, memoryMB: next.memoryMB - now.memoryMB, diskBytes: next.diskBytes - now.diskBytes };
        const datastore = vm.disks[0] ? ref(obj(vm.disks[0].backing).datastore) : undefined;
        const space = datastore ? (await this.datastoreSpace([datastore])).get(datastore.value) : undefined;
        if (host) {
          const free = { cpu: host.cpuTotal - host.cpuUsed, memoryMB: host.memoryMBTotal - host.memoryMBUsed, diskBytes: space?.free ?? Infinity };
          const short = (Object.keys(needs) as Array<keyof typeof needs>).filter((k) => needs[k] > 0 && needs[k] > free[k]);
          if (short.length) {
            const f = `${free.cpu} vCPU / ${round(free.memoryMB / 1024)} GiB / ${round(free.diskBytes / GiB)} GiB`;
            throw new ProviderError(
              'capacity',
              `容量不足: ホスト ${host.name} の空き（${f}）では変更できません / host ${host.name} lacks ${short.map((k) => k.replace(/MB|Bytes/, '')).join(', ')} for this change (free: ${f})`,
            );
          }
        }
        const spec: VimObject = { $type: 'VirtualMachineConfigSpec' };
        if (next.cpu !== now.cpu) spec.numCPUs = next.cpu;
        if (next.memoryMB !== now.memoryMB) spec.memoryMB = next.memoryMB;
        if (next.diskBytes > now.diskBytes) spec.deviceChange = [growDisk(vm.disks[0], next.diskBytes - (now.diskBytes - diskBytes(vm.disks[0])))];
        if (Object.keys(spec).length > 1) {
          ctx.progress?.({ step: 'apply', percent: 0 });
          await this.wait(await (await this.vimClient()).reconfigVm(vm.ref, spec), ctx, 'apply', 0, 100);
        }
      });
      return this.info(vm.ref);
    });
  }

  async setPower(name: string, power: PowerState, ctx: OperationContext): Promise<VmInfo> {
    return this.keyed(ctx, `power_${power}`, name, async () => {
      const vm = await this.readyVm(name);
      if (vm.power !== power) await this.power(vm.ref, power, ctx, `power_${power}`, 0, 100);
      return this.info(vm.ref);
    });
  }

  async snapshot(name: string, snapshotName: string, ctx: OperationContext): Promise<SnapshotInfo> {
    return this.keyed(ctx, 'snapshot', name, async () => {
      const vm = await this.findVm(name);
      if (!vm) throw notFound(name);
      const mark = `opsdesk.key=${ctx.key}`;
      const existing = (await this.snapshots(vm)).find((s) => s.description.split('\n').includes(mark));
      if (existing) return existing.info;
      ctx.progress?.({ step: 'capture', percent: 0 });
      const client = await this.vimClient();
      const made = ref(await this.wait(await client.createSnapshot(vm.ref, snapshotName, mark), ctx, 'capture', 0, 100));
      const found = (await this.snapshots(vm)).find((s) => s.info.id === made?.value || s.description.split('\n').includes(mark));
      if (!found) throw new ProviderError('fault', `vCenter reported snapshot ${made?.value ?? '?'} of ${name}, but it is not in the VM's snapshot tree`);
      return found.info;
    });
  }

  /**
   * A backup of the VM (R-OP-2's final backup, R-OP-8): a snapshot of it (marked with the key, so a
   * retry reuses it), ExportSnapshot, every disk the HttpNfcLease offers downloaded over the checked
   * TLS connection, the lease completed and the snapshot removed. The file is one line of JSON (the
   * manifest: format, the VM's sizes, each disk's target id, bytes and SHA-256) followed by the disks'
   * bytes in that order. vcsim serves the disk files it keeps (their content is not modelled), so
   * its tests verify the mechanism and that the bytes written are the bytes served, not that a
   * guest's data survives. {@link restore} brings such a file back (as a new VM, or over the original).
   */
  async exportVm(name: string, file: string, ctx: OperationContext): Promise<VmExport> {
    return this.vim(async () => {
      const vm = await this.readyVm(name);
      const client = await this.vimClient();
      const mark = `opsdesk.export=${ctx.key}`;
      let snapshot = (await this.snapshots(vm)).find((s) => s.description.split('\n').includes(mark));
      if (!snapshot) {
        ctx.progress?.({ step: 'snapshot', percent: 0 });
        await this.wait(await client.createSnapshot(vm.ref, `opsdesk-export ${new Date().toISOString()}`, mark), ctx, 'snapshot', 0, 10);
        snapshot = (await this.snapshots(vm)).find((s) => s.description.split('\n').includes(mark));
        if (!snapshot) throw new ProviderError('fault', `vCenter made the export snapshot of ${name}, but it is not in the VM's snapshot tree`);
      }
      await mkdir(dirname(file), { recursive: true });
      const lease = await client.exportSnapshot(snapshot.ref);
      const parts: Array<{ targetId: string; bytes: number; sha256: string; path: string }> = [];
      try {
        const info = await this.leaseReady(client, lease);
        const disks = list(obj(info).deviceUrl).map(obj).filter((d) => text(d.disk) === 'true');
        if (disks.length === 0) throw new ProviderError('fault', `vCenter offered no disk of ${name} to export`);
        for (const [i, disk] of disks.entries()) {
          ctx.progress?.({ step: 'export', percent: 10 + Math.round((80 * i) / disks.length), message: text(disk.targetId) });
          const path = `${file}.disk${i}.part`;
          const sink = createWriteStream(path, { mode: 0o600 });
          const got = await client.download(need(text(disk.url), 'the disk URL'), sink, text(disk.sslThumbprint) || null).finally(() => new Promise((r) => sink.end(r)));
          parts.push({ targetId: text(disk.targetId) ?? `disk${i}`, ...got, path });
          await client.call('HttpNfcLeaseProgress', lease, [['percent', Math.round((100 * (i + 1)) / disks.length)]]).catch(() => undefined);
        }
        await client.call('HttpNfcLeaseComplete', lease, []);
      } catch (error) {
        await client.call('HttpNfcLeaseAbort', lease, []).catch(() => undefined);
        await Promise.all(parts.map((p) => rm(p.path, { force: true })));
        throw error;
      }
      ctx.progress?.({ step: 'write', percent: 90 });
      const manifest: VmExportManifest = {
        format: VSPHERE_EXPORT_FORMAT,
        vm: { name: vm.name, cpu: vm.cpu, memoryGiB: round(vm.memoryMB / 1024), diskGiB: round(vm.diskBytes / GiB), os: vm.fields.os ?? vm.guestId ?? 'unknown', businessSystem: vm.fields.system || null },
        // The disks' content as exported (vCenter reports no digest of its own).
        diskDigest: createHash('sha256').update(parts.map((p) => `${p.targetId}:${p.bytes}:${p.sha256}`).join(',')).digest('hex'),
        exportedAt: new Date().toISOString(),
      };
      const header = { ...manifest, vcenter: { vm: vm.ref.value, snapshot: snapshot.info.name }, disks: parts.map(({ targetId, bytes, sha256 }) => ({ targetId, bytes, sha256 })) };
      const out = createWriteStream(`${file}.part`, { mode: 0o600 });
      await new Promise<void>((done, fail) => {
        out.on('error', fail);
        out.write(`${JSON.stringify(header)}\n`);
        void (async () => {
          for (const part of parts) await pipeline(createReadStream(part.path), out, { end: false });
          out.end(done);
        })().catch(fail);
      });
      await rename(`${file}.part`, file);
      await Promise.all(parts.map((p) => rm(p.path, { force: true })));
      ctx.progress?.({ step: 'cleanup', percent: 95 });
      await this.wait(await client.removeSnapshot(snapshot.ref), ctx, 'cleanup', 95, 100);
      return { file, sizeBytes: (await stat(file)).size, manifest };
    });
  }

  /** Waits for an HttpNfcLease to be ready: its info (device URLs), or its error. */
  private async leaseReady(client: VimClient, lease: MoRef): Promise<Parsed | undefined> {
    for (let delay = 50; ; delay = Math.min(delay * 2, 1_000)) {
      const props = await client.retrieveOne(lease, ['state', 'info', 'error']);
      const state = text(props?.state);
      if (state === 'ready') return props?.info;
      if (state === 'error' || !props) throw new ProviderError('fault', `vCenter: the export lease failed: ${text(obj(props?.error).localizedMessage) ?? state ?? 'gone'}`);
      await new Promise((r) => setTimeout(r, delay));
    }
  }

  async restore(name: string, source: VmRestoreSource, ctx: OperationContext & { asName?: string }): Promise<RestoredVm> {
    if ('exportFile' in source) {
      return ctx.asName ? this.importExport(source.exportFile, ctx.asName, ctx) : this.replaceFromExport(source.exportFile, name, ctx);
    }
    if (ctx.asName) {
      throw new ProviderError('invalid', 'スナップショットからは元の VM にのみ復元できます / a snapshot restores only over the original VM');
    }
    return this.keyed(ctx, 'restore', name, async () => {
      const vm = await this.findVm(name);
      if (!vm) throw notFound(name);
      const snapshot = (await this.snapshots(vm)).find((s) => s.info.id === source.snapshotId);
      if (!snapshot) throw new ProviderError('not_found', `スナップショット ${source.snapshotId} がありません / no snapshot ${source.snapshotId} of ${name}`);
      if (vm.power === 'on') await this.power(vm.ref, 'off', ctx, 'power_off', 0, 25);
      ctx.progress?.({ step: 'revert', percent: 25 });
      await this.wait(await (await this.vimClient()).revertToSnapshot(snapshot.ref), ctx, 'revert', 25, 75);
      await this.power(vm.ref, 'on', ctx, 'power_on', 75, 100);
      return this.info(vm.ref);
    });
  }

  /**
   * An export of {@link exportVm} as a new VM (R-OP-9, restore as another name): placed like a new
   * VM (host capacity under the placement lock, datastore, address), made by ImportVApp with a
   * VirtualMachineImportSpec of the exported sizes and disks, each disk uploaded to the lease (its
   * SHA-1 compared with the lease's manifest where vCenter gives one), then finished like a
   * provision (notes, attributes, power on). vcsim keeps no uploaded content: its manifest's SHA-1
   * of what it received is what shows the bytes arrived.
   */
  private async importExport(file: string, newName: string, ctx: OperationContext): Promise<RestoredVm> {
    const { header, offset } = await readExportHeader(file);
    const spec: VmSpec = { ...header.vm, name: newName };
    checkSpec(spec);
    return this.keyed(ctx, 'restore_export', newName, async (journal) => {
      let vm = await this.findVm(newName);
      if (vm && vm.key !== ctx.key) throw taken(newName);
      vm = (await this.withoutHalfImport(vm, journal, ctx)) ?? (await this.importInto(file, header, offset, spec, ctx, journal));
      const info = await this.finish(vm, wantedOf(spec), ctx, journal);
      return { ...info, diskCheck: diskCheckOf(journal) };
    });
  }

  /**
   * R-OP-9 over the original, the way an operator does it in vCenter: the original powered off and
   * renamed aside (`<name>.opsdesk-old-<hash of the key>`), the export imported under the original
   * name with this key (and the original's address), powered on and checked (CPU, memory, disk
   * size, power: what vCenter can show), and only then the original deleted. Every step looks at
   * vCenter first, so a retry of the key resumes; {@link undoRestore} puts the original back.
   */
  private async replaceFromExport(file: string, name: string, ctx: OperationContext): Promise<RestoredVm> {
    const { header, offset } = await readExportHeader(file);
    const spec: VmSpec = { ...header.vm, name };
    checkSpec(spec);
    const aside = asideName(name, ctx.key);
    return this.keyed(ctx, 'restore_replace', name, async (journal) => {
      let current = await this.findVm(name);
      if (current && current.key !== ctx.key) {
        // Still the original: power it off and put it aside.
        if (await this.findVm(aside)) throw new ProviderError('conflict', `${name} と ${aside} の両方があります / both ${name} and ${aside} exist; an operator must decide which to keep`);
        const address = current.fields.address || /^opsdesk\.address=(.+)$/m.exec(current.annotation)?.[1] || null;
        const detail = { aside, original: current.ref.value, wasOn: current.power === 'on', ...(address ? { address } : {}) };
        await this.journal(ctx.key, detail);
        Object.assign(journal.detail, detail);
        if (current.power === 'on') await this.power(current.ref, 'off', ctx, 'power_off', 0, 5);
        ctx.progress?.({ step: 'rename', percent: 5 });
        await this.wait(need(ref((await (await this.vimClient()).call('Rename_Task', current.ref, [['newName', aside]])).value), 'the rename task'), ctx, 'rename', 5, 8);
        current = null;
      }
      const vm = (await this.withoutHalfImport(current, journal, ctx)) ?? (await this.importInto(file, header, offset, spec, ctx, journal));
      const info = await this.finish(vm, wantedOf(spec), ctx, journal);
      const differing = (['cpu', 'memoryGiB', 'diskGiB'] as const).filter((k) => info[k] !== spec[k]);
      if (info.power !== 'on') differing.push('power' as never);
      if (differing.length) {
        throw new ProviderError('fault', `復元した ${name} がバックアップと一致しません（${differing.join(', ')}） / the restored ${name} differs from the export in ${differing.join(', ')}`);
      }
      const old = await this.findVm(aside);
      if (old) {
        ctx.progress?.({ step: 'remove_original', percent: 95 });
        await this.wait(await (await this.vimClient()).destroy(old.ref), ctx, 'remove_original', 95, 100);
      }
      await this.journal(ctx.key, { originalRemoved: true });
      return { ...info, diskCheck: diskCheckOf(journal) };
    });
  }

  /**
   * Compensation of a failed {@link replaceFromExport} of this key: the VM it imported deleted, the
   * original renamed back and powered on again if it was on. Safe to repeat; nothing to do when the
   * original was never put aside or was already removed after a successful restore.
   */
  async undoRestore(name: string, ctx: OperationContext): Promise<string[]> {
    return this.vim(async () => {
      const [row] = await this.em.fork().execute<JournalRow[]>(`select operation, state, detail from hypervisor_journal where key = ?`, [ctx.key]);
      if (row?.operation !== 'restore_replace' || typeof row.detail.aside !== 'string' || row.detail.originalRemoved) return [];
      const aside = row.detail.aside;
      const old = await this.findVm(aside);
      if (!old) {
        // Failed before the rename: the original may only have been powered off.
        const original = await this.findVm(name);
        if (!original || original.ref.value !== row.detail.original || !row.detail.wasOn || original.power === 'on') return [];
        await this.power(original.ref, 'on', ctx, 'undo', 0, 100);
        return [`VM ${name} powered on again`];
      }
      const client = await this.vimClient();
      const undone: string[] = [];
      const current = await this.findVm(name);
      if (current && current.key !== ctx.key) throw taken(name);
      if (current) {
        if (current.power === 'on') await this.power(current.ref, 'off', ctx, 'undo', 0, 20);
        await this.wait(await client.destroy(current.ref), ctx, 'undo', 20, 50);
        undone.push(`imported VM ${name}`);
      }
      await this.wait(need(ref((await client.call('Rename_Task', old.ref, [['newName', name]])).value), 'the rename task'), ctx, 'undo', 50, 70);
      undone.push(`VM ${name} renamed back from ${aside}`);
      if (row.detail.wasOn && old.power !== 'on') {
        await this.power(old.ref, 'on', ctx, 'undo', 70, 100);
        undone.push(`VM ${name} powered on again`);
      }
      await this.journal(ctx.key, { undone: true });
      return undone;
    });
  }

  /** This key's VM from an earlier attempt, or null when there is none or its import never got its disks checked (then it is deleted). */
  private async withoutHalfImport(vm: Vm | null, journal: JournalRow, ctx: OperationContext): Promise<Vm | null> {
    if (!vm || Array.isArray(journal.detail.upload)) return vm;
    ctx.progress?.({ step: 'discard_half_import', percent: 10 });
    if (vm.power === 'on') await this.power(vm.ref, 'off', ctx, 'discard_half_import', 10, 10);
    await this.wait(await (await this.vimClient()).destroy(vm.ref), ctx, 'discard_half_import', 10, 10);
    return null;
  }

  /** ImportVApp of the export as `spec.name` under this key, its disks uploaded and checked; the VM powered off. */
  private async importInto(file: string, header: ExportHeader, offset: number, spec: VmSpec, ctx: OperationContext, journal: JournalRow): Promise<Vm> {
    const newName = spec.name;
    const client = await this.vimClient();
    const place = await this.place();
    const made = await this.placementLock(place, async () => {
      ctx.progress?.({ step: 'allocate', percent: 10 });
      const host = await this.pickHost(place, spec);
      const diskBytes = header.disks.length ? spec.diskGiB * GiB : 0;
      const datastore = await this.pickDatastore(place, host, diskBytes);
      const dsName = text((await client.retrieveOne(datastore, ['name']))?.name) ?? datastore.value;
      const address = (journal.detail.address as string | undefined) ?? (await this.allocateAddress(place, ctx.key, newName));
      await this.journal(ctx.key, { address });
      journal.detail.address = address;
      const perDiskKB = Math.ceil((spec.diskGiB * GiB) / Math.max(1, header.disks.length) / 1024);
      const deviceChange: VimObject[] = [{
        $type: 'VirtualDeviceConfigSpec', operation: 'add',
        device: { $type: 'ParaVirtualSCSIController', key: -100, busNumber: 0, sharedBus: 'noSharing' },
      }];
      header.disks.forEach((_, i) => deviceChange.push({
        $type: 'VirtualDeviceConfigSpec', operation: 'add', fileOperation: 'create',
        device: {
          $type: 'VirtualDisk', key: -200 - i,
          backing: { $type: 'VirtualDiskFlatVer2BackingInfo', fileName: '', diskMode: 'persistent', thinProvisioned: true },
          controllerKey: -100, unitNumber: i, capacityInKB: perDiskKB, capacityInBytes: perDiskKB * 1024,
        },
      }));
      if (place.network) {
        deviceChange.push({ $type: 'VirtualDeviceConfigSpec', operation: 'add', device: { $type: 'VirtualVmxnet3', key: -300, backing: nicBacking(place.network), addressType: 'generated' } });
      }
      const importSpec: VimObject = {
        $type: 'VirtualMachineImportSpec',
        configSpec: {
          $type: 'VirtualMachineConfigSpec', name: newName, annotation: vmNotes(ctx.key, address, { os: spec.os, system: spec.businessSystem ?? null }),
          files: { $type: 'VirtualMachineFileInfo', vmPathName: `[${dsName}]` }, numCPUs: spec.cpu, memoryMB: Math.round(spec.memoryGiB * 1024), deviceChange,
        },
      };
      ctx.progress?.({ step: 'import', percent: 15 });
      const lease = need(ref((await client.call('ImportVApp', place.pool, [['spec', importSpec], ['folder', place.folder], ['host', host.ref]])).value), 'HttpNfcLease');
      try {
        const info = obj(await this.leaseReady(client, lease));
        const urls = list(info.deviceUrl).map(obj).filter((d) => text(d.disk) === 'true');
        if (urls.length !== header.disks.length) throw new ProviderError('fault', `vCenter offered ${urls.length} disks to import, the export has ${header.disks.length}`);
        const sent: Array<{ key: string; targetId: string; bytes: number; sha256: string; sha1: string }> = [];
        let at = offset;
        for (const [i, disk] of header.disks.entries()) {
          ctx.progress?.({ step: 'upload', percent: 20 + Math.round((50 * i) / header.disks.length), message: disk.targetId });
          const sha256 = createHash('sha256');
          const hashing = new Transform({ transform: (chunk: Buffer, _encoding, done) => { sha256.update(chunk); done(null, chunk); } });
          const source = (disk.bytes > 0 ? createReadStream(file, { start: at, end: at + disk.bytes - 1 }) : Readable.from([])).pipe(hashing);
          const put = await client.upload(need(text(urls[i].url), 'the disk URL'), source, disk.bytes, text(urls[i].sslThumbprint) || null);
          if (put.bytes !== disk.bytes) throw new ProviderError('fault', `uploaded ${put.bytes} bytes of ${disk.targetId}, the export has ${disk.bytes}`);
          const digest = sha256.digest('hex');
          if (digest !== disk.sha256) throw new ProviderError('fault', `the bytes uploaded for ${disk.targetId} are not the export's (SHA-256 ${digest} ≠ ${disk.sha256})`);
          sent.push({ key: text(urls[i].key) ?? '', targetId: disk.targetId, bytes: put.bytes, sha256: digest, sha1: put.sha1 });
          at += disk.bytes;
        }
        const manifest = await client.call('HttpNfcLeaseGetManifest', lease, []).then((r) => list(r.value).map(obj)).catch(() => [] as ParsedObject[]);
        const upload = sent.map((x) => {
          const entry = manifest.find((m) => text(m.key) === x.key);
          return { targetId: x.targetId, bytes: x.bytes, sha256: x.sha256, sha1: x.sha1, platformSha1: text(entry?.sha1)?.toLowerCase() ?? null };
        });
        for (const [i, disk] of upload.entries()) {
          if (disk.platformSha1 && disk.platformSha1 !== disk.sha1) throw new ProviderError('fault', `vCenter received other bytes for ${sent[i].key} than were sent (SHA-1 ${disk.platformSha1} ≠ ${disk.sha1})`);
        }
        await this.journal(ctx.key, { manifest: manifest.length, sha1: sent.map((x) => x.sha1), upload });
        journal.detail.upload = upload;
        await client.call('HttpNfcLeaseComplete', lease, []);
        return need(ref(info.entity), 'the imported VM');
      } catch (error) {
        await client.call('HttpNfcLeaseAbort', lease, []).catch(() => undefined);
        throw error;
      }
    });
    const vm = await this.readVm(made);
    if (!vm) throw new ProviderError('fault', `vCenter finished the import of ${newName}, but the VM is not there`);
    return vm;
  }

  // ---- steps of making a VM ------------------------------------------------------------------

  /**
   * The VM a clone of an earlier attempt of this key made: that attempt's task is waited for (it
   * may still run, or have finished while vCenter was unreachable) rather than a second clone started.
   * Null when there was no such task, or it failed (nothing was made, so cloning starts again).
   */
  private async resumeClone(journal: JournalRow, ctx: OperationContext): Promise<MoRef | null> {
    const task = journal.detail.task;
    if (typeof task !== 'string') return null;
    try {
      return ref(await this.wait(new MoRef('Task', task), ctx, 'clone', 0, 70)) ?? null;
    } catch (error) {
      if (!(error instanceof ProviderError) || error.retryable) throw error;
      return null;
    }
  }

  /** The VM of that name when this key may have it: made by it (its key), or by its journalled clone task. */
  private async ownVm(name: string, journal: JournalRow, ctx: OperationContext): Promise<Vm | null> {
    const vm = await this.findVm(name);
    const made = await this.resumeClone(journal, ctx);
    if (vm && vm.key !== ctx.key && vm.ref.value !== made?.value) throw taken(name);
    return vm ?? (made ? await this.readVm(made) : null);
  }

  /** Picks a host with room and an address, then clones `source` there (powered off). */
  private async cloneInto(source: Vm, spec: VmSpec & { businessSystem: string | null }, ctx: OperationContext, journal: JournalRow): Promise<Vm> {
    const client = await this.vimClient();
    const place = await this.place();
    return this.placementLock(place, async () => {
      ctx.progress?.({ step: 'allocate', percent: 0 });
      const host = await this.pickHost(place, spec);
      const datastore = await this.pickDatastore(place, host, spec.diskGiB * GiB);
      const address = (journal.detail.address as string | undefined) ?? (await this.allocateAddress(place, ctx.key, spec.name));
      const notes = vmNotes(ctx.key, address, { os: spec.os, system: spec.businessSystem });
      const deviceChange: VimObject[] = [];
      const disk = source.disks[0];
      if (disk && spec.diskGiB * GiB > source.diskBytes) deviceChange.push(growDisk(disk, spec.diskGiB * GiB - (source.diskBytes - diskBytes(disk))));
      if (place.network && source.nics[0]) deviceChange.push(connectNic(source.nics[0], place.network));
      const cloneSpec: VimObject = {
        $type: 'VirtualMachineCloneSpec',
        location: { $type: 'VirtualMachineRelocateSpec', datastore, pool: place.pool, host: host.ref },
        template: false,
        config: {
          $type: 'VirtualMachineConfigSpec',
          annotation: notes,
          numCPUs: spec.cpu,
          memoryMB: Math.round(spec.memoryGiB * 1024),
          deviceChange: deviceChange.length ? deviceChange : undefined,
        },
        powerOn: false,
      };
      const task = await client.cloneVm(source.ref, place.folder, spec.name, cloneSpec);
      await this.journal(ctx.key, { task: task.value, address, host: host.name });
      journal.detail.address = address;
      ctx.progress?.({ step: 'clone', percent: 0, message: task.value });
      const made = ref(await this.wait(task, ctx, 'clone', 0, 70));
      const vm = made ? await this.readVm(made) : await this.findVm(spec.name);
      if (!vm) throw new ProviderError('fault', `vCenter finished the clone of ${spec.name}, but the VM is not there`);
      return vm;
    });
  }

  /**
   * Sizes and notes as asked (vcsim ignores the config of a clone spec; a vCenter applies it, and
   * then this changes nothing), attributes, power on, and `ready`: each step safe to repeat.
   */
  private async finish(vm: Vm, wanted: Wanted, ctx: OperationContext, journal: JournalRow): Promise<VmInfo> {
    const client = await this.vimClient();
    const keys = await this.fields();
    const address = vm.fields.address ?? /^opsdesk\.address=(.+)$/m.exec(vm.annotation)?.[1] ?? (journal.detail.address as string | null | undefined) ?? null;
    ctx.progress?.({ step: 'configure', percent: 70 });
    const notes = vmNotes(ctx.key, address, wanted);
    const spec: VimObject = { $type: 'VirtualMachineConfigSpec' };
    if (!vm.annotation.split('\n').includes(`opsdesk.key=${ctx.key}`)) spec.annotation = notes;
    if (vm.cpu !== wanted.cpu) spec.numCPUs = wanted.cpu;
    if (vm.memoryMB !== wanted.memoryMB) spec.memoryMB = wanted.memoryMB;
    const deviceChange: VimObject[] = [];
    if (vm.diskBytes < wanted.diskBytes && vm.disks[0]) deviceChange.push(growDisk(vm.disks[0], wanted.diskBytes - (vm.diskBytes - diskBytes(vm.disks[0]))));
    const { network } = await this.place();
    if (network && vm.nics[0] && !onNetwork(vm.nics[0], network)) deviceChange.push(connectNic(vm.nics[0], network));
    if (deviceChange.length) spec.deviceChange = deviceChange;
    if (Object.keys(spec).length > 1) {
      if (vm.power === 'on' && (spec.numCPUs !== undefined || spec.memoryMB !== undefined)) await this.power(vm.ref, 'off', ctx, 'power_off', 70, 72);
      await this.wait(await client.reconfigVm(vm.ref, spec), ctx, 'configure', 72, 78);
      vm = (await this.readVm(vm.ref)) ?? vm;
    }
    const fields: Array<[FieldName, string]> = [['key', ctx.key], ['os', wanted.os], ['system', wanted.system ?? ''], ['address', address ?? '']];
    try {
      for (const [field, value] of fields) if ((vm.fields[field] ?? '') !== value) await client.setField(vm.ref, keys[field], value);
      if (vm.fields.state !== 'ready') await client.setField(vm.ref, keys.state, 'creating');
      if (vm.power !== 'on') await this.power(vm.ref, 'on', ctx, 'power_on', 80, 100);
      await client.setField(vm.ref, keys.state, 'ready');
    } catch (error) {
      // An attribute removed in vCenter meanwhile: look the keys up (and make them) again next time.
      if (error instanceof VimFault) this.fieldKeys = null;
      throw error;
    }
    return this.info(vm.ref);
  }

  private async pickHost(place: Placement, spec: VmSpec): Promise<HostState> {
    const hosts = (await this.hostStates(place)).filter((h) => h.online);
    const free = (h: HostState) => ({ cpu: h.cpuTotal - h.cpuUsed, memoryMB: h.memoryMBTotal - h.memoryMBUsed });
    const needMB = Math.round(spec.memoryGiB * 1024);
    const fitting = hosts.filter((h) => free(h).cpu >= spec.cpu && free(h).memoryMB >= needMB);
    if (fitting.length === 0) {
      const largest = [...hosts].sort((a, b) => free(b).memoryMB - free(a).memoryMB)[0];
      const f = largest ? `${free(largest).cpu} vCPU / ${round(free(largest).memoryMB / 1024)} GiB` : '';
      throw new ProviderError(
        'capacity',
        `容量不足: ${spec.cpu} vCPU / ${spec.memoryGiB} GiB / ${round(spec.diskGiB)} GiB を収容できるホストがありません` + (largest ? `（空きが最大のホスト ${largest.name}: ${f}）` : '') +
          ` / no host has room for ${spec.cpu} vCPU, ${spec.memoryGiB} GiB memory, ${round(spec.diskGiB)} GiB disk` + (largest ? ` (largest free: ${largest.name} with ${f})` : ''),
      );
    }
    return fitting.sort((a, b) => free(b).memoryMB - free(a).memoryMB || a.name.localeCompare(b.name))[0];
  }

  private async pickDatastore(place: Placement, host: HostState, bytes: number): Promise<MoRef> {
    const candidates = this.config.datastore ? place.datastores : host.datastores.filter((d) => place.datastores.some((p) => p.value === d.value));
    const space = await this.datastoreSpace(candidates);
    const best = candidates.map((d) => ({ d, free: space.get(d.value)?.free ?? 0 })).sort((a, b) => b.free - a.free)[0];
    if (!best || best.free < bytes) {
      throw new ProviderError('capacity', `容量不足: データストアの空き（${round((best?.free ?? 0) / GiB)} GiB）が足りません / no datastore has ${round(bytes / GiB)} GiB free (largest free: ${round((best?.free ?? 0) / GiB)} GiB)`);
    }
    return best.d;
  }

  /**
   * The first address of the pool that no VM holds (attribute or notes) and no other operation has
   * leased, taken by a row in `hypervisor_address_lease` whose primary key two workers cannot both
   * insert; null without a pool (DHCP). A retry of the same key gets its lease again. A lease whose
   * address no VM carries after 30 minutes (its clone failed and was undone) is taken back.
   */
  private async allocateAddress(place: Placement, key: string, vmName: string): Promise<string | null> {
    const pool = this.config.pool;
    if (!pool) return null;
    const em = this.em.fork();
    const [mine] = await em.execute<Array<{ address: string }>>(`select address from hypervisor_address_lease where adapter = 'vsphere' and key = ?`, [key]);
    if (mine) return mine.address;
    const used = new Set<string>();
    for (const vm of await this.allVms(place, ['name', 'config.annotation', 'customValue'])) {
      const address = vm.fields.address || /^opsdesk\.address=(.+)$/m.exec(vm.annotation)?.[1];
      if (address) used.add(address);
    }
    const leases = await em.execute<Array<{ address: string; stale: boolean }>>(
      `select address, leased_at < now() - interval '30 minutes' as stale from hypervisor_address_lease where adapter = 'vsphere'`,
    );
    for (const lease of leases) {
      if (lease.stale && !used.has(lease.address)) await em.execute(`delete from hypervisor_address_lease where adapter = 'vsphere' and address = ? and leased_at < now() - interval '30 minutes'`, [lease.address]);
      else used.add(lease.address);
    }
    for (let n = ipToNumber(pool.first); n <= ipToNumber(pool.last); n++) {
      const address = numberToIp(n);
      if (used.has(address)) continue;
      const taken = await em.execute<Array<{ address: string }>>(
        `insert into hypervisor_address_lease (adapter, address, key, vm_name, leased_at) values ('vsphere', ?, ?, ?, now()) on conflict do nothing returning address`,
        [address, key, vmName],
      );
      if (taken.length) return address;
      // Another worker took this one (or this key meanwhile took another, on a retry racing itself).
      const [again] = await em.execute<Array<{ address: string }>>(`select address from hypervisor_address_lease where adapter = 'vsphere' and key = ?`, [key]);
      if (again) return again.address;
    }
    throw new ProviderError('capacity', 'アドレスプールに空きがありません / the address pool is exhausted');
  }

  /** The VM is gone: its address goes back to the pool. */
  private async releaseAddress(vmName: string): Promise<void> {
    await this.em.fork().execute(`delete from hypervisor_address_lease where adapter = 'vsphere' and vm_name = ?`, [vmName]);
  }

  // ---- vCenter state -------------------------------------------------------------------------

  private async hostStates(place: Placement): Promise<HostState[]> {
    const client = await this.vimClient();
    const [hosts, vms] = await Promise.all([
      client.retrieveAll('HostSystem', ['name', 'summary.hardware.numCpuCores', 'summary.hardware.memorySize', 'runtime.connectionState', 'runtime.inMaintenanceMode', 'datastore'], place.cluster),
      this.allVms(place, ['runtime.host', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'config.template']),
    ]);
    return hosts.map(({ obj: hostRef, props }) => {
      const mine = vms.filter((vm) => !vm.template && vm.host?.value === hostRef.value);
      return {
        ref: hostRef,
        name: text(props.name) ?? hostRef.value,
        online: text(props['runtime.connectionState']) === 'connected' && text(props['runtime.inMaintenanceMode']) !== 'true',
        cpuTotal: Math.floor((num(props['summary.hardware.numCpuCores']) ?? 0) * this.config.vcpuPerCore),
        memoryMBTotal: Math.floor((num(props['summary.hardware.memorySize']) ?? 0) / MiB),
        cpuUsed: mine.reduce((n, vm) => n + vm.cpu, 0),
        memoryMBUsed: mine.reduce((n, vm) => n + vm.memoryMB, 0),
        vmCount: mine.length,
        datastores: refs(props.datastore),
      };
    }).sort((a, b) => a.name.localeCompare(b.name));
  }

  private async datastoreSpace(datastores: MoRef[]): Promise<Map<string, { capacity: number; free: number }>> {
    const client = await this.vimClient();
    const out = new Map<string, { capacity: number; free: number }>();
    for (const d of datastores) {
      if (out.has(d.value)) continue;
      const props = await client.retrieveOne(d, ['summary.capacity', 'summary.freeSpace', 'summary.accessible']);
      if (props && text(props['summary.accessible']) !== 'false') out.set(d.value, { capacity: num(props['summary.capacity']) ?? 0, free: num(props['summary.freeSpace']) ?? 0 });
    }
    return out;
  }

  private async hostNames(): Promise<Map<string, string>> {
    const client = await this.vimClient();
    const place = await this.place();
    return new Map((await client.retrieveAll('HostSystem', ['name'], place.datacenter)).map((h) => [h.obj.value, text(h.props.name) ?? h.obj.value]));
  }

  private async allVms(place: Placement, paths: string[]): Promise<Vm[]> {
    const client = await this.vimClient();
    const keys = paths.includes('customValue') ? await this.fields() : null;
    return (await client.retrieveAll('VirtualMachine', paths, place.vmFolder)).map(({ obj: vmRef, props }) => toVm(vmRef, props, keys));
  }

  /** The VM of that name (a template too when asked); two of one name is a conflict opsdesk will not guess through. */
  private async findVm(name: string, orTemplate = false): Promise<Vm | null> {
    const place = await this.place();
    const matches = (await this.allVms(place, ['name', 'config.template'])).filter((vm) => vm.name === name && (orTemplate || !vm.template));
    if (matches.length > 1) throw new ProviderError('conflict', `vCenter に ${name} という名前の仮想マシンが ${matches.length} 台あります / vCenter has ${matches.length} VMs named ${name}`);
    return matches[0] ? this.readVm(matches[0].ref) : null;
  }

  private async readVm(vmRef: MoRef): Promise<Vm | null> {
    const props = await (await this.vimClient()).retrieveOne(vmRef, VM_PROPS);
    return props ? toVm(vmRef, props, await this.fields()) : null;
  }

  private async readyVm(name: string): Promise<Vm> {
    const vm = await this.findVm(name);
    if (!vm) throw notFound(name);
    if (vm.key && vm.fields.state !== 'ready') throw new ProviderError('invalid', `${name} は作成途中です / ${name} is still being created`);
    return vm;
  }

  private async info(vmRef: MoRef): Promise<VmInfo> {
    const vm = await this.readVm(vmRef);
    if (!vm) throw new ProviderError('not_found', `VM ${vmRef.value} disappeared from vCenter`);
    return toInfo(vm, await this.hostNames());
  }

  private async snapshots(vm: Vm): Promise<Array<{ ref: MoRef; description: string; info: SnapshotInfo }>> {
    const props = await (await this.vimClient()).retrieveOne(vm.ref, ['snapshot']);
    const out: Array<{ ref: MoRef; description: string; info: SnapshotInfo }> = [];
    const walk = (nodes: Parsed | undefined) => {
      for (const node of list(nodes).map(obj)) {
        const snapshotRef = ref(node.snapshot);
        if (snapshotRef) {
          out.push({
            ref: snapshotRef,
            description: text(node.description) ?? '',
            info: { id: snapshotRef.value, vmName: vm.name, name: text(node.name) ?? '', createdAt: new Date(text(node.createTime) ?? Date.now()).toISOString() },
          });
        }
        walk(node.childSnapshotList);
      }
    };
    walk(obj(props?.snapshot).rootSnapshotList);
    return out;
  }

  /** Powers on or off; a VM already there (InvalidPowerState) is success. */
  private async power(vmRef: MoRef, power: PowerState, ctx: OperationContext, step: string, from: number, to: number): Promise<void> {
    const client = await this.vimClient();
    ctx.progress?.({ step, percent: from });
    try {
      if (power === 'on') {
        await this.wait(await client.powerOnVm(vmRef), ctx, step, from, to);
      } else {
        const task = await client.powerOffVm(vmRef);
        // Written before waiting: the event collector must know this power-off is opsdesk's own even if this worker dies now.
        const em = this.em.fork();
        await em.execute(`insert into hypervisor_own_task (task, adapter, key, vm, action, started_at) values (?, 'vsphere', ?, ?, 'power_off', now()) on conflict (task) do nothing`, [task.value, ctx.key, vmRef.value]);
        let times: { start?: string; end?: string } = {};
        try {
          await this.wait(task, ctx, step, from, to, (info) => (times = { start: text(info.startTime) ?? text(info.queueTime), end: text(info.completeTime) }));
        } finally {
          await em.execute(`update hypervisor_own_task set finished_at = now(), vc_started_at = ?, vc_finished_at = ? where task = ?`, [times.start ?? null, times.end ?? null, task.value]).catch(() => undefined);
        }
      }
    } catch (error) {
      if (error instanceof ProviderError && error.cause instanceof VimFault && error.cause.faultType === 'InvalidPowerState') return;
      throw error;
    }
  }

  private async wait(task: MoRef, ctx: OperationContext, step: string, from: number, to: number, onEnd?: (info: ParsedObject) => void): Promise<Parsed | undefined> {
    const client = await this.vimClient();
    try {
      return await client.waitForTask(task, {
        pollMs: this.config.pollMs,
        onEnd,
        signal: ctx.signal,
        onProgress: (p) => ctx.progress?.({ step, percent: Math.round(from + ((to - from) * (p.percent ?? 0)) / 100) }),
      });
    } catch (error) {
      throw providerError(error);
    }
  }

  // ---- session, inventory, attributes --------------------------------------------------------

  private vimClient(): Promise<VimClient> {
    this.client ??= (async () => {
      const client = new VimClient(this.config.url, { caFile: this.config.caFile, thumbprint: this.config.thumbprint });
      await client.login(this.config.user, this.config.password);
      return client;
    })().catch((error: unknown) => {
      this.client = null;
      throw error;
    });
    return this.client;
  }

  /** Runs vCenter calls, logging in again once when the session has expired, with errors as ProviderErrors. */
  private async vim<T>(body: () => Promise<T>): Promise<T> {
    try {
      return await body();
    } catch (error) {
      const fault = error instanceof ProviderError ? error.cause : error;
      if (fault instanceof VimFault && fault.faultType === 'NotAuthenticated') {
        // The session expired (or vCenter restarted): log in again, once.
        this.client = null;
        try {
          return await body();
        } catch (again) {
          throw providerError(again);
        }
      }
      throw providerError(error);
    }
  }

  private place(): Promise<Placement> {
    this.placement ??= this.resolvePlacement().catch((error: unknown) => {
      this.placement = null;
      throw error;
    });
    return this.placement;
  }

  private async resolvePlacement(): Promise<Placement> {
    const client = await this.vimClient();
    const c = this.config;
    const dc = pick(await client.retrieveAll('Datacenter', ['name', 'vmFolder', 'datastoreFolder', 'networkFolder']), c.datacenter, 'VSPHERE_DATACENTER', 'datacenter');
    const cluster = pick(await client.retrieveAll('ClusterComputeResource', ['name', 'resourcePool', 'datastore'], dc.obj), c.cluster, 'VSPHERE_CLUSTER', 'cluster');
    const vmFolder = need(ref(dc.props.vmFolder), 'the datacenter VM folder');
    let folder = vmFolder;
    if (c.folder) {
      const folders = await client.retrieveAll('Folder', ['name', 'parent'], vmFolder);
      for (const part of c.folder.split('/').filter(Boolean)) {
        const next = folders.find((f) => text(f.props.name) === part && ref(f.props.parent)?.value === folder.value);
        if (!next) throw new ProviderError('fault', `VSPHERE_FOLDER: no folder "${part}" in ${c.folder}`, false);
        folder = next.obj;
      }
    }
    let datastores = refs(cluster.props.datastore);
    if (c.datastore) {
      const named = (await client.retrieveAll('Datastore', ['name'], dc.obj)).find((d) => text(d.props.name) === c.datastore);
      if (!named || !datastores.some((d) => d.value === named.obj.value)) throw new ProviderError('fault', `VSPHERE_DATASTORE: no datastore "${c.datastore}" in cluster ${text(cluster.props.name)}`, false);
      datastores = [named.obj];
    }
    let network: Placement['network'] = null;
    if (c.network) {
      const named = (await client.retrieveAll('Network', ['name'], dc.obj)).filter((n) => text(n.props.name) === c.network);
      if (named.length !== 1) throw new ProviderError('fault', `VSPHERE_NETWORK: ${named.length === 0 ? 'no' : 'more than one'} network "${c.network}" in the datacenter`, false);
      network = { ref: named[0].obj, name: c.network };
      if (named[0].obj.type === 'DistributedVirtualPortgroup') {
        const pg = await client.retrieveOne(named[0].obj, ['key', 'config.distributedVirtualSwitch']);
        const dvs = ref(pg?.['config.distributedVirtualSwitch']);
        const sw = dvs ? await client.retrieveOne(dvs, ['uuid']) : null;
        network = { ...network, portgroupKey: text(pg?.key), switchUuid: text(sw?.uuid) };
      }
    }
    return {
      datacenter: dc.obj,
      vmFolder,
      folder,
      cluster: cluster.obj,
      pool: need(ref(cluster.props.resourcePool), 'the cluster resource pool'),
      datastores,
      network,
    };
  }

  private fields(): Promise<Record<FieldName, number>> {
    this.fieldKeys ??= (async () => {
      const client = await this.vimClient();
      const out = {} as Record<FieldName, number>;
      for (const [field, name] of Object.entries(FIELDS) as Array<[FieldName, string]>) out[field] = await client.customFieldKey(name);
      return out;
    })().catch((error: unknown) => {
      this.fieldKeys = null;
      throw error;
    });
    return this.fieldKeys;
  }

  /**
   * Runs a placement (capacity check, then the clone or the growth, until vCenter counts the VM at
   * its new size) while holding the cluster's placement lock: one at a time in this process, and
   * across worker processes by a PostgreSQL session advisory lock on the cluster. The lock lives on
   * a connection of its own, not one of the pool's, so workers waiting for it never starve the
   * holder of connections for its journal; a worker that dies lets go with its connection.
   */
  private placementLock<T>(place: Placement, body: () => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      const url = this.em.config.get('clientUrl');
      if (!url) return body();
      const connection = new PgClient({ connectionString: url, application_name: 'opsdesk-vsphere-placement' });
      connection.on('error', () => undefined); // a lost connection drops the lock; the body's own calls report what matters
      await connection.connect();
      const scope = `vsphere:${new URL(this.config.url).host}:${place.cluster.value}`;
      try {
        await connection.query('select pg_advisory_lock($1, hashtext($2))', [PLACEMENT_LOCK_CLASS, scope]);
        return await body();
      } finally {
        await connection.query('select pg_advisory_unlock($1, hashtext($2))', [PLACEMENT_LOCK_CLASS, scope]).catch(() => undefined);
        await connection.end().catch(() => undefined);
      }
    });
  }

  private exclusive<T>(body: () => Promise<T>): Promise<T> {
    const run = this.placing.then(body, body);
    this.placing = run.catch(() => undefined);
    return run;
  }

  // ---- the key journal -----------------------------------------------------------------------

  /** Runs an operation once per key: a finished one returns what it returned; an unfinished one resumes with its journal. */
  private async keyed<T>(ctx: OperationContext, operation: string, target: string, body: (journal: JournalRow) => Promise<T>): Promise<T> {
    if (!ctx.key) throw new ProviderError('invalid', 'an operation key is required');
    const em = this.em.fork();
    const [row] = await em.execute<JournalRow[]>(
      `insert into hypervisor_journal (key, adapter, operation, target, state, detail, updated_at) values (?, 'vsphere', ?, ?, 'running', '{}', now())
       on conflict (key) do update set updated_at = now() returning operation, state, detail`,
      [ctx.key, operation, target],
    );
    if (row.operation !== operation) throw new ProviderError('conflict', `key ${ctx.key} was used for ${row.operation}, not ${operation}`);
    if (row.state === 'success') return row.detail.result as T;
    const result = await this.vim(() => body(row));
    await em.execute(`update hypervisor_journal set state = 'success', detail = detail || ?::jsonb, updated_at = now() where key = ?`, [JSON.stringify({ result: result ?? null }), ctx.key]);
    return result;
  }

  private async journal(key: string, detail: Record<string, unknown>): Promise<void> {
    await this.em.fork().execute(`update hypervisor_journal set detail = detail || ?::jsonb, updated_at = now() where key = ?`, [JSON.stringify(detail), key]);
  }
}

// ---- mapping -------------------------------------------------------------------------------------

function toVm(vmRef: MoRef, props: Record<string, Parsed>, keys: Record<FieldName, number> | null): Vm {
  const devices = list(obj(props['config.hardware.device']).VirtualDevice).map(obj);
  const disks = devices.filter((d) => d.$type === 'VirtualDisk');
  const fields: Partial<Record<FieldName, string>> = {};
  if (keys) {
    const byKey = new Map(Object.entries(keys).map(([f, k]) => [k, f as FieldName]));
    for (const value of list(obj(props.customValue).CustomFieldValue).map(obj)) {
      const field = byKey.get(num(value.key) ?? -1);
      const v = text(value.value);
      if (field && v) fields[field] = v;
    }
  }
  const annotation = text(props['config.annotation']) ?? '';
  return {
    ref: vmRef,
    name: text(props.name) ?? '',
    host: ref(props['runtime.host']),
    power: text(props['runtime.powerState']) === 'poweredOn' ? 'on' : 'off',
    cpu: num(props['config.hardware.numCPU']) ?? 0,
    memoryMB: num(props['config.hardware.memoryMB']) ?? 0,
    disks,
    nics: devices.filter((d) => d.macAddress !== undefined),
    diskBytes: disks.reduce((n, d) => n + diskBytes(d), 0),
    template: text(props['config.template']) === 'true',
    annotation,
    createDate: text(props['config.createDate']),
    guestId: text(props['config.guestId']),
    guestIp: text(props['guest.ipAddress']),
    fields,
    key: fields.key ?? /^opsdesk\.key=(.+)$/m.exec(annotation)?.[1] ?? null,
  };
}

function toInfo(vm: Vm, hostNames: Map<string, string>): VmInfo {
  const identity = vm.disks.map((d) => `${text(obj(d.backing).uuid) ?? text(obj(d.backing).fileName) ?? d.key as string}:${diskBytes(d)}`).join(',');
  return {
    id: vm.ref.value,
    name: vm.name,
    host: vm.host ? hostNames.get(vm.host.value) ?? vm.host.value : '?',
    cpu: vm.cpu,
    memoryGiB: round(vm.memoryMB / 1024),
    diskGiB: round(vm.diskBytes / GiB),
    os: vm.fields.os ?? vm.guestId ?? 'unknown',
    businessSystem: vm.fields.system || null,
    address: vm.fields.address || /^opsdesk\.address=(.+)$/m.exec(vm.annotation)?.[1] || vm.guestIp || null,
    power: vm.power,
    state: vm.key && vm.fields.state !== 'ready' ? 'creating' : 'ready',
    createdByKey: vm.key,
    // vCenter does not expose disk content: this identifies the disks (backing uuid and size), not what is on them.
    diskDigest: createHash('sha256').update(identity).digest('hex'),
    createdAt: vm.createDate ? new Date(vm.createDate).toISOString() : new Date(0).toISOString(),
  };
}

/** The VM's notes: the key and address opsdesk made it with, readable by an operator in the vSphere Client. */
function vmNotes(key: string, address: string | null, meta: { os: string; system: string | null }): string {
  return [`opsdesk.key=${key}`, ...(address ? [`opsdesk.address=${address}`] : []), `opsdesk: ${meta.os}${meta.system ? `, ${meta.system}` : ''}`].join('\n');
}

function diskBytes(disk: ParsedObject): number {
  return num(disk.capacityInBytes) ?? (num(disk.capacityInKB) ?? 0) * 1024;
}

/**
 * An edit of a disk to a new size: the device as vCenter described it (its fields in WSDL order),
 * with capacityInKB and capacityInBytes together (a real vCenter wants both, and them to agree).
 */
function growDisk(disk: ParsedObject, bytes: number): VimObject {
  const kb = Math.ceil(bytes / 1024);
  const device: VimObject = {};
  for (const [field, value] of Object.entries(asVim(disk) ?? {})) {
    if (field === 'capacityInBytes') continue;
    if (field === 'capacityInKB') {
      device.capacityInKB = kb;
      device.capacityInBytes = kb * 1024;
    } else {
      device[field] = value;
    }
  }
  return { $type: 'VirtualDeviceConfigSpec', operation: 'edit', device };
}

/** Whether a network card is connected to the port group of VSPHERE_NETWORK. */
function onNetwork(nic: ParsedObject, network: NonNullable<Placement['network']>): boolean {
  const backing = obj(nic.backing);
  if (network.portgroupKey) return text(obj(backing.port).portgroupKey) === network.portgroupKey;
  return ref(backing.network)?.value === network.ref.value || text(backing.deviceName) === network.name;
}

function nicBacking(network: NonNullable<Placement['network']>): VimObject {
  return network.switchUuid && network.portgroupKey
    ? { $type: 'VirtualEthernetCardDistributedVirtualPortBackingInfo', port: { switchUuid: network.switchUuid, portgroupKey: network.portgroupKey } }
    : { $type: 'VirtualEthernetCardNetworkBackingInfo', deviceName: network.name, network: network.ref };
}

function connectNic(nic: ParsedObject, network: NonNullable<Placement['network']>): VimObject {
  const backing = nicBacking(network);
  // The card as vCenter described it, its backing replaced in place (WSDL order kept).
  const device = Object.fromEntries(Object.entries(asVim(nic) ?? {}).map(([field, value]) => [field, field === 'backing' ? backing : value])) as VimObject;
  return { $type: 'VirtualDeviceConfigSpec', operation: 'edit', device };
}

/** A parsed value written back as it was read (its fields came in WSDL order). */
function asVim(value: Parsed | undefined): VimObject | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value) || value instanceof MoRef) return undefined;
  const out: VimObject = {};
  for (const [k, v] of Object.entries(value)) {
    if (k === '$type') out.$type = v as string;
    else if (typeof v === 'string' || v instanceof MoRef) out[k] = v;
    else if (Array.isArray(v)) out[k] = v.map((item) => (typeof item === 'string' || item instanceof MoRef ? item : asVim(item)));
    else out[k] = asVim(v);
  }
  return out;
}

function refs(value: Parsed | undefined): MoRef[] {
  return list(obj(value).ManagedObjectReference).filter((r): r is MoRef => r instanceof MoRef);
}

function pick<T extends { obj: MoRef; props: Record<string, Parsed> }>(items: T[], name: string | null, variable: string, what: string): T {
  const names = items.map((i) => text(i.props.name) ?? i.obj.value);
  if (name) {
    const found = items.find((i) => text(i.props.name) === name);
    if (!found) throw new ProviderError('fault', `${variable}: no ${what} "${name}" in vCenter (there are: ${names.join(', ') || 'none'})`, false);
    return found;
  }
  if (items.length !== 1) throw new ProviderError('fault', `${variable}: vCenter has ${items.length} ${what}s (${names.join(', ')}); name the one to use`, false);
  return items[0];
}

function providerError(error: unknown): ProviderError {
  if (error instanceof ProviderError) return error;
  if (error instanceof VimTransportError) return new ProviderError('unavailable', `vCenter に接続できません / vCenter unreachable: ${error.message}`, true);
  if (error instanceof VimFault) {
    const message = `vCenter: ${error.faultType}: ${error.message}`;
    const made = ((): ProviderError => {
      switch (error.faultType) {
        case 'InvalidLogin':
          return new ProviderError('fault', `vCenter がログインを拒否しました（VSPHERE_USER / VSPHERE_PASSWORD） / vCenter refused the login (VSPHERE_USER / VSPHERE_PASSWORD)`, false);
        case 'DuplicateName':
          return new ProviderError('conflict', message);
        case 'ManagedObjectNotFound':
          return new ProviderError('not_found', message);
        case 'InsufficientResources':
        case 'InsufficientHostCapacity':
        case 'InsufficientMemoryResources':
        case 'InsufficientCpuResources':
        case 'NoDiskSpace':
          return new ProviderError('capacity', message);
        case 'HostConnectionLost':
        case 'HostNotConnected':
        case 'TaskInProgress':
        case 'RequestCanceled':
        case 'ConcurrentAccess':
        case 'NotAuthenticated':
          return new ProviderError('unavailable', message, true);
        case 'InvalidPowerState':
        case 'InvalidState':
        case 'InvalidArgument':
        case 'InvalidDeviceSpec':
        case 'NotSupported':
          return new ProviderError('invalid', message);
        default:
          return new ProviderError('fault', message);
      }
    })();
    (made as Error & { cause?: unknown }).cause = error;
    return made;
  }
  return new ProviderError('fault', error instanceof Error ? error.message : String(error));
}

interface ExportHeader extends VmExportManifest {
  disks: Array<{ targetId: string; bytes: number; sha256: string }>;
}

/** The manifest line of an export file, and where the disks' bytes start. */
async function readExportHeader(file: string): Promise<{ header: ExportHeader; offset: number }> {
  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new ProviderError('not_found', `エクスポートファイルがありません / the export file is missing: ${error instanceof Error ? error.message : String(error)}`);
  }
  try {
    const buffer = Buffer.alloc(1024 * 1024);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    const newline = buffer.subarray(0, bytesRead).indexOf(0x0a);
    const header = newline > 0 ? (JSON.parse(buffer.subarray(0, newline).toString('utf8')) as ExportHeader) : null;
    if (!header || header.format !== VSPHERE_EXPORT_FORMAT || !Array.isArray(header.disks)) {
      throw new ProviderError('invalid', `vSphere アダプタのエクスポート（${VSPHERE_EXPORT_FORMAT}）ではありません / not an export of the vSphere adapter (${VSPHERE_EXPORT_FORMAT})`);
    }
    return { header, offset: newline + 1 };
  } catch (error) {
    if (error instanceof ProviderError) throw error;
    throw new ProviderError('invalid', `エクスポートファイルを読めません / the export file cannot be read: ${error instanceof Error ? error.message : String(error)}`);
  } finally {
    await handle.close();
  }
}

function wantedOf(spec: VmSpec): Wanted {
  return { cpu: spec.cpu, memoryMB: Math.round(spec.memoryGiB * 1024), diskBytes: spec.diskGiB * GiB, os: spec.os, system: spec.businessSystem ?? null };
}

/** Where a restore over the original keeps the original meanwhile: one name per key. */
function asideName(name: string, key: string): string {
  return `${name}.opsdesk-old-${createHash('sha256').update(key).digest('hex').slice(0, 8)}`;
}

/** The upload checks an import journalled, as the restore's disk check (the digest computed like the export's diskDigest). */
function diskCheckOf(journal: JournalRow): RestoredVm['diskCheck'] {
  const disks = journal.detail.upload as NonNullable<RestoredVm['diskCheck']>['disks'] | undefined;
  if (!Array.isArray(disks)) return undefined;
  return { disks, uploadedDigest: createHash('sha256').update(disks.map((d) => `${d.targetId}:${d.bytes}:${d.sha256}`).join(',')).digest('hex') };
}

function checkSpec(spec: VmSpec): void {
  if (!/^[a-z][a-z0-9-]{1,62}$/.test(spec.name)) throw new ProviderError('invalid', `VM name ${spec.name} is not a host name`);
  for (const field of ['cpu', 'memoryGiB', 'diskGiB'] as const) {
    if (!Number.isInteger(spec[field]) || spec[field] <= 0) throw new ProviderError('invalid', `${field} must be a positive whole number`);
  }
}

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new ProviderError('fault', `vCenter did not report ${what}`, false);
  return value;
}

const round = (n: number) => Math.round(n * 100) / 100;
const notFound = (name: string) => new ProviderError('not_found', `仮想マシン ${name} が見つかりません / no VM named ${name}`);
const taken = (name: string) => new ProviderError('conflict', `仮想マシン名 ${name} は既に使われています / a VM named ${name} already exists`);

function ipToNumber(ip: string): number {
  return ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);
}

function numberToIp(n: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(n / 2 ** shift) % 256).join('.');
}
