import type { HypervisorPort, VmSpec } from '../../src/providers/hypervisor.port';
import { ProviderError } from '../../src/providers/provider-error';
import { VsphereHypervisor } from '../../src/providers/vsphere/vsphere-hypervisor';
import { startOperationsSystem, startVcsimWithTemplate, uniq, type OperationsSystem } from './support';

/**
 * One contract, two adapters: the SIMULATOR (embedded default) and the vSphere adapter speaking real
 * vim25 SOAP to vcsim, VMware's vCenter simulator, started for this file on a loopback port. Both
 * must behave the same and refuse the same things.
 */

const POOL = '10.20.10.10-10.20.10.99';
const inPool = /^10\.20\.10\.(1\d|[2-9]\d)$/;

interface Adapter {
  hv: HypervisorPort;
  close(): Promise<void>;
}

async function simulatorAdapter(): Promise<Adapter> {
  const ops = await startOperationsSystem({ worker: false, env: { HYPERVISOR_SIM_POOL: POOL } });
  return { hv: ops.operations.hypervisor, close: () => ops.close() };
}

async function vsphereAdapter(): Promise<Adapter> {
  const vcenter = await startVcsimWithTemplate();
  let ops: OperationsSystem | undefined;
  try {
    ops = await startOperationsSystem({
      worker: false,
      env: vcenter.env({
        VSPHERE_DATASTORE: 'LocalDS_0',
        // The platform's policy: up to 4 vCPUs per core (vcsim itself admits any number).
        VSPHERE_VCPU_PER_CORE: '4',
        VSPHERE_ADDRESS_POOL: POOL,
      }),
    });
  } catch (error) {
    await ops?.close();
    await vcenter.stop();
    throw error;
  }
  const system = ops;
  return {
    hv: system.operations.hypervisor,
    close: async () => {
      await system.close();
      await (system.operations.hypervisor as VsphereHypervisor).close();
      await vcenter.stop();
      // No process may outlive the test file.
      expect(() => process.kill(vcenter.vcsim.pid, 0)).toThrow();
    },
  };
}

const spec = (name: string, extra: Partial<VmSpec> = {}): VmSpec => ({ name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9', businessSystem: '税務システム', ...extra });

async function refusal(promise: Promise<unknown>): Promise<ProviderError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ProviderError) return error;
    throw error;
  }
  throw new Error('expected a ProviderError');
}

describe.each([
  ['SIMULATOR', simulatorAdapter],
  ['vSphere adapter against vcsim', vsphereAdapter],
])('hypervisor contract: %s', (_label, start) => {
  let adapter: Adapter;
  let hv: HypervisorPort;
  const made: string[] = [];
  const key = (what: string) => `REQ-C-${uniq()}:${what}`;

  beforeAll(async () => {
    adapter = await start();
    hv = adapter.hv;
  }, 120_000);
  afterAll(async () => {
    await adapter?.close();
  });
  // Hosts are small (vcsim: 4 GiB each): every case removes what it made.
  afterEach(async () => {
    for (const name of made.splice(0)) {
      if (await hv.getVm(name)) await hv.delete(name, { key: key(`cleanup-${name}`) });
    }
  });
  const provision = async (name: string, extra: Partial<VmSpec> = {}, k = key('provision')) => {
    made.push(name);
    return hv.provision(spec(name, extra), { key: k });
  };

  test('R-OP-1: provision makes a ready, powered-on VM of the asked sizes on a host with room, with an address from the pool and its key recorded, reporting progress', async () => {
    const name = `vm-${uniq()}`;
    const k = key('provision');
    const steps: string[] = [];
    made.push(name);
    const vm = await hv.provision(spec(name), { key: k, progress: (p) => steps.push(p.step) });
    expect(vm).toMatchObject({ name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9', businessSystem: '税務システム', power: 'on', state: 'ready', createdByKey: k });
    expect(vm.address).toMatch(inPool);
    expect(steps).toContain('power_on');
    const hosts = (await hv.usage()).map((h) => h.name);
    expect(hosts).toContain(vm.host);
    expect(await hv.getVm(name)).toMatchObject({ id: vm.id, address: vm.address, power: 'on', state: 'ready', createdByKey: k });
    expect((await hv.listVms()).filter((v) => v.name === name)).toHaveLength(1);
  });

  test('R-OP-1: the same key twice makes one VM; two VMs get different addresses', async () => {
    const name = `vm-${uniq()}`;
    const k = key('provision');
    const first = await provision(name, {}, k);
    const again = await provision(name, {}, k);
    expect(again).toMatchObject({ id: first.id, name, address: first.address });
    expect((await hv.listVms()).filter((v) => v.name === name)).toHaveLength(1);
    const other = await provision(`vm-${uniq()}`);
    expect(other.address).toMatch(inPool);
    expect(other.address).not.toBe(first.address);
  });

  test('R-OP-1: a name that is taken is refused (conflict, not retried), and the VM that has it is left as it was', async () => {
    const name = `vm-${uniq()}`;
    const first = await provision(name);
    const error = await refusal(hv.provision(spec(name, { cpu: 2 }), { key: key('provision-again') }));
    expect(error).toMatchObject({ code: 'conflict', retryable: false });
    expect(error.message).toMatch(/既に使われています.*already exists/);
    expect(await hv.getVm(name)).toMatchObject({ id: first.id, cpu: 1, createdByKey: first.createdByKey });
    expect((await hv.listVms()).filter((v) => v.name === name)).toHaveLength(1);
  });

  test('R-OP-1: a request no host can take is refused with capacity, naming the largest free host, and nothing is made', async () => {
    const name = `vm-${uniq()}`;
    const error = await refusal(provision(name, { cpu: 64 }));
    expect(error).toMatchObject({ code: 'capacity', retryable: false });
    expect(error.message).toMatch(/容量不足.*64 vCPU.*no host has room for 64 vCPU.*largest free: \S+ with/);
    expect(await hv.getVm(name)).toBeNull();
  });

  test('R-OP-7: power off and on; a VM already in the asked state is success', async () => {
    const name = `vm-${uniq()}`;
    await provision(name);
    expect(await hv.setPower(name, 'off', { key: key('off') })).toMatchObject({ name, power: 'off' });
    expect(await hv.setPower(name, 'off', { key: key('off-again') })).toMatchObject({ power: 'off' });
    expect((await hv.getVm(name))?.power).toBe('off');
    expect(await hv.setPower(name, 'on', { key: key('on') })).toMatchObject({ power: 'on' });
    expect(await hv.setPower(name, 'on', { key: key('on-again') })).toMatchObject({ power: 'on' });
    expect(await refusal(hv.setPower(`vm-${uniq()}`, 'on', { key: key('on-unknown') }))).toMatchObject({ code: 'not_found', retryable: false });
  });

  test('R-OP-4: CPU, memory and disk grow while the VM runs; CPU and memory shrink only when it is off', async () => {
    const name = `vm-${uniq()}`;
    await provision(name);
    const grown = await hv.resize(name, { cpu: 2, memoryGiB: 2, diskGiB: 12 }, { key: key('resize') });
    expect(grown).toMatchObject({ name, cpu: 2, memoryGiB: 2, diskGiB: 12, power: 'on' });
    expect(await hv.getVm(name)).toMatchObject({ cpu: 2, memoryGiB: 2, diskGiB: 12 });
    expect(await refusal(hv.resize(name, { memoryGiB: 1 }, { key: key('shrink-running') }))).toMatchObject({ code: 'invalid', retryable: false });
    await hv.setPower(name, 'off', { key: key('off') });
    expect(await hv.resize(name, { cpu: 1, memoryGiB: 1 }, { key: key('shrink') })).toMatchObject({ cpu: 1, memoryGiB: 1, diskGiB: 12, power: 'off' });
  });

  test('R-OP-4: a disk never shrinks, and growth beyond the host\'s free capacity is refused; neither changes the VM', async () => {
    const name = `vm-${uniq()}`;
    await provision(name);
    const shrink = await refusal(hv.resize(name, { diskGiB: 8 }, { key: key('disk-shrink') }));
    expect(shrink).toMatchObject({ code: 'invalid', retryable: false });
    expect(shrink.message).toMatch(/ディスクは縮小できません.*a disk cannot shrink \(10 GiB → 8 GiB\)/);
    const tooBig = await refusal(hv.resize(name, { memoryGiB: 512 }, { key: key('too-big') }));
    expect(tooBig).toMatchObject({ code: 'capacity', retryable: false });
    expect(tooBig.message).toMatch(/容量不足.*lacks memory/);
    expect(await hv.getVm(name)).toMatchObject({ cpu: 1, memoryGiB: 1, diskGiB: 10 });
  });

  test('R-OP-2: delete powers the VM off and removes it; the same key again is success; an unknown VM is not_found', async () => {
    const name = `vm-${uniq()}`;
    await provision(name);
    const k = key('delete');
    await hv.delete(name, { key: k });
    expect(await hv.getVm(name)).toBeNull();
    await expect(hv.delete(name, { key: k })).resolves.toBeUndefined();
    expect(await refusal(hv.delete(name, { key: key('delete-again') }))).toMatchObject({ code: 'not_found', retryable: false });
  });

  test('R-OP-3: a clone has the source\'s sizes, its own address and its own key; its name must be free', async () => {
    const source = `vm-${uniq()}`;
    const copy = `vm-${uniq()}`;
    const a = await provision(source, { cpu: 2 });
    made.push(copy);
    const k = key('clone');
    const b = await hv.clone(source, copy, { key: k });
    expect(b).toMatchObject({ name: copy, cpu: 2, memoryGiB: 1, diskGiB: 10, os: 'rhel9', power: 'on', state: 'ready', createdByKey: k });
    expect(b.address).toMatch(inPool);
    expect(b.address).not.toBe(a.address);
    expect(await hv.clone(source, copy, { key: k })).toMatchObject({ id: b.id });
    expect(await refusal(hv.clone(source, copy, { key: key('clone-again') }))).toMatchObject({ code: 'conflict', retryable: false });
  });

  test('R-OP-9: a snapshot is taken once per key, and the VM comes back from it powered on', async () => {
    const name = `vm-${uniq()}`;
    await provision(name);
    const k = key('snapshot');
    const snap = await hv.snapshot(name, 'before-change', { key: k });
    expect(snap).toMatchObject({ vmName: name, name: 'before-change' });
    expect(await hv.snapshot(name, 'before-change', { key: k })).toMatchObject({ id: snap.id });
    const restored = await hv.restore(name, { snapshotId: snap.id }, { key: key('restore') });
    expect(restored).toMatchObject({ name, power: 'on', state: 'ready' });
  });
});
