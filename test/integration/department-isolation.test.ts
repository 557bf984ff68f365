import { FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * Department users see and act only on their own department's requests and on the incidents that
 * affect their department: dept2 (市民課) gets nothing of dept1's (税務課) cases — not by listing,
 * not by searching, not by guessing case numbers or ids, not by acting on them.
 */
describe('department isolation: dept2 cannot read, list or act on dept1’s cases, even by guessing ids', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let request: { number: string; id: string };
  let incident: { number: string; id: string };
  let shared: string;
  let taxId: string;

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
    const submitted = await flow.as('dept1', 'POST', '/api/work-requests', { type: 'other', subject: '税務課の機密作業', params: { description: '税務システムの設定変更' } });
    expect(submitted.status).toBe(201);
    request = { number: submitted.body.caseNumber, id: submitted.body.caseId };
    // Returned for more information: a resubmission task bound to 税務課.
    await flow.complete(request.number, 'accept_request', 'ga1', { outcome: 'returned', note: '詳細を記載してください' });
    await flow.openTask(request.number, 'resubmit_request', 'dept1');

    const reported = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'vm-zeimu01', subject: '税務システムの障害', summary: '税務課のみ', severity: 'minor' });
    expect(reported.status).toBe(201);
    incident = { number: reported.body.caseNumber, id: reported.body.caseId };
    const both = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'stor01', subject: '共有ストレージの障害', summary: '両課に影響', severity: 'minor' });
    shared = both.body.caseNumber;
    taxId = (await flow.as('dept1', 'GET', '/api/auth/me')).body.departmentId;
  });
  afterAll(async () => {
    await system?.close();
  });

  test('dept1 sees its own request and the incident on its system; dept2 sees the shared incident only', async () => {
    for (const c of [request, incident]) expect((await flow.as('dept1', 'GET', `/api/cases/${c.number}`)).status).toBe(200);
    expect((await flow.as('dept2', 'GET', `/api/cases/${shared}`)).status).toBe(200);
    const listed = await flow.as('dept2', 'GET', '/api/cases?limit=200');
    expect(listed.status).toBe(200);
    const numbers = listed.body.items.map((c: any) => c.number);
    expect(numbers).toContain(shared);
    expect(numbers).not.toContain(request.number);
    expect(numbers).not.toContain(incident.number);
  });

  test('reading: by number, by id, in lower case, with a search, with a department filter — refused or empty', async () => {
    for (const c of [request, incident]) {
      for (const ref of [c.number, c.id, c.number.toLowerCase(), c.id.toUpperCase()]) {
        const response = await flow.as('dept2', 'GET', `/api/cases/${ref}`);
        expect({ ref, status: response.status }).toEqual({ ref, status: 403 });
        expect(response.text).not.toContain('税務');
      }
      for (const query of [`q=${c.number}`, 'q=税務', `departmentId=${taxId}`, 'kind=work_request', 'kind=incident', 'breached=false']) {
        const response = await flow.as('dept2', 'GET', `/api/cases?${query}`);
        expect(response.status).toBe(200);
        expect(response.body.items.map((i: any) => i.number)).not.toContain(c.number);
      }
      expect((await flow.as('dept2', 'GET', `/api/tasks?caseId=${c.number}`)).status).toBe(403);
      expect((await flow.as('dept2', 'GET', `/api/tasks?caseId=${c.id}`)).status).toBe(403);
    }
    const tasks = await flow.as('dept2', 'GET', '/api/tasks?limit=500');
    expect(tasks.body.items.some((t: any) => t.caseNumber === request.number || t.caseNumber === incident.number)).toBe(false);
    const mine = await flow.as('dept2', 'GET', '/api/tasks?mine=true');
    expect(mine.body.items.some((t: any) => t.caseNumber === request.number)).toBe(false);
    // …while dept1's own inbox has it.
    const own = await flow.as('dept1', 'GET', '/api/tasks?mine=true');
    expect(own.body.items.map((t: any) => `${t.caseNumber} ${t.type}`)).toContain(`${request.number} resubmit_request`);
  });

  test('guessing: every case number of the year and random ids give nothing that is not dept2’s', async () => {
    const [prefixInc, year] = incident.number.split('-');
    const guesses = [];
    for (const prefix of [prefixInc, 'REQ']) for (let n = 1; n <= 12; n++) guesses.push(`${prefix}-${year}-${String(n).padStart(4, '0')}`);
    guesses.push('00000000-0000-4000-8000-000000000000', request.id.replace(/.$/, (c) => (c === '0' ? '1' : '0')));
    for (const guess of guesses) {
      const response = await flow.as('dept2', 'GET', `/api/cases/${guess}`);
      if (response.status === 200) expect(response.body.departmentIds).toContain((await flow.as('dept2', 'GET', '/api/auth/me')).body.departmentId);
      else expect([403, 404]).toContain(response.status);
    }
  });

  test('acting: notes, task completion, credentials — refused, and nothing is written', async () => {
    const before = await flow.caseDetail(request.number);
    for (const c of [request, incident]) {
      const note = await flow.as('dept2', 'POST', `/api/cases/${c.number}/notes`, { text: '他課からの書き込み' });
      expect(note.status).toBe(403);
      expect((await flow.as('dept2', 'GET', `/api/cases/${c.number}/credentials`)).status).toBe(403);
    }
    const resubmit = await flow.openTask(request.number, 'resubmit_request', 'dept1');
    expect(resubmit.departmentId).toBe(taxId);
    const refused = await flow.as('dept2', 'POST', `/api/tasks/${resubmit.id}/complete`, { outcome: 'withdrawn' });
    expect(refused.status).toBe(403);
    // Operators and general affairs may not complete a department's step either.
    expect((await flow.as('op1', 'POST', `/api/tasks/${resubmit.id}/complete`, { outcome: 'withdrawn' })).status).toBe(403);
    expect((await flow.as('ga1', 'POST', `/api/tasks/${resubmit.id}/complete`, { outcome: 'withdrawn' })).status).toBe(403);
    const after = await flow.caseDetail(request.number);
    expect(after.timeline).toHaveLength(before.timeline.length);
    expect(after.openTasks.map((t: any) => t.id)).toContain(resubmit.id);
    expect(JSON.stringify(after.timeline)).not.toContain('他課からの書き込み');
    // dept1 acts on its own case.
    expect((await flow.as('dept1', 'POST', `/api/cases/${request.number}/notes`, { text: '補足します' })).status).toBe(201);
    expect((await flow.as('dept1', 'POST', `/api/cases/${incident.number}/notes`, { text: '税務課でも確認中' })).status).toBe(201);
  });

  test('every refused attempt of dept2 is in the audit log, attributed to dept2', async () => {
    const log = await flow.as('audit1', 'GET', '/api/audit?actor=dept2&outcome=refused&limit=500');
    expect(log.status).toBe(200);
    const targets = log.body.items.map((e: any) => `${e.action} ${e.target}`);
    expect(targets).toEqual(expect.arrayContaining([`case.read case:${request.number}`, `case.note case:${request.number}`, `case.note case:${incident.number}`]));
    expect(targets.some((t: string) => t.startsWith('task.complete task:'))).toBe(true);
    for (const entry of log.body.items) expect(entry.actor).toMatchObject({ username: 'dept2', roles: ['department'] });
  });
});
