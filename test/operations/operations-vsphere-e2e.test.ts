import { startVcsim, vcsimThumbprint, type RunningVcsim } from '../../src/providers/vsphere/vcsim-binary';
import { VimClient } from '../../src/providers/vsphere/vim-client';
import { list, num, obj, text } from '../../src/providers/vsphere/vim-xml';
import type { VsphereHypervisor } from '../../src/providers/vsphere/vsphere-hypervisor';
import { FlowDriver } from '../support/flow';
import { startOperationsSystem, uniq, type OperationsSystem } from './support';

jest.setTimeout(120_000);

/**
 * R-FLOW-2 × R-OP-1 on vSphere (vcsim): a work request that fails in vCenter half-way is
 * compensated (the half-made VM deleted) and the operator's execution_failed task opens; the retry
 * the operator chooses makes the VM.
 */
describe('R-FLOW-2 × R-OP-1: a provisioning that fails in vCenter, through the work-request workflow (vcsim)', () => {
  let vcsim: RunningVcsim;
  let admin: VimClient;
  let ops: OperationsSystem;
  let flow: FlowDriver;

  beforeAll(async () => {
    vcsim = await startVcsim();
    const thumbprint = await vcsimThumbprint(vcsim.port);
    admin = new VimClient(vcsim.url, { thumbprint });
    await admin.login(vcsim.username, vcsim.password);
    const [template] = (await admin.retrieveAll('VirtualMachine', ['name'])).filter((vm) => vm.props.name === 'DC0_H0_VM0');
    await admin.waitForTask(await admin.powerOffVm(template.obj));
    await admin.call('MarkAsTemplate', template.obj, []);
    ops = await startOperationsSystem({
      env: {
        HYPERVISOR: 'vsphere', VSPHERE_URL: vcsim.url, VSPHERE_USER: vcsim.username, VSPHERE_PASSWORD: vcsim.password, VSPHERE_THUMBPRINT: thumbprint,
        VSPHERE_TEMPLATES: 'rhel9=DC0_H0_VM0', VSPHERE_CLUSTER: 'DC0_C0', VSPHERE_VCPU_PER_CORE: '4', VSPHERE_ADDRESS_POOL: '192.0.2.10-192.0.2.60', VSPHERE_TASK_POLL_MS: '20',
      },
    });
    flow = new FlowDriver(ops.system);
  }, 120_000);
  afterAll(async () => {
    await ops?.close();
    await (ops?.operations.hypervisor as VsphereHypervisor | undefined)?.close();
    await admin?.logout().catch(() => undefined);
    await vcsim?.stop();
  });

  async function requestAndPlan(vmName: string): Promise<string> {
    const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'vm.provision', subject: `${vmName} の払出し`, params: { vmName, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9', businessSystem: '税務システム' } });
    expect(submitted.status).toBe(201);
    const number = submitted.body.caseNumber as string;
    await flow.complete(number, 'accept_request', 'ga1', { outcome: 'accepted' });
    await flow.complete(number, 'plan_work', 'op1', { outcome: 'planned', data: { plannedStart: new Date(Date.now() + 1500).toISOString(), plannedEnd: new Date(Date.now() + 3_600_000).toISOString(), content: 'VM払出しを自動実行', stopsService: false } });
    await flow.complete(number, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
    return number;
  }

  test('R-OP-1: vCenter refuses a step after the clone (an administrator removed an opsdesk custom attribute): the half-made VM is deleted, execution_failed opens for the operator, and the retry makes the VM', async () => {
    // A first request goes through: the worker's adapter now knows the attributes' keys.
    const first = `vm-${uniq()}`;
    const okCase = await requestAndPlan(first);
    await flow.openTask(okCase, 'verify_work', 'op1', 60_000);
    expect((await flow.caseDetail(okCase)).results).toMatchObject({ vmName: first, handledBy: 'automation', power: 'on' });

    const fields = await admin.retrieveOne(admin.service.customFieldsManager, ['field']);
    const osField = list(obj(fields?.field).CustomFieldDef).map(obj).find((f) => text(f.name) === 'opsdesk.os');
    await admin.call('RemoveCustomFieldDef', admin.service.customFieldsManager, [['key', num(osField?.key)]]);

    const failing = `vm-${uniq()}`;
    const failCase = await requestAndPlan(failing);
    const task = await flow.openTask(failCase, 'execution_failed', 'op1', 60_000);
    expect(task.suggested.undone).toEqual([`VM ${failing}`]);
    expect(task.suggested.error).toMatch(/vCenter/);
    // Compensation deleted what the clone had made, in vCenter itself.
    expect((await admin.retrieveAll('VirtualMachine', ['name'])).filter((v) => v.props.name === failing)).toHaveLength(0);
    expect((await ops.em().execute(`select 1 from hypervisor_address_lease where vm_name = ?`, [failing])).length).toBe(0);

    await flow.complete(failCase, 'execution_failed', 'op1', { outcome: 'retry', note: 'vCenter の属性を確認し再実行' });
    await flow.openTask(failCase, 'verify_work', 'op1', 60_000);
    expect((await flow.caseDetail(failCase)).results).toMatchObject({ vmName: failing, key: `${failCase}:execute:2`, power: 'on' });
    expect((await admin.retrieveAll('VirtualMachine', ['name'])).filter((v) => v.props.name === failing)).toHaveLength(1);
  });
});
