import { alertmanagerBody, FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * Issue 22, the queue: operators of the same role see the same steps. Taking one (担当) tells the
 * others, and keeps them from completing it by accident; taking over is explicit.
 */
describe('R-FLOW-1: a step is taken by one person at a time (担当)', () => {
  let system: TestSystem;
  let flow: FlowDriver;

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
  });
  afterAll(async () => {
    await system?.close();
  });

  const openIncident = async (hostname: string) => {
    const response = await system.request('POST', '/api/alerts', { body: alertmanagerBody([{ hostname, alertname: 'HostDown', severity: 'major' }]), headers: { authorization: 'Bearer opsdesk-demo-alerts' } });
    expect(response.status).toBe(202);
    return response.body.results[0].caseNumber as string;
  };

  test('R-FLOW-1: op1 takes the step, op2 sees it taken and cannot complete it; op2 takes it over explicitly and completes it; op1 can no longer release it', async () => {
    const number = await openIncident('esx01');
    const task = await flow.openTask(number, 'acknowledge', 'op1');
    expect(task.claimedBy).toBeNull();

    const taken = await flow.as('op1', 'POST', `/api/tasks/${task.id}/claim`, {});
    expect(taken.status).toBe(200);
    expect(taken.body.claimedBy).toMatchObject({ username: 'op1', name: '運用 一郎' });

    const seenByOp2 = (await flow.as('op2', 'GET', `/api/tasks?state=open&caseId=${number}`)).body.items.find((t: any) => t.id === task.id);
    expect(seenByOp2.claimedBy).toMatchObject({ username: 'op1', name: '運用 一郎' });

    const collide = await flow.as('op2', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'on_site' });
    expect(collide.status).toBe(409);
    expect(collide.body.message).toContain('運用 一郎 さんが担当しています');
    const grab = await flow.as('op2', 'POST', `/api/tasks/${task.id}/claim`, {});
    expect(grab.status).toBe(409);
    const badBody = await flow.as('op2', 'POST', `/api/tasks/${task.id}/claim`, { takeOver: 'yes' });
    expect(badBody.status).toBe(400);
    expect(badBody.body.message).toContain('takeOver');

    const over = await flow.as('op2', 'POST', `/api/tasks/${task.id}/claim`, { takeOver: true });
    expect(over.status).toBe(200);
    expect(over.body.claimedBy).toMatchObject({ username: 'op2' });
    expect((await flow.as('op1', 'POST', `/api/tasks/${task.id}/release`)).status).toBe(409);

    expect((await flow.as('op2', 'POST', `/api/tasks/${task.id}/complete`, { outcome: 'on_site' })).status).toBe(200);
    expect((await flow.as('op2', 'POST', `/api/tasks/${task.id}/claim`, {})).status).toBe(409); // done: nothing to take
  });

  test('R-FLOW-1: two operators pressing 担当 at the same moment: exactly one gets it; release gives it back to the role; the wrong role is refused', async () => {
    const number = await openIncident('esx02');
    const task = await flow.openTask(number, 'acknowledge', 'op1');
    await flow.token('op2');
    const answers = await Promise.all([flow.as('op1', 'POST', `/api/tasks/${task.id}/claim`, {}), flow.as('op2', 'POST', `/api/tasks/${task.id}/claim`, {})]);
    expect(answers.map((a) => a.status).sort()).toEqual([200, 409]);
    const winner = answers.find((a) => a.status === 200)!.body.claimedBy.username as string;

    const released = await flow.as(winner, 'POST', `/api/tasks/${task.id}/release`);
    expect(released.status).toBe(200);
    expect(released.body.claimedBy).toBeNull();

    const wrongRole = await flow.as('dept1', 'POST', `/api/tasks/${task.id}/claim`, {});
    expect([403, 404]).toContain(wrongRole.status);
    const audit = await flow.as('audit1', 'GET', `/api/audit?action=task.claim`);
    expect(audit.status).toBe(200);
    expect(JSON.stringify(audit.body)).toContain(task.id);
  });
});
