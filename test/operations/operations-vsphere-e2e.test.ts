import type { VimClient } from '../../src/providers/vsphere/vim-client';
import { list, MoRef, num, obj, ref, text } from '../../src/providers/vsphere/vim-xml';
import type { VsphereHypervisor } from '../../src/providers/vsphere/vsphere-hypervisor';
import { FlowDriver } from '../support/flow';
import { startOperationsSystem, startVcsimWithTemplate, uniq, type OperationsSystem, type VcsimUnderTest } from './support';
import { eventually } from '../support/eventually';

jest.setTimeout(120_000);

/**
 * R-FLOW-2 × R-OP-1 on vSphere (vcsim): a work request that fails in vCenter half-way is
 * compensated (the half-made VM deleted) and the operator's execution_failed task opens; the retry
 * the operator chooses makes the VM. Two ways to fail: a call vCenter refuses (SetField on a
 * removed attribute) and a task that ends in error inside vCenter (PowerOnVM_Task on a host an
 * administrator put into maintenance mode while the clone ran: vcsim's own check, `InvalidState`).
 */

describe('R-FLOW-2 × R-OP-1: a provisioning that fails in vCenter, through the work-request workflow (vcsim)', () => {
  let vcenter: VcsimUnderTest;
  let admin: VimClient;
  let ops: OperationsSystem;
  let flow: FlowDriver;

  beforeAll(async () => {
    // Clone tasks run for 2.5 s (vcsim's TaskDelay): long enough for the test to act while one runs.
    vcenter = await startVcsimWithTemplate({ args: ['-task-delay', 'CloneVm:2500'] });
    ({ admin } = vcenter);
    ops = await startOperationsSystem({ env: vcenter.env({ VSPHERE_VCPU_PER_CORE: '4', VSPHERE_ADDRESS_POOL: '192.0.2.10-192.0.2.60' }) });
    flow = new FlowDriver(ops.system);
  }, 120_000);
  afterAll(async () => {
    await ops?.close();
    await (ops?.operations.hypervisor as VsphereHypervisor | undefined)?.close();
    await vcenter?.stop();
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

  test('R-OP-1: a task that fails inside vCenter (PowerOnVM_Task: an administrator put the chosen host into maintenance mode while the clone ran) is compensated: the cloned VM is deleted, execution_failed opens with vCenter\'s fault, and the retry after maintenance makes the VM', async () => {
    const name = `vm-${uniq()}`;
    const number = await requestAndPlan(name);
    // The adapter journals the clone task and the host it chose before waiting for the task.
    const detail = await eventually('the clone task in the journal', async () => {
      const [row] = await ops.em().execute<Array<{ detail: { task?: string; host?: string } }>>(`select detail from hypervisor_journal where key like ? and operation = 'provision'`, [`${number}:execute:1%`]);
      return row?.detail.task && row.detail.host ? row.detail : undefined;
    });
    const host = (await admin.retrieveAll('HostSystem', ['name'])).find((h) => h.props.name === detail.host)!.obj;
    await admin.waitForTask(await admin.call('EnterMaintenanceMode_Task', host, [['timeout', 0]]).then((r) => r.value as never));
    // The clone was still running: vCenter makes the VM, then refuses to power it on.
    expect((await admin.retrieveOne(new MoRef('Task', detail.task!), ['info.state']))?.['info.state']).not.toBe('error');

    const task = await flow.openTask(number, 'execution_failed', 'op1', 90_000);
    expect(task.suggested.error).toMatch(/InvalidState/);
    expect(task.suggested.undone).toEqual([`VM ${name}`]);
    // vCenter's own record: the power-on task of the new VM ended in error, and the VM is gone (compensation).
    const failed = (await recentTasks()).filter((t) => t.description === 'VirtualMachine.powerOn' && t.state === 'error');
    expect(failed.map((t) => t.fault)).toContain('InvalidState');
    expect((await admin.retrieveAll('VirtualMachine', ['name'])).filter((v) => v.props.name === name)).toHaveLength(0);
    expect((await ops.em().execute(`select 1 from hypervisor_address_lease where vm_name = ?`, [name])).length).toBe(0);

    // Maintenance over, the operator retries: a new key, a new clone, powered on.
    await admin.waitForTask(await admin.call('ExitMaintenanceMode_Task', host, [['timeout', 0]]).then((r) => r.value as never));
    await flow.complete(number, 'execution_failed', 'op1', { outcome: 'retry', note: '保守モード解除後に再実行' });
    await flow.openTask(number, 'verify_work', 'op1', 90_000);
    expect((await flow.caseDetail(number)).results).toMatchObject({ vmName: name, key: `${number}:execute:2`, power: 'on' });
    expect((await admin.retrieveAll('VirtualMachine', ['name'])).filter((v) => v.props.name === name)).toHaveLength(1);
  });

  /** vCenter's recent tasks (TaskManager.recentTask): what each was, how it ended, its fault's type. */
  async function recentTasks(): Promise<Array<{ description: string; state: string; fault: string }>> {
    const props = await admin.retrieveOne(new MoRef('TaskManager', 'TaskManager'), ['recentTask']);
    const out: Array<{ description: string; state: string; fault: string }> = [];
    for (const item of list(obj(props?.recentTask).ManagedObjectReference)) {
      const task = ref(item);
      if (!task) continue;
      const info = obj((await admin.retrieveOne(task, ['info']))?.info);
      const fault = obj(obj(info.error).fault).$type ?? '';
      out.push({ description: text(info.descriptionId) ?? '', state: text(info.state) ?? '', fault: fault.slice(fault.indexOf(':') + 1).replace(/Fault$/, '') });
    }
    return out;
  }
});
