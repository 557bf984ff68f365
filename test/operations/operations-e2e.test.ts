import { OperationRun } from '../../src/operations/operation.entities';
import { FlowDriver } from '../support/flow';
import { canLogin, startOperationsSystem, uniq, type OperationsSystem } from './support';

// Real servers, shared with the rest of the suite: generous under load.
jest.setTimeout(120_000);

describe('R-FLOW-2 × R-OP-1/5: a department requests a VM and a database; at the planned time they really exist, with the results on the case', () => {
  let ops: OperationsSystem;
  let flow: FlowDriver;

  beforeAll(async () => {
    ops = await startOperationsSystem();
    flow = new FlowDriver(ops.system);
  });
  afterAll(async () => {
    await ops?.close();
  });

  /** Submitted by dept1, accepted, planned to start in 1.5 s and confirmed: returns the case number. */
  async function requestAndPlan(type: string, subject: string, params: Record<string, unknown>): Promise<string> {
    const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type, subject, params });
    expect(submitted.status).toBe(201);
    const number = submitted.body.caseNumber as string;
    await flow.complete(number, 'accept_request', 'ga1', { outcome: 'accepted' });
    const start = new Date(Date.now() + 1500).toISOString();
    const end = new Date(Date.now() + 3_600_000).toISOString();
    await flow.complete(number, 'plan_work', 'op1', { outcome: 'planned', data: { plannedStart: start, plannedEnd: end, content: `${type} を自動実行`, stopsService: false } });
    await flow.complete(number, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
    return number;
  }

  test('end to end: both are made by the operation activities at the planned time; the password reaches the department once', async () => {
    const types = await flow.as('dept1', 'GET', '/api/work-request-types');
    expect(types.body.items.filter((t: any) => t.automated).map((t: any) => t.type)).toEqual(
      expect.arrayContaining(['vm.provision', 'vm.delete', 'vm.clone', 'vm.resize', 'db.provide', 'db.delete', 'device.stop_start', 'backup.configure', 'backup.restore']),
    );
    const vmName = `vm-zeimu-${uniq()}`;
    const database = `zeimu_${uniq()}`;
    const [vmCase, dbCase] = await Promise.all([
      requestAndPlan('vm.provision', '税務システム検証用VMの払出し', { vmName, cpu: 2, memoryGiB: 8, diskGiB: 100, os: 'rhel9', businessSystem: '税務システム' }),
      requestAndPlan('db.provide', '税務システム検証用DBの提供', { databaseName: database, sizeClass: 'small', businessSystem: '税務システム' }),
    ]);

    // No execute_work: the operation ran by itself, then the operator verifies.
    await Promise.all([flow.openTask(vmCase, 'verify_work', 'op1', 60_000), flow.openTask(dbCase, 'verify_work', 'op1', 60_000)]);
    const vm = await flow.caseDetail(vmCase);
    expect(vm.results).toMatchObject({ type: 'vm.provision', handledBy: 'automation', vmName, cpu: 2, memoryGiB: 8, diskGiB: 100, power: 'on', simulated: true });
    expect(vm.record.assignee).toBe('運用 一郎');
    const vmDone = vm.timeline.find((e: any) => e.kind === 'operation' && e.data?.results);
    expect(vmDone.messageJa).toContain(`仮想マシン ${vmName} を払い出しました`);
    expect(vmDone.messageJa).toContain('シミュレータ');
    expect(vm.doneTasks.map((t: any) => t.type)).not.toContain('execute_work');
    const real = await ops.operations.hypervisor.getVm(vmName);
    expect(real).toMatchObject({ state: 'ready', power: 'on', address: vm.results.address });
    expect(Date.parse(real!.createdAt)).toBeGreaterThanOrEqual(Date.parse(vm.record.workPlan.plannedStart) - 50);

    const db = await flow.caseDetail(dbCase);
    expect(db.results).toMatchObject({ type: 'db.provide', databaseName: database, owner: `${database}_owner`, connectionLimit: 10, credentials: { delivery: 'one-time' } });
    expect(await ops.platformQuery('select 1 as ok from pg_database where datname = $1', [database])).toEqual([{ ok: 1 }]);

    // The password: to the requesting department only, once; never on the case.
    expect((await flow.as('op1', 'GET', `/api/cases/${dbCase}/credentials`)).status).toBe(403);
    expect((await flow.as('dept2', 'GET', `/api/cases/${dbCase}/credentials`)).status).toBe(403);
    const credentials = await flow.as('dept1', 'GET', `/api/cases/${dbCase}/credentials`);
    expect(credentials.status).toBe(200);
    expect(credentials.body).toMatchObject({ caseNumber: dbCase, database, username: `${database}_owner`, port: expect.any(Number) });
    expect(await canLogin(credentials.body, database, credentials.body.username, credentials.body.password)).toBe(true);
    const again = await flow.as('dept1', 'GET', `/api/cases/${dbCase}/credentials`);
    expect(again.status).toBe(409);
    expect(again.body.message).toContain('取得済み');
    expect(JSON.stringify(await flow.caseDetail(dbCase))).not.toContain(credentials.body.password);
    expect(ops.system.smtp.messages.some((m) => m.text.includes(credentials.body.password) || (m.html ?? '').includes(credentials.body.password))).toBe(false);
    const history = ops.system.app.get((await import('@temporalio/client')).Client).workflow.getHandle(db.workflowId).fetchHistory();
    expect(JSON.stringify(await history)).not.toContain(credentials.body.password);

    // The rest of R-FLOW-2 is unchanged: verified, checked by the department, approved.
    await flow.complete(vmCase, 'verify_work', 'op1', { outcome: 'ok' });
    const request = await flow.openTask(vmCase, 'request_department_verification');
    await flow.complete(vmCase, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    await flow.complete(vmCase, 'department_verification', 'dept1', { outcome: 'ok' });
    await flow.complete(vmCase, 'approve_completion', 'ga1', { outcome: 'approved' });
    await flow.waitForStatus(vmCase, 'done');
    const [done] = await ops.system.smtp.waitFor((m) => m.subject.includes(vmCase) && m.subject.includes('対応が完了しました'));
    expect(done.text).toContain(vmName);
  });

  test('a permanent fault: the half-made VM is removed, execution_failed asks the operator, and a retry succeeds; a transient fault is retried by itself', async () => {
    const failing = `vm-fail-${uniq()}`;
    const flaky = `vm-flaky-${uniq()}`;
    const given = `vm-given-${uniq()}`;
    await ops.injectFault({ operation: 'provision', phase: 'configure_network', target: failing, kind: 'permanent', message: 'NIC attach failed' });
    await ops.injectFault({ operation: 'provision', phase: 'allocate', target: given, kind: 'permanent', message: 'datastore read-only' });
    await ops.injectFault({ operation: 'provision', phase: 'create_disk', target: flaky, kind: 'transient', message: 'datastore busy' });
    const spec = { cpu: 1, memoryGiB: 2, diskGiB: 20, os: 'ubuntu24.04', businessSystem: '住民記録システム' };
    const [failCase, flakyCase, givenCase] = await Promise.all([
      requestAndPlan('vm.provision', '失敗するVM', { vmName: failing, ...spec }),
      requestAndPlan('vm.provision', '一時障害のVM', { vmName: flaky, ...spec }),
      requestAndPlan('vm.provision', '手作業に切り替えるVM', { vmName: given, ...spec }),
    ]);

    const task = await flow.openTask(failCase, 'execution_failed', 'op1', 60_000);
    expect(task.suggested.error).toContain('NIC attach failed');
    expect(task.suggested.undone).toEqual([`VM ${failing}`]);
    expect(await ops.operations.hypervisor.getVm(failing)).toBeNull();
    const failedDetail = await flow.caseDetail(failCase);
    expect(failedDetail.timeline.some((e: any) => e.kind === 'operation' && e.messageJa.includes('自動実行に失敗しました'))).toBe(true);
    expect((await flow.as('op1', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'abandon' })).status).toBe(422);
    await flow.complete(failCase, 'execution_failed', 'op1', { outcome: 'retry', note: '障害を確認し再実行' });
    await flow.openTask(failCase, 'verify_work', 'op1', 60_000);
    const retried = await flow.caseDetail(failCase);
    expect(retried.results).toMatchObject({ vmName: failing, key: `${failCase}:execute:2` });
    expect(await ops.operations.hypervisor.getVm(failing)).toMatchObject({ state: 'ready' });

    // The transient fault never reached a person: Temporal retried the activity with backoff.
    await flow.openTask(flakyCase, 'verify_work', 'op1', 60_000);
    const flakyDetail = await flow.caseDetail(flakyCase);
    expect(flakyDetail.results).toMatchObject({ vmName: flaky, key: `${flakyCase}:execute:1` });
    expect(flakyDetail.openTasks.map((t: any) => t.type)).toEqual(['verify_work']);
    expect(await ops.em().findOneOrFail(OperationRun, { key: `${flakyCase}:execute:1` })).toMatchObject({ status: 'succeeded', attempts: 2 });

    // Abandoning the automation (with a reason) hands the work to the operator: execute_work, with the checklist.
    await flow.complete(givenCase, 'execution_failed', 'op1', { outcome: 'abandon', note: 'データストア復旧まで手作業で対応' });
    const byHand = await flow.openTask(givenCase, 'execute_work', 'op1', 60_000);
    expect(byHand.suggested.checklistJa.length).toBeGreaterThan(0);
    expect(await ops.operations.hypervisor.getVm(given)).toBeNull();
  });
});
