import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { loadOperationsConfig, loadVsphereConfig } from '../../src/operations/operations-config';
import { ApplicationFailure } from '@temporalio/common';
import { Asset } from '../../src/inventory/asset.entity';
import { OperationRun } from '../../src/operations/operation.entities';
import { ProviderError } from '../../src/providers/provider-error';
import { startVcsim, vcsimThumbprint, type RunningVcsim } from '../../src/providers/vsphere/vcsim-binary';
import { VimClient } from '../../src/providers/vsphere/vim-client';
import { list, num, obj, ref, text } from '../../src/providers/vsphere/vim-xml';
import { VsphereHypervisor } from '../../src/providers/vsphere/vsphere-hypervisor';
import { cuttableRelay, startOperationsSystem, uniq, type OperationsSystem } from './support';

/**
 * What only the vSphere adapter has to prove, against vcsim (real vim25 SOAP on a loopback port):
 * TLS that is never skipped, the operation key kept where an operator sees it, the checks vcsim
 * does not make, a retry after vCenter became unreachable mid-task, and settings that name the
 * variable when they are wrong.
 */

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

/** The SHA-1 thumbprint of vcsim's certificate (older vCenter tooling shows SHA-1). */
function sha1Thumbprint(port: number): Promise<string> {
  return new Promise((done, fail) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      done(socket.getPeerCertificate().fingerprint);
      socket.destroy();
    });
    socket.once('error', fail);
  });
}

describe('R-OP-1..4, R-OP-7: the vSphere adapter against vcsim', () => {
  let vcsim: RunningVcsim;
  let thumbprint: string;
  let ops: OperationsSystem;
  let admin: VimClient;
  const adapters: VsphereHypervisor[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    VSPHERE_URL: vcsim.url,
    VSPHERE_USER: vcsim.username,
    VSPHERE_PASSWORD: vcsim.password,
    VSPHERE_THUMBPRINT: thumbprint,
    VSPHERE_TEMPLATES: 'rhel9=DC0_H0_VM0',
    VSPHERE_CLUSTER: 'DC0_C0',
    VSPHERE_VCPU_PER_CORE: '4',
    VSPHERE_ADDRESS_POOL: '192.0.2.10-192.0.2.60',
    VSPHERE_TASK_POLL_MS: '20',
    ...extra,
  });
  const adapter = (extra: Record<string, string> = {}) => {
    const made = new VsphereHypervisor(ops.em(), loadVsphereConfig(env(extra)));
    adapters.push(made);
    return made;
  };
  const key = (what: string) => `REQ-V-${uniq()}:${what}`;

  beforeAll(async () => {
    vcsim = await startVcsim();
    thumbprint = await vcsimThumbprint(vcsim.port);
    admin = new VimClient(vcsim.url, { thumbprint });
    await admin.login(vcsim.username, vcsim.password);
    const [template] = (await admin.retrieveAll('VirtualMachine', ['name'])).filter((vm) => vm.props.name === 'DC0_H0_VM0');
    await admin.waitForTask(await admin.powerOffVm(template.obj));
    await admin.call('MarkAsTemplate', template.obj, []);
    ops = await startOperationsSystem({ worker: false, env: { HYPERVISOR: 'vsphere', ...env() } });
  }, 120_000);
  afterAll(async () => {
    for (const a of adapters) await a.close();
    await (ops?.operations.hypervisor as VsphereHypervisor | undefined)?.close();
    await admin?.logout().catch(() => undefined);
    await ops?.close();
    const pid = vcsim?.pid;
    await vcsim?.stop();
    // No process may outlive the test file.
    if (pid) expect(() => process.kill(pid, 0)).toThrow();
  });

  async function vmProps(name: string) {
    const [vm] = (await admin.retrieveAll('VirtualMachine', ['name', 'config.annotation', 'customValue', 'config.hardware.numCPU'])).filter((v) => v.props.name === name);
    return vm;
  }

  test('R-OP-1: the operation key is kept on the VM in vCenter, in the custom attribute opsdesk.key and in the notes', async () => {
    const hv = adapter();
    const name = `vm-${uniq()}`;
    const k = key('provision');
    const vm = await hv.provision({ name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9', businessSystem: '住民記録' }, { key: k });
    const fields = await admin.retrieveOne(admin.service.customFieldsManager, ['field']);
    const defs = new Map(list(obj(fields?.field).CustomFieldDef).map(obj).map((f) => [num(f.key), text(f.name)]));
    const props = (await vmProps(name)).props;
    const values = Object.fromEntries(list(obj(props.customValue).CustomFieldValue).map(obj).map((v) => [defs.get(num(v.key)), text(v.value)]));
    expect(values).toMatchObject({ 'opsdesk.key': k, 'opsdesk.address': vm.address, 'opsdesk.os': 'rhel9', 'opsdesk.system': '住民記録', 'opsdesk.state': 'ready' });
    expect(text(props['config.annotation'])?.split('\n')).toEqual(expect.arrayContaining([`opsdesk.key=${k}`, `opsdesk.address=${vm.address}`]));
    expect(vm.address).toMatch(/^192\.0\.2\.\d+$/);
    await hv.delete(name, { key: key('delete') });
  });

  test('R-OP-1, R-OP-4: vcsim itself admits more vCPUs than a host has cores; the adapter refuses by VSPHERE_VCPU_PER_CORE', async () => {
    const strict = adapter({ VSPHERE_VCPU_PER_CORE: '1' });
    const name = `vm-${uniq()}`;
    // vcsim's hosts have 2 cores: with one vCPU per core, 3 vCPUs fit nowhere.
    expect(await strict.provision({ name: `vm-${uniq()}`, cpu: 3, memoryGiB: 1, diskGiB: 10, os: 'rhel9' }, { key: key('provision') }).catch((e: unknown) => e)).toMatchObject({ code: 'capacity', retryable: false });
    const vm = await strict.provision({ name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9' }, { key: key('provision') });
    const host = (await strict.usage()).find((h) => h.name === vm.host)!;
    expect(host.cpu.total).toBe(2);
    const grow = await strict.resize(name, { cpu: host.cpu.free + 2 }, { key: key('grow') }).catch((e: unknown) => e);
    expect(grow).toMatchObject({ code: 'capacity', retryable: false });
    expect((grow as Error).message).toMatch(new RegExp(`host ${vm.host} lacks cpu`));
    // What vcsim does when asked directly: it takes 8 vCPUs on the 2-core host.
    const target = await vmProps(name);
    await admin.waitForTask(await admin.powerOffVm(target.obj));
    await admin.waitForTask(await admin.reconfigVm(target.obj, { $type: 'VirtualMachineConfigSpec', numCPUs: 8 }));
    expect(num((await vmProps(name)).props['config.hardware.numCPU'])).toBe(8);
    await strict.delete(name, { key: key('delete') });
  });

  test('R-OP-1: new VMs go to VSPHERE_FOLDER and have their network card on VSPHERE_NETWORK (a distributed port group or a standard network)', async () => {
    const [dc] = await admin.retrieveAll('Datacenter', ['vmFolder']);
    const folder = ref((await admin.call('CreateFolder', ref(dc.props.vmFolder)!, [['name', 'opsdesk']])).value)!;
    await admin.call('CreateFolder', folder, [['name', 'vms']]);
    const [pg] = (await admin.retrieveAll('DistributedVirtualPortgroup', ['name', 'key'])).filter((p) => p.props.name === 'DC0_DVPG0');
    for (const [network, expected] of [['DC0_DVPG0', { port: { portgroupKey: text(pg.props.key) } }], ['VM Network', { deviceName: 'VM Network' }]] as const) {
      const hv = adapter({ VSPHERE_FOLDER: 'opsdesk/vms', VSPHERE_NETWORK: network });
      const name = `vm-${uniq()}`;
      await hv.provision({ name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9' }, { key: key('provision') });
      const [vm] = (await admin.retrieveAll('VirtualMachine', ['name', 'parent', 'config.hardware.device'])).filter((v) => v.props.name === name);
      const parent = await admin.retrieveOne(ref(vm.props.parent)!, ['name']);
      expect(text(parent?.name)).toBe('vms');
      const nic = list(obj(vm.props['config.hardware.device']).VirtualDevice).map(obj).find((d) => d.macAddress !== undefined);
      expect(obj(nic?.backing)).toMatchObject(expected);
      await hv.delete(name, { key: key('delete') });
    }
  });

  test('R-OP-1: vCenter unreachable while its clone task runs: the attempt fails as retryable, and the retry with the same key waits for that task and makes one VM', async () => {
    const relay = await cuttableRelay(vcsim.port);
    try {
      const hv = adapter({ VSPHERE_URL: `https://127.0.0.1:${relay.port}/sdk` });
      const name = `vm-${uniq()}`;
      const k = key('provision');
      const spec = { name, cpu: 1, memoryGiB: 1, diskGiB: 12, os: 'rhel9' };
      // The line drops right after vCenter has accepted the clone, before its task is seen to end.
      const first = await hv.provision(spec, { key: k, progress: (p) => {
        if (p.step === 'clone' && p.message) relay.cut();
      } }).catch((e: unknown) => e);
      expect(first).toBeInstanceOf(ProviderError);
      expect(first).toMatchObject({ code: 'unavailable', retryable: true });
      relay.mend();
      const vm = await hv.provision(spec, { key: k });
      expect(vm).toMatchObject({ name, cpu: 1, memoryGiB: 1, diskGiB: 12, power: 'on', state: 'ready', createdByKey: k });
      expect((await admin.retrieveAll('VirtualMachine', ['name'])).filter((v) => v.props.name === name)).toHaveLength(1);
      await hv.delete(name, { key: key('delete') });
    } finally {
      await relay.close();
    }
  });

  test('R-OP-1: an expired vCenter session is logged in again, once, without failing the call', async () => {
    const hv = adapter();
    expect(Array.isArray(await hv.listVms())).toBe(true);
    const raw = new VimClient(vcsim.url, { thumbprint });
    await raw.login(vcsim.username, vcsim.password);
    const props = await admin.retrieveOne(admin.service.sessionManager, ['currentSession', 'sessionList']);
    const mine = text(obj(props?.currentSession).key);
    const others = list(obj(props?.sessionList).UserSession).map(obj).map((u) => text(u.key)).filter((k): k is string => Boolean(k) && k !== mine);
    expect(others.length).toBeGreaterThan(0);
    await admin.call('TerminateSession', admin.service.sessionManager, [['sessionId', others]]);
    // What a client without the adapter's second login sees.
    expect(await raw.retrieveAll('Datacenter', ['name']).catch((e: unknown) => e)).toMatchObject({ name: 'VimFault', faultType: 'NotAuthenticated' });
    expect(Array.isArray(await hv.listVms())).toBe(true);
  });

  test('R-OP-1: TLS is never skipped: a wrong pinned thumbprint and an unknown self-signed certificate are both refused', async () => {
    const wrong = adapter({ VSPHERE_THUMBPRINT: 'AB'.repeat(32) });
    const refused = await wrong.listVms().catch((e: unknown) => e);
    expect(refused).toMatchObject({ code: 'unavailable' });
    expect((refused as Error).message).toContain(`not the pinned ${'AB'.repeat(32)}`);
    const unpinned = adapter({ VSPHERE_THUMBPRINT: '' });
    expect(((await unpinned.listVms().catch((e: unknown) => e)) as Error).message).toMatch(/self[- ]signed|unable to verify|certificate/i);
    // SHA-1 pins work as well as SHA-256 ones.
    expect(Array.isArray(await adapter({ VSPHERE_THUMBPRINT: await sha1Thumbprint(vcsim.port) }).listVms())).toBe(true);
  });

  test('R-OP-1: a vCenter certificate signed by VSPHERE_CA_FILE is trusted, by name or address; one from another CA is refused', async () => {
    const tls = makeTestCertificates();
    const signed = await startVcsim({ args: ['-tlscert', join(tls, 'vcenter.pem'), '-tlskey', join(tls, 'vcenter.key')] });
    try {
      for (const host of ['127.0.0.1', 'localhost']) {
        const client = new VimClient(`https://${host}:${signed.port}/sdk`, { caFile: join(tls, 'ca.pem') });
        await client.login(signed.username, signed.password);
        expect((await client.retrieveAll('Datacenter', ['name'])).map((d) => d.props.name)).toEqual(['DC0']);
        await client.logout();
      }
      const other = new VimClient(signed.url, { caFile: join(tls, 'other-ca.pem') });
      expect(((await other.login(signed.username, signed.password).catch((e: unknown) => e)) as Error).message).toMatch(/self[- ]signed|unable to (get|verify)|certificate/i);
    } finally {
      await signed.stop();
      rmSync(tls, { recursive: true, force: true });
    }
  });

  test('R-OP-1: wrong vSphere settings stop the start-up with a message naming the variable', () => {
    const base = { HYPERVISOR: 'vsphere', ...env() };
    const fails = (patch: Record<string, string | undefined>) => () => loadOperationsConfig({ ...base, ...patch }, '/tmp', 'postgresql://x/opsdesk', 'standard');
    expect(fails({ VSPHERE_URL: undefined })).toThrow('HYPERVISOR=vsphere needs VSPHERE_URL');
    expect(fails({ VSPHERE_URL: 'http://vc.example/sdk' })).toThrow(/VSPHERE_URL: .* must be https/);
    expect(fails({ VSPHERE_URL: 'https://root:pw@vc.example/sdk' })).toThrow(/VSPHERE_URL: put the user and password in VSPHERE_USER/);
    expect(fails({ VSPHERE_PASSWORD: '' })).toThrow('HYPERVISOR=vsphere needs VSPHERE_PASSWORD');
    expect(fails({ VSPHERE_THUMBPRINT: 'not-hex' })).toThrow(/VSPHERE_THUMBPRINT/);
    expect(fails({ VSPHERE_CA_FILE: '/nonexistent/ca.pem' })).toThrow(/VSPHERE_CA_FILE: \/nonexistent\/ca.pem does not exist/);
    expect(fails({ VSPHERE_TEMPLATES: 'rhel9' })).toThrow(/VSPHERE_TEMPLATES: "rhel9" is not os=template-name/);
    expect(fails({ VSPHERE_VCPU_PER_CORE: '0' })).toThrow(/VSPHERE_VCPU_PER_CORE/);
    expect(fails({ VSPHERE_ADDRESS_POOL: '10.0.0.1' })).toThrow(/VSPHERE_ADDRESS_POOL/);
    expect(fails({ HYPERVISOR: 'hyperv' })).toThrow(/HYPERVISOR=hyperv: the adapters of this build are "simulator" and "vsphere"/);
    expect(loadOperationsConfig(base, '/tmp', 'postgresql://x/opsdesk', 'standard').hypervisor).toMatchObject({ adapter: 'vsphere', vsphere: { templates: { rhel9: 'DC0_H0_VM0' }, vcpuPerCore: 4 } });
  });

  test('R-OP-1: a cluster, datastore or folder that vCenter does not have is named in the refusal', async () => {
    for (const [variable, value] of [['VSPHERE_CLUSTER', 'nope'], ['VSPHERE_DATASTORE', 'nope'], ['VSPHERE_FOLDER', 'opsdesk/nope']]) {
      const error = await adapter({ [variable]: value }).listVms().catch((e: unknown) => e);
      expect(error).toMatchObject({ code: 'fault', retryable: false });
      expect((error as Error).message).toContain(variable);
    }
  });

  // ---- the operation items through their activities, with HYPERVISOR=vsphere ----------------------

  const vmSpec = (vmName: string, extra: Record<string, unknown> = {}) => ({ vmName, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9', businessSystem: '税務システム', ...extra });

  test('R-OP-1: a provision runs as the operation activity on vSphere: heartbeats, an inventory entry, a result not marked simulated; the same activity twice makes one VM', async () => {
    const name = `vm-${uniq()}`;
    const input = ops.input('vm.provision', vmSpec(name));
    const { result, heartbeats } = await ops.runActivity(ops.activities.runOperation, input);
    expect(result).toMatchObject({ handledBy: 'automation', simulated: false, results: { vmName: name, cpu: 1, memoryGiB: 1, diskGiB: 10, power: 'on' } });
    expect(result.results).not.toHaveProperty('simulated');
    expect(result.summaryJa).not.toContain('シミュレータ');
    expect(heartbeats.map((h: any) => h?.step)).toEqual(expect.arrayContaining(['allocate', 'clone', 'configure', 'power_on']));
    expect(await ops.em().findOneOrFail(Asset, { hostname: name })).toMatchObject({ kind: 'vm', address: result.results.address });
    expect((await ops.runActivity(ops.activities.runOperation, input)).result).toEqual(result);
    expect((await admin.retrieveAll('VirtualMachine', ['name'])).filter((v) => v.props.name === name)).toHaveLength(1);
    await ops.operations.hypervisor.delete(name, { key: key('delete') });
  });

  test('R-OP-4, R-OP-7: a resize that shrinks memory power-cycles the VM, and stop/start run as activities on vSphere', async () => {
    const name = `vm-${uniq()}`;
    await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', vmSpec(name, { memoryGiB: 2 })));
    const grown = (await ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: name, cpu: 2, diskGiB: 11 }))).result;
    expect(grown.results).toMatchObject({ cpu: 2, diskGiB: 11, restarted: false });
    const shrunk = (await ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: name, memoryGiB: 1 }))).result;
    expect(shrunk.results).toMatchObject({ memoryGiB: 1, power: 'on', restarted: true });
    expect(await failureOf(ops.runActivity(ops.activities.runOperation, ops.input('vm.resize', { vmName: name, diskGiB: 10 })))).toMatchObject({ type: 'Provider.invalid', nonRetryable: true });
    for (const [action, power] of [['stop', 'off'], ['start', 'on'], ['restart', 'on']] as const) {
      const done = (await ops.runActivity(ops.activities.runOperation, ops.input('device.stop_start', { hostname: name, action }))).result;
      expect(done).toMatchObject({ handledBy: 'automation', results: { power, action } });
    }
    await ops.operations.hypervisor.delete(name, { key: key('delete') });
  });

  test('R-OP-1: a permanent vCenter fault after the clone fails the activity as non-retryable, and compensation deletes the half-made VM', async () => {
    const name = `vm-${uniq()}`;
    const input = ops.input('vm.provision', vmSpec(name));
    // An administrator removes one of opsdesk's custom attributes while the clone runs: SetField then fails in vCenter.
    const fields = await admin.retrieveOne(admin.service.customFieldsManager, ['field']);
    const osField = list(obj(fields?.field).CustomFieldDef).map(obj).find((f) => text(f.name) === 'opsdesk.os');
    await ops.operations.hypervisor.listVms(); // the adapter has read the attribute keys
    await admin.call('RemoveCustomFieldDef', admin.service.customFieldsManager, [['key', num(osField?.key)]]);
    const failure = await failureOf(ops.runActivity(ops.activities.runOperation, input));
    expect(failure.nonRetryable).toBe(true);
    expect(failure.type).toMatch(/^Provider\.(invalid|fault)$/);
    expect(await ops.operations.hypervisor.getVm(name)).toMatchObject({ state: 'creating', createdByKey: input.key });
    const { result: undo } = await ops.runActivity(ops.activities.compensateOperation, { key: input.key, caseId: input.caseId, type: input.type, params: input.params, reason: failure.message });
    expect(undo.undone).toEqual([`VM ${name}`]);
    expect(await ops.operations.hypervisor.getVm(name)).toBeNull();
    expect((await ops.em().findOneOrFail(OperationRun, { key: input.key })).status).toBe('compensated');
    // The next provision makes the attribute again.
    const next = `vm-${uniq()}`;
    expect((await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', vmSpec(next)))).result.results).toMatchObject({ vmName: next, power: 'on' });
    await ops.operations.hypervisor.delete(next, { key: key('delete') });
  });

  test('R-OP-2, R-OP-8, R-OP-9: a VM export is a snapshot exported through an HttpNfcLease (the manifest and the disks vCenter served, each by its SHA-256, no snapshot left); it comes back as a new VM by ImportVApp (vCenter\'s manifest of the uploaded disks matches); a deletion makes its final backup this way and then deletes the VM', async () => {
    const name = `vm-${uniq()}`;
    await ops.runActivity(ops.activities.runOperation, ops.input('vm.provision', vmSpec(name)));
    // First an export on its own (a backup, R-OP-8): the VM keeps running and keeps no snapshot.
    const direct = join(ops.dataDir, `${name}.export`);
    const exported = await ops.operations.hypervisor.exportVm(name, direct, { key: key('export') });
    expect(exported.manifest).toMatchObject({ format: 'opsdesk-vsphere-export/1', vm: { name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9' } });
    const read = readExport(direct);
    expect(read.header.disks.length).toBeGreaterThanOrEqual(1);
    // What vcsim serves for a disk is the small file it keeps for it (about 200 bytes, not the 10 GiB asked):
    // this proves the transfer and its checks, not that a guest's data survives.
    expect(read.header.disks[0]).toMatchObject({ targetId: `${name}.vmdk`, bytes: expect.any(Number) });
    expect(read.ok).toBe(true);
    expect(exported.sizeBytes).toBe(statSync(direct).size);
    const vmRef = (await admin.retrieveAll('VirtualMachine', ['name'])).find((v) => v.props.name === name)!.obj;
    expect((await admin.retrieveOne(vmRef, ['snapshot']))?.snapshot).toBeUndefined();
    expect(await ops.operations.hypervisor.getVm(name)).toMatchObject({ power: 'on', state: 'ready' });

    // The export back as a new VM (ImportVApp): placed and sized as exported, its disks uploaded, and vCenter's
    // lease manifest (the SHA-1 of what vcsim received) equal to the SHA-1 of the disks in the file.
    const copy = `vm-${uniq()}`;
    const restoreKey = key('restore-export');
    const restored = await ops.operations.hypervisor.restore(name, { exportFile: direct }, { key: restoreKey, asName: copy });
    expect(restored).toMatchObject({ name: copy, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9', power: 'on', state: 'ready', createdByKey: restoreKey });
    const [journal] = await ops.em().execute<Array<{ detail: { manifest: number; sha1: string[] } }>>(`select detail from hypervisor_journal where key = ?`, [restoreKey]);
    expect(journal.detail.manifest).toBe(read.header.disks.length);
    expect(journal.detail.sha1).toEqual(read.disks.map((bytes) => createHash('sha1').update(bytes).digest('hex')));
    // The same key again is the same VM; a file that is no export is refused. (A restore over the original, through a
    // work request, is in operations-vsphere-restore-e2e.test.ts.)
    expect((await ops.operations.hypervisor.restore(name, { exportFile: direct }, { key: restoreKey, asName: copy })).id).toBe(restored.id);
    expect(restored.diskCheck?.disks.map((d) => d.platformSha1)).toEqual(journal.detail.sha1);
    writeFileSync(join(ops.dataDir, 'not-an-export'), '{"format":"other"}\n');
    await expect(ops.operations.hypervisor.restore(name, { exportFile: join(ops.dataDir, 'not-an-export') }, { key: key('bad'), asName: `vm-${uniq()}` })).rejects.toMatchObject({ code: 'invalid' });
    await ops.operations.hypervisor.delete(copy, { key: key('delete') });

    const { result } = await ops.runActivity(ops.activities.runOperation, ops.input('vm.delete', { vmName: name, confirmName: name }));
    expect(result.results).toMatchObject({ vmName: name, deleted: true });
    const backups = await ops.em().execute<Array<{ file: string; sha256: string; status: string; contents: any }>>(`select file, sha256, status, contents from backup_record where id = ?`, [result.results.finalBackupId]);
    expect(backups[0]).toMatchObject({ status: 'succeeded', sha256: result.results.finalBackupSha256 });
    expect(backups[0].contents.manifest).toMatchObject({ format: 'opsdesk-vsphere-export/1', vm: { name } });
    const final = readExport(ops.operations.backups.path(backups[0].file));
    expect(final.ok).toBe(true);
    expect(createHash('sha256').update(readFileSync(ops.operations.backups.path(backups[0].file))).digest('hex')).toBe(backups[0].sha256);
    expect(await ops.operations.hypervisor.getVm(name)).toBeNull();
  });
});

/** An export file: its JSON first line, and whether each disk's bytes after it match the SHA-256 and size it lists. */
function readExport(path: string): { header: { disks: Array<{ targetId: string; bytes: number; sha256: string }> }; disks: Buffer[]; ok: boolean } {
  const all = readFileSync(path);
  const newline = all.indexOf(0x0a);
  const header = JSON.parse(all.subarray(0, newline).toString('utf8'));
  let at = newline + 1;
  let ok = true;
  const disks: Buffer[] = [];
  for (const disk of header.disks as Array<{ bytes: number; sha256: string }>) {
    disks.push(all.subarray(at, at + disk.bytes));
    ok &&= createHash('sha256').update(disks[disks.length - 1]).digest('hex') === disk.sha256;
    at += disk.bytes;
  }
  return { header, disks, ok: ok && at === all.length };
}

/**
 * Test-only TLS material, made for this run and deleted after it (no key is kept in the repository):
 * a CA whose key signs a certificate for 127.0.0.1 / localhost, and an unrelated CA.
 */
function makeTestCertificates(): string {
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-vcenter-tls-'));
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: 'pipe' });
  const ca = (name: string, cn: string) =>
    openssl('req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-subj', `/CN=${cn}`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  ca('ca', 'opsdesk test CA');
  ca('other-ca', 'another CA');
  openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', 'vcenter.key', '-out', 'vcenter.csr', '-subj', '/CN=127.0.0.1');
  writeFileSync(join(dir, 'vcenter.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  openssl('x509', '-req', '-in', 'vcenter.csr', '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', 'vcenter.pem', '-days', '2', '-extfile', 'vcenter.ext');
  return dir;
}
