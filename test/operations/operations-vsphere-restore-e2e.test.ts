import type { VimClient } from '../../src/providers/vsphere/vim-client';
import { list, num, obj, text } from '../../src/providers/vsphere/vim-xml';
import type { VsphereHypervisor } from '../../src/providers/vsphere/vsphere-hypervisor';
import { FlowDriver } from '../support/flow';
import { startOperationsSystem, startVcsimWithTemplate, uniq, type OperationsSystem, type VcsimUnderTest } from './support';

jest.setTimeout(180_000);

/**
 * R-OP-8 × R-OP-9 on vSphere (vcsim), through the work-request workflow: a VM restored from its
 * backup (a snapshot export) over the original. The original is powered off and renamed aside, the
 * export imported under its name, checked and powered on, and only then the original deleted; a
 * restore that fails after the import is compensated (the original back under its name, powered on)
 * and the operator's execution_failed task opens. vcsim does not model disk content: what is
 * verified is the configuration, the power state and each uploaded disk's checksums.
 */
describe('R-OP-8, R-OP-9: restoring a VM from its backup over the original, through a work request (vcsim)', () => {
  let vcenter: VcsimUnderTest;
  let admin: VimClient;
  let ops: OperationsSystem;
  let flow: FlowDriver;

  beforeAll(async () => {
    vcenter = await startVcsimWithTemplate();
    ({ admin } = vcenter);
    ops = await startOperationsSystem({ env: vcenter.env({ VSPHERE_VCPU_PER_CORE: '4', VSPHERE_ADDRESS_POOL: '192.0.2.10-192.0.2.60' }) });
    flow = new FlowDriver(ops.system);
  }, 180_000);
  afterAll(async () => {
    await ops?.close();
    await (ops?.operations.hypervisor as VsphereHypervisor | undefined)?.close();
    await vcenter?.stop();
  });

  /** A VM made by opsdesk (1 vCPU, 1 GiB, 10 GiB), backed up, then grown: the backup holds the smaller configuration. */
  async function vmWithBackup(): Promise<{ name: string; backupId: string; backupFile: string }> {
    const name = `vm-${uniq()}`;
    await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', { vmName: name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9', businessSystem: '税務システム' }));
    const backup = await ops.operations.backups.backup({ targetKind: 'vm', targetName: name, key: `test:${uniq()}:backup`, reason: 'on_request', retentionDays: 7, requestedBy: 'op1' });
    await ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: name, cpu: 2, memoryGiB: 2, diskGiB: 12 }));
    const [row] = await ops.em().execute<Array<{ file: string }>>(`select file from backup_record where id = ?`, [backup.backupId]);
    return { name, backupId: backup.backupId, backupFile: ops.operations.backups.path(row.file) };
  }

  async function requestRestore(name: string, backupId: string): Promise<string> {
    const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'backup.restore', subject: `${name} のリストア`, params: { target: 'vm', targetName: name, backupId } });
    expect(submitted.status).toBe(201);
    const number = submitted.body.caseNumber as string;
    await flow.complete(number, 'accept_request', 'ga1', { outcome: 'accepted' });
    await flow.complete(number, 'plan_work', 'op1', { outcome: 'planned', data: { plannedStart: new Date(Date.now() + 1500).toISOString(), plannedEnd: new Date(Date.now() + 3_600_000).toISOString(), content: 'バックアップからのリストアを自動実行', stopsService: false } });
    await flow.complete(number, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
    return number;
  }

  /** The VMs vCenter has whose name is `name` or begins with it (an original put aside), with what vCenter says of them. */
  async function vmsNamed(name: string): Promise<Array<{ ref: string; name: string; cpu: number; memoryMB: number; power: string; annotation: string }>> {
    const all = await admin.retrieveAll('VirtualMachine', ['name', 'config.hardware.numCPU', 'config.hardware.memoryMB', 'runtime.powerState', 'config.annotation']);
    return all
      .filter((v) => text(v.props.name) === name || text(v.props.name)?.startsWith(`${name}.`))
      .map((v) => ({
        ref: v.obj.value, name: text(v.props.name) ?? '', cpu: num(v.props['config.hardware.numCPU']) ?? 0, memoryMB: num(v.props['config.hardware.memoryMB']) ?? 0,
        power: text(v.props['runtime.powerState']) ?? '', annotation: text(v.props['config.annotation']) ?? '',
      }));
  }

  test('R-OP-9: a work request restores a VM from its backup (R-OP-8) over the original: one VM under its name with the backup\'s CPU, memory and disk size, powered on, the original removed; the result says what was verified (configuration, power, each disk\'s SHA-256 and vCenter\'s SHA-1) and what was not (disk content); the same key again changes nothing', async () => {
    const { name, backupId, backupFile } = await vmWithBackup();
    const [original] = await vmsNamed(name);
    expect(original).toMatchObject({ cpu: 2, memoryMB: 2048, power: 'poweredOn' });

    const number = await requestRestore(name, backupId);
    await flow.openTask(number, 'verify_work', 'op1', 120_000);
    const results = (await flow.caseDetail(number)).results as Record<string, any>;
    const key = `${number}:execute:1`;
    expect(results).toMatchObject({
      handledBy: 'automation', target: 'vm', targetName: name, restoredAs: name, backupId, safetyBackupId: expect.any(String),
      verified: { configuration: { cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9' }, power: 'on', diskDigest: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(results.simulated).toBeFalsy();
    expect(results.verified.disks.length).toBeGreaterThanOrEqual(1);
    for (const disk of results.verified.disks) expect(disk.platformSha1).toBe(disk.sha1);
    expect(results.notVerified.join(' ')).toMatch(/content of the disks/);
    // The backup's manifest: the uploaded disks make up the same digest.
    const [record] = await ops.em().execute<Array<{ contents: { manifest: { diskDigest: string } } }>>(`select contents from backup_record where id = ?`, [backupId]);
    expect(results.verified.diskDigest).toBe(record.contents.manifest.diskDigest);

    // vCenter: one VM under the name, the backup's configuration, powered on, made by this run; no original left aside.
    const after = await vmsNamed(name);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ name, cpu: 1, memoryMB: 1024, power: 'poweredOn' });
    expect(after[0].ref).not.toBe(original.ref);
    expect(after[0].annotation.split('\n')).toContain(`opsdesk.key=${key}`);
    // The restored VM keeps the original's address.
    expect(after[0].annotation).toContain(original.annotation.split('\n').find((l) => l.startsWith('opsdesk.address='))!);
    expect(await ops.operations.hypervisor.getVm(name)).toMatchObject({ cpu: 1, memoryGiB: 1, diskGiB: 10, power: 'on', state: 'ready', createdByKey: key });

    // A retry of the same key (an activity retried after its result was lost) does nothing again.
    const again = await ops.operations.hypervisor.restore(name, { exportFile: backupFile }, { key });
    expect(again.id).toBe(after[0].ref);
    expect(await vmsNamed(name)).toEqual(after);
  });

  test('R-OP-9: a restore that fails after the import (vCenter refuses to set an opsdesk attribute on the imported VM) is compensated: the imported VM deleted, the original renamed back and powered on, unchanged; execution_failed opens for the operator, and the operator\'s retry restores', async () => {
    const { name, backupId } = await vmWithBackup();
    const [original] = await vmsNamed(name);

    // An administrator removes an opsdesk custom attribute the worker's adapter already knows.
    const fields = await admin.retrieveOne(admin.service.customFieldsManager, ['field']);
    const osField = list(obj(fields?.field).CustomFieldDef).map(obj).find((f) => text(f.name) === 'opsdesk.os');
    await admin.call('RemoveCustomFieldDef', admin.service.customFieldsManager, [['key', num(osField?.key)]]);

    const number = await requestRestore(name, backupId);
    const task = await flow.openTask(number, 'execution_failed', 'op1', 120_000);
    expect(task.suggested.error).toMatch(/vCenter/);
    expect(task.suggested.undone).toEqual(expect.arrayContaining([`imported VM ${name}`, expect.stringMatching(new RegExp(`^VM ${name} renamed back from ${name}\\.opsdesk-old-`)), `VM ${name} powered on again`]));

    // vCenter: the original under its name again, as it was before (same VM, its configuration, powered on), nothing aside.
    expect(await vmsNamed(name)).toEqual([{ ...original }]);

    await flow.complete(number, 'execution_failed', 'op1', { outcome: 'retry', note: 'vCenter の属性を確認し再実行' });
    await flow.openTask(number, 'verify_work', 'op1', 120_000);
    expect((await flow.caseDetail(number)).results).toMatchObject({ restoredAs: name, key: `${number}:execute:2`, verified: { configuration: { cpu: 1, memoryGiB: 1, diskGiB: 10 } } });
    const after = await vmsNamed(name);
    expect(after).toHaveLength(1);
    expect(after[0]).toMatchObject({ name, cpu: 1, memoryMB: 1024, power: 'poweredOn' });
  });
});
