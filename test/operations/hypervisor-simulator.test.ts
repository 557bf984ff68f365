import { ApplicationFailure } from '@temporalio/common';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Asset } from '../../src/inventory/asset.entity';
import { BackupRecord, OperationRun } from '../../src/operations/operation.entities';
import { sha256File } from '../../src/operations/backup.service';
import { SimAddress, SimTask, SimVm } from '../../src/providers/simulator/sim.entities';
import { startOperationsSystem, uniq, type OperationsSystem } from './support';

/** What an activity failure says about itself: its type and whether Temporal may retry it. */
async function failureOf(promise: Promise<unknown>): Promise<{ type: string | undefined | null; nonRetryable: boolean | null | undefined; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ApplicationFailure) return { type: error.type, nonRetryable: error.nonRetryable, message: error.message };
    throw error;
  }
  throw new Error('expected the activity to fail');
}

const vmSpec = (vmName: string, extra: Record<string, unknown> = {}) => ({ vmName, cpu: 2, memoryGiB: 8, diskGiB: 100, os: 'rhel9', businessSystem: '税務システム', ...extra });

describe('R-OP-1..4, R-OP-7: every VM operation on the hypervisor SIMULATOR, through the operation activities', () => {
  let ops: OperationsSystem;

  beforeAll(async () => {
    ops = await startOperationsSystem({ worker: false });
  });
  afterAll(async () => {
    await ops?.close();
  });

  test('R-OP-1: provisions on a host with room, with an address from the pool, heartbeating its progress, and registers it in the inventory', async () => {
    const name = `vm-${uniq()}`;
    const { result, heartbeats } = await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', vmSpec(name)));
    expect(result).toMatchObject({ handledBy: 'automation', simulated: true, results: { vmName: name, cpu: 2, memoryGiB: 8, diskGiB: 100, power: 'on', simulated: true } });
    expect(result.summaryJa).toContain('シミュレータ');
    expect(result.results.address).toMatch(/^10\.20\.10\.[1-9]\d$/);
    expect(['esx01', 'esx02']).toContain(result.results.host);
    // Long operations heartbeat their progress step by step.
    const steps = heartbeats.map((h: any) => h?.step);
    expect(steps).toEqual(expect.arrayContaining(['create_disk', 'install_os', 'configure_network', 'power_on']));
    const vm = await ops.operations.hypervisor.getVm(name);
    expect(vm).toMatchObject({ state: 'ready', power: 'on', address: result.results.address });
    const asset = await ops.em().findOneOrFail(Asset, { hostname: name });
    expect(asset).toMatchObject({ kind: 'vm', address: vm!.address, protected: false });
  });

  test('R-OP-1: a request no host can take is refused with the reason, and nothing is allocated', async () => {
    const name = `vm-${uniq()}`;
    const free = await ops.em().count(SimAddress, { vmId: null });
    const failure = await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', vmSpec(name, { cpu: 64, memoryGiB: 16 }))));
    expect(failure).toMatchObject({ type: 'Provider.capacity', nonRetryable: true });
    expect(failure.message).toMatch(/容量不足.*64 vCPU.*esx0\d.*no host has room for 64 vCPU/);
    expect(await ops.operations.hypervisor.getVm(name)).toBeNull();
    expect(await ops.em().count(SimAddress, { vmId: null })).toBe(free);
  });

  test('R-OP-3, R-OP-4, R-OP-7: clone, resize (grow running, shrink with a power cycle, never a disk), power, snapshot, restore, list, usage', async () => {
    const source = `vm-${uniq()}`;
    const clone = `vm-${uniq()}`;
    await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', vmSpec(source)));
    const hv = ops.operations.hypervisor;

    // R-OP-3: a snapshot of the source, then a clone with the same disks and its own address.
    const cloned = (await ops.runActivity(ops.activities.runOperation, ops.input('vm.clone', { sourceVm: source, newName: clone }))).result;
    const [a, b] = [await hv.getVm(source), await hv.getVm(clone)];
    expect(cloned.results).toMatchObject({ vmName: clone, sourceVm: source, cpu: 2, memoryGiB: 8, power: 'on' });
    expect(cloned.results.snapshotId).toEqual(expect.any(String));
    expect(b!.address).not.toBe(a!.address);
    expect(b!.diskDigest).toBe(a!.diskDigest);

    // R-OP-4: growth while running; a shrink of memory powers the VM off and on again.
    const grown = (await ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: clone, cpu: 4, diskGiB: 120 }))).result;
    expect(grown.results).toMatchObject({ cpu: 4, diskGiB: 120, restarted: false, before: { cpu: 2, diskGiB: 100 } });
    const shrunk = (await ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: clone, memoryGiB: 4 }))).result;
    expect(shrunk.results).toMatchObject({ memoryGiB: 4, power: 'on', restarted: true });
    expect(await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: clone, diskGiB: 50 })))).toMatchObject({ type: 'Provider.invalid', nonRetryable: true });
    const tooBig = await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: clone, memoryGiB: 512 })));
    expect(tooBig).toMatchObject({ type: 'Provider.capacity', nonRetryable: true });
    expect(tooBig.message).toMatch(/容量不足: ホスト esx0\d/);

    // R-OP-7: stop, start, restart; a device that is not a VM is left to the operator.
    for (const [action, power] of [['stop', 'off'], ['start', 'on'], ['restart', 'on']] as const) {
      const done = (await ops.runActivity(ops.activities.runOperation, ops.input('device.stop_start', { hostname: clone, action }))).result;
      expect(done).toMatchObject({ handledBy: 'automation', results: { power, action } });
    }
    const manual = (await ops.runActivity(ops.activities.runOperation, ops.input('device.stop_start', { hostname: 'sw-core01', action: 'restart' }))).result;
    expect(manual).toMatchObject({ handledBy: 'manual', results: { hostname: 'sw-core01' } });

    // Snapshot and restore: the disk changes while the VM runs (a power cycle), the snapshot brings it back.
    const snapshot = await hv.snapshot(clone, 'before-change', { key: `${uniq()}:snap` });
    const atSnapshot = (await hv.getVm(clone))!;
    await hv.setPower(clone, 'off', { key: `${uniq()}:off` });
    await hv.setPower(clone, 'on', { key: `${uniq()}:on` });
    expect((await hv.getVm(clone))!.diskDigest).not.toBe(atSnapshot.diskDigest);
    const restored = await hv.restore(clone, { snapshotId: snapshot.id }, { key: `${uniq()}:restore` });
    expect(restored).toMatchObject({ diskDigest: atSnapshot.diskDigest, cpu: atSnapshot.cpu, memoryGiB: atSnapshot.memoryGiB, power: 'on' });

    // List and usage: the hosts account for every VM, the demo inventory's VMs included.
    const [vms, hosts] = await Promise.all([hv.listVms(), hv.usage()]);
    expect(vms.map((v) => v.name)).toEqual(expect.arrayContaining([source, clone, 'vm-zeimu01', 'db-zeimu']));
    for (const host of hosts) {
      const on = vms.filter((v) => v.host === host.name);
      expect(host.cpu.used).toBe(on.reduce((n, v) => n + v.cpu, 0));
      expect(host.memoryGiB.free).toBe(host.memoryGiB.total - on.reduce((n, v) => n + v.memoryGiB, 0));
      expect(host.vmCount).toBe(on.length);
    }
  });

  test('R-OP-2: a deletion needs the name confirmed, never touches a protected VM, and leaves a final backup', async () => {
    const name = `vm-${uniq()}`;
    const made = (await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', vmSpec(name)))).result;
    expect(await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('vm.delete', { vmName: name, confirmName: 'vm-other' })))).toMatchObject({ type: 'Provider.invalid', nonRetryable: true });
    // db-zeimu is protected in the (demo) inventory.
    const refused = await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('vm.delete', { vmName: 'db-zeimu', confirmName: 'db-zeimu' })));
    expect(refused).toMatchObject({ type: 'Provider.protected', nonRetryable: true });
    expect(await ops.operations.hypervisor.getVm('db-zeimu')).not.toBeNull();

    const deleted = (await ops.runActivity(ops.activities.runOperation, ops.input('vm.delete', { vmName: name, confirmName: name }))).result;
    expect(deleted.results).toMatchObject({ vmName: name, deleted: true, removedFromInventory: true });
    expect(await ops.operations.hypervisor.getVm(name)).toBeNull();
    expect(await ops.em().count(SimAddress, { address: made.results.address as string, vmId: null })).toBe(1);
    expect(await ops.em().findOne(Asset, { hostname: name })).toBeNull();
    const backup = await ops.em().findOneOrFail(BackupRecord, { id: deleted.results.finalBackupId as string });
    expect(backup).toMatchObject({ targetKind: 'vm', targetName: name, reason: 'final', status: 'succeeded' });
    const file = join(ops.dataDir, 'backups', backup.file);
    expect(existsSync(file)).toBe(true);
    expect(await sha256File(file)).toBe(backup.sha256);
  });

  test('R-OP-8 / R-OP-9: a VM backup (an export with its sha256) restores over the original and as a new VM, verified against the backup', async () => {
    const name = `vm-${uniq()}`;
    await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', vmSpec(name)));
    const hv = ops.operations.hypervisor;
    const backup = await ops.operations.backups.backup({ targetKind: 'vm', targetName: name, key: `bk-${uniq()}`, reason: 'on_request', retentionDays: 7, requestedBy: 'test' });
    expect(await sha256File(join(ops.dataDir, 'backups', backup.file))).toBe(backup.sha256);
    const atBackup = (await hv.getVm(name))!;

    // The VM changes after the backup: more memory, and its disk content moves on (a power cycle).
    await ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: name, memoryGiB: 16 }));
    await ops.runActivity(ops.activities.runOperation, ops.input('device.stop_start', { hostname: name, action: 'restart' }));
    expect((await hv.getVm(name))!.diskDigest).not.toBe(atBackup.diskDigest);

    const inPlace = (await ops.runActivity(ops.activities.runOperation, ops.input('backup.restore', { target: 'vm', targetName: name, backupId: backup.backupId }))).result;
    expect(inPlace.results).toMatchObject({ restoredAs: name, backupId: backup.backupId, memoryGiB: 8, power: 'on', verified: { diskDigest: atBackup.diskDigest } });
    expect(inPlace.results.safetyBackupId).toEqual(expect.any(String));
    expect(await hv.getVm(name)).toMatchObject({ memoryGiB: 8, diskDigest: atBackup.diskDigest, address: atBackup.address });

    const copy = `${name}-copy`;
    const asNew = (await ops.runActivity(ops.activities.runOperation, ops.input('backup.restore', { target: 'vm', targetName: name, backupId: backup.backupId, restoreAs: copy }))).result;
    const restored = (await hv.getVm(copy))!;
    expect(asNew.results).toMatchObject({ restoredAs: copy, vmName: copy });
    expect(restored).toMatchObject({ cpu: 2, memoryGiB: 8, diskGiB: 100, power: 'on', diskDigest: atBackup.diskDigest });
    expect(restored.address).not.toBe(atBackup.address);
    // The safety backup taken before the in-place restore holds the state it replaced.
    const safety = await ops.em().findOneOrFail(BackupRecord, { id: inPlace.results.safetyBackupId as string });
    expect(safety).toMatchObject({ reason: 'pre_restore', status: 'succeeded', contents: { manifest: { vm: { memoryGiB: 16 } } } });
    const refused = await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('backup.restore', { target: 'vm', targetName: name, restoreAs: 'Bad/../name' })));
    expect(refused).toMatchObject({ type: 'Provider.invalid', nonRetryable: true });
  });

  test('compensation: a permanent fault in the middle of provisioning, then the undo leaves nothing behind', async () => {
    const name = `vm-${uniq()}`;
    const free = await ops.em().count(SimAddress, { vmId: null });
    await ops.injectFault({ operation: 'provision', phase: 'install_os', target: name, kind: 'permanent', message: 'disk controller failure' });
    const input = ops.input('vm.provision', vmSpec(name));
    const failure = await failureOf(ops.runActivity(ops.activities.runOperation, input));
    expect(failure).toMatchObject({ type: 'Provider.fault', nonRetryable: true });
    expect(failure.message).toContain('disk controller failure');
    // Half-made: created, an address taken, not configured.
    expect(await ops.operations.hypervisor.getVm(name)).toMatchObject({ state: 'creating', createdByKey: input.key });
    expect(await ops.em().count(SimAddress, { vmId: null })).toBe(free - 1);

    const { result: undo } = await ops.runActivity(ops.activities.compensateOperation, { key: input.key, caseId: input.caseId, type: input.type, params: input.params, reason: failure.message });
    expect(undo.undone).toEqual([`VM ${name}`]);
    expect(await ops.operations.hypervisor.getVm(name)).toBeNull();
    expect(await ops.em().count(SimVm, { name })).toBe(0);
    expect(await ops.em().count(SimAddress, { vmId: null })).toBe(free);
    expect(await ops.em().findOne(Asset, { hostname: name })).toBeNull();
    expect((await ops.em().findOneOrFail(OperationRun, { key: input.key })).status).toBe('compensated');
  });

  test('idempotency: a transient fault is retryable and the retry resumes; the same activity twice makes one VM', async () => {
    const name = `vm-${uniq()}`;
    await ops.injectFault({ operation: 'provision', phase: 'configure_network', target: name, kind: 'transient', message: 'host busy' });
    const input = ops.input('vm.provision', vmSpec(name));
    expect(await failureOf(ops.runActivity(ops.activities.runOperation, input))).toMatchObject({ type: 'Provider.unavailable', nonRetryable: false });
    const first = (await ops.runActivity(ops.activities.runOperation, input)).result;
    const second = (await ops.runActivity(ops.activities.runOperation, input)).result;
    expect(second).toEqual(first);
    expect(await ops.em().count(SimVm, { name })).toBe(1);
    expect(await ops.em().count(Asset, { hostname: name })).toBe(1);
    const task = await ops.em().findOneOrFail(SimTask, { key: input.key });
    expect(task).toMatchObject({ operation: 'provision', state: 'success', attempts: 2 });
    expect(await ops.em().findOneOrFail(OperationRun, { key: input.key })).toMatchObject({ status: 'succeeded', attempts: 3 });
  });
});
