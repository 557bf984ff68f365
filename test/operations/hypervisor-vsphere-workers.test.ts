import { randomBytes } from 'node:crypto';
import { loadOperationsConfig, loadVsphereConfig } from '../../src/operations/operations-config';
import { sealSetting } from '../../src/operations/sealed-setting';
import { startVcsim, vcsimThumbprint, type RunningVcsim } from '../../src/providers/vsphere/vcsim-binary';
import { VimClient } from '../../src/providers/vsphere/vim-client';
import { VsphereHypervisor } from '../../src/providers/vsphere/vsphere-hypervisor';
import { startOperationsSystem, startVcsimWithTemplate, uniq, type OperationsSystem, type VcsimUnderTest } from './support';

/**
 * The vSphere adapter with more than one worker (R-OP-1): two adapters on one database (two worker
 * processes) never hand out the same pool address, never place more on a host than it holds (the
 * capacity check and the clone under a PostgreSQL advisory lock per cluster), and the vCenter
 * password is kept sealed.
 */
describe('R-OP-1: the vSphere adapter with several workers, and its sealed password (vcsim)', () => {
  let vcenter: VcsimUnderTest;
  let vcsim: RunningVcsim;
  let thumbprint: string;
  let ops: OperationsSystem;
  const adapters: VsphereHypervisor[] = [];
  const env = (extra: Record<string, string> = {}) => ({
    VSPHERE_URL: vcsim.url, VSPHERE_USER: vcsim.username, VSPHERE_PASSWORD: vcsim.password, VSPHERE_THUMBPRINT: thumbprint,
    VSPHERE_TEMPLATES: 'rhel9=DC0_H0_VM0', VSPHERE_CLUSTER: 'DC0_C0', VSPHERE_VCPU_PER_CORE: '8', VSPHERE_ADDRESS_POOL: '192.0.2.10-192.0.2.20',
    VSPHERE_TASK_POLL_MS: '20', ...extra,
  });
  /** A worker's adapter: its own vCenter session and in-process lock, the shared database. */
  const worker = (extra: Record<string, string> = {}) => {
    const made = new VsphereHypervisor(ops.em(), loadVsphereConfig(env(extra)));
    adapters.push(made);
    return made;
  };

  beforeAll(async () => {
    vcenter = await startVcsimWithTemplate();
    ({ vcsim, thumbprint } = vcenter);
    ops = await startOperationsSystem({ worker: false });
  }, 120_000);
  afterAll(async () => {
    for (const a of adapters) await a.close();
    await ops?.close();
    await vcenter?.stop();
  });

  test('R-OP-1: two workers provisioning at the same moment get different addresses (a lease row per address), and a deleted VM\'s address goes back to the pool', async () => {
    const [a, b] = [worker(), worker()];
    const names = Array.from({ length: 6 }, () => `vm-${uniq()}`);
    const made = await Promise.all(names.map((name, i) => (i % 2 ? a : b).provision({ name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9' }, { key: `REQ-W-${uniq()}:provision` })));
    const addresses = made.map((vm) => vm.address);
    expect(new Set(addresses).size).toBe(6);
    for (const address of addresses) expect(address).toMatch(/^192\.0\.2\.(1\d|20)$/);
    const leases = await ops.em().execute<Array<{ address: string; vm_name: string }>>(`select address, vm_name from hypervisor_address_lease order by address`);
    expect(leases.map((l) => l.vm_name).sort()).toEqual([...names].sort());
    await a.delete(names[0], { key: `REQ-W-${uniq()}:delete` });
    expect((await ops.em().execute(`select 1 from hypervisor_address_lease where vm_name = ?`, [names[0]])).length).toBe(0);
    const again = await b.provision({ name: `vm-${uniq()}`, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9' }, { key: `REQ-W-${uniq()}:provision` });
    // Addresses are taken first-free in pool order, so the six took 192.0.2.10-15 and the freed one is the first free again.
    expect([...addresses].sort()).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.12', '192.0.2.13', '192.0.2.14', '192.0.2.15']);
    expect(again.address).toBe(made[0].address);
  });

  test('R-OP-1: VSPHERE_PASSWORD may be sealed with OPSDESK_SECRET_KEY; a wrong key or a value sealed for another setting stops the start-up naming the variable', async () => {
    const key = randomBytes(32);
    const sealed = sealSetting('VSPHERE_PASSWORD', vcsim.password, key);
    expect(sealed).toMatch(/^sealed:/);
    expect(sealed).not.toContain(vcsim.password);
    const hv = worker({ VSPHERE_PASSWORD: sealed, OPSDESK_SECRET_KEY: key.toString('base64') });
    expect(Array.isArray(await hv.listVms())).toBe(true);
    const load = (extra: Record<string, string>) => () => loadOperationsConfig({ HYPERVISOR: 'vsphere', ...env(extra) }, '/tmp', 'postgresql://x/opsdesk', 'standard');
    expect(load({ VSPHERE_PASSWORD: sealed, OPSDESK_SECRET_KEY: randomBytes(32).toString('base64') })).toThrow(/VSPHERE_PASSWORD does not open with OPSDESK_SECRET_KEY/);
    expect(load({ VSPHERE_PASSWORD: sealed })).toThrow(/VSPHERE_PASSWORD is sealed, but OPSDESK_SECRET_KEY .* is not set/);
    expect(load({ VSPHERE_PASSWORD: sealSetting('DB_PLATFORM_PASSWORD', vcsim.password, key), OPSDESK_SECRET_KEY: key.toString('base64') })).toThrow(/VSPHERE_PASSWORD does not open/);
    expect(load({ VSPHERE_PASSWORD: sealed, OPSDESK_SECRET_KEY: key.toString('base64') })().hypervisor.vsphere?.password).toBe(vcsim.password);
  });

  test('R-OP-1: two workers provisioning at the same moment, each VM fitting the host alone but not both together: one is made, the other refused for capacity (the check and the clone hold a PostgreSQL advisory lock per cluster, not only one per process)', async () => {
    // A cluster of one host: 2 cores, 4 GiB, already carrying two small VMs. Clone tasks run 1.5 s (vcsim's
    // TaskDelay), as a real clone takes a while: without a lock across workers both would check the host meanwhile.
    const small = await startVcsim({ args: ['-host', '1', '-task-delay', 'CloneVm:1500'] });
    try {
      const smallEnv = { VSPHERE_URL: small.url, VSPHERE_THUMBPRINT: await vcsimThumbprint(small.port), VSPHERE_ADDRESS_POOL: '' };
      const admin = new VimClient(small.url, { thumbprint: smallEnv.VSPHERE_THUMBPRINT });
      await admin.login(small.username, small.password);
      const [template] = (await admin.retrieveAll('VirtualMachine', ['name'])).filter((vm) => vm.props.name === 'DC0_H0_VM0');
      await admin.waitForTask(await admin.powerOffVm(template.obj));
      await admin.call('MarkAsTemplate', template.obj, []);
      const [a, b] = [worker(smallEnv), worker(smallEnv)];
      const [host] = await a.usage();
      expect(host).toMatchObject({ name: 'DC0_C0_H0', memoryGiB: { total: 4 } });
      expect(host.memoryGiB.free).toBeGreaterThan(3);
      const names = [`vm-${uniq()}`, `vm-${uniq()}`];
      const results = await Promise.allSettled(names.map((name, i) => (i ? a : b).provision({ name, cpu: 1, memoryGiB: 3, diskGiB: 10, os: 'rhel9' }, { key: `REQ-C-${uniq()}:provision` })));
      expect(results.map((r) => r.status).sort()).toEqual(['fulfilled', 'rejected']);
      const refused = results.find((r): r is PromiseRejectedResult => r.status === 'rejected')!.reason;
      expect(refused).toMatchObject({ code: 'capacity' });
      expect(String(refused.message)).toMatch(/容量不足|no host has room/);
      const made = (await admin.retrieveAll('VirtualMachine', ['name'])).map((v) => v.props.name);
      expect(names.filter((n) => made.includes(n))).toHaveLength(1);
      const [after] = await a.usage();
      expect(after.memoryGiB.used).toBeLessThanOrEqual(after.memoryGiB.total);
      await admin.logout();
    } finally {
      await small.stop();
    }
  });
});
