import { MikroORM } from '@mikro-orm/postgresql';
import { ormOptions } from '../../src/database/mikro-orm.config';
import { migrateDatabase } from '../../src/database/migrate';
import { DEMO_ACCOUNTS } from '../../src/identity/demo-accounts';
import { createTestDatabase } from '../support/databases';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('foundation: API, identity, calendar and health on real servers', () => {
  let system: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem();
  });
  afterAll(async () => {
    await system.close();
  });

  test('health reports every part ok once the worker polls', async () => {
    let last: { status: number; body: any } | undefined;
    for (let i = 0; i < 30; i++) {
      last = await system.request('GET', '/health');
      if (last.status === 200) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(last).toMatchObject({ status: 200, body: { status: 'ok', temporal: 'ok', database: 'ok', smtp: 'ok', worker: 'ok' } });
    expect((await system.request('GET', '/health/live')).status).toBe(200);
  });

  test('every demo account signs in and sees its own roles and department', async () => {
    for (const account of DEMO_ACCOUNTS) {
      const response = await system.request('POST', '/api/auth/login', { body: { username: account.username, password: 'opsdesk-demo' } });
      expect(response.status).toBe(200);
      const me = await system.request('GET', '/api/auth/me', { token: response.body.token });
      expect(me.body).toMatchObject({ username: account.username, roles: account.roles });
      expect(me.body.departmentCode).toBe(account.department ?? null);
    }
  });

  test('routes need a token; a wrong password, a made-up token and a revoked token are refused', async () => {
    expect((await system.request('GET', '/api/calendar/holidays?year=2026')).status).toBe(401);
    expect((await system.request('GET', '/api/calendar/holidays?year=2026', { token: 'made-up' })).status).toBe(401);
    const wrong = await system.request('POST', '/api/auth/login', { body: { username: 'ga1', password: 'nope' } });
    expect(wrong).toMatchObject({ status: 401, body: { statusCode: 401, error: 'Unauthorized' } });

    const token = await system.login('op1');
    expect((await system.request('GET', '/api/auth/me', { token })).status).toBe(200);
    expect((await system.request('POST', '/api/auth/logout', { token })).status).toBe(204);
    expect((await system.request('GET', '/api/auth/me', { token })).status).toBe(401);
  });

  test('an account locks after five wrong passwords, even for the right one', async () => {
    for (let i = 0; i < 5; i++) await system.request('POST', '/api/auth/login', { body: { username: 'op2', password: `wrong-${i}` } });
    const locked = await system.request('POST', '/api/auth/login', { body: { username: 'op2', password: 'opsdesk-demo' } });
    expect(locked.status).toBe(401);
    expect(locked.body.message).toMatch(/locked/);
  });

  test('roles are checked: only an admin changes the calendar', async () => {
    const ga = await system.login('ga1');
    const admin = await system.login('admin');
    const body = { date: '2026-08-14', nameJa: '庁舎設備点検', nameEn: 'Building inspection' };
    const refused = await system.request('POST', '/api/calendar/closing-days', { token: ga, body });
    expect(refused.status).toBe(403);
    expect(refused.body.message).toContain('admin');
    expect((await system.request('POST', '/api/calendar/closing-days', { token: admin, body })).status).toBe(201);
    const days = await system.request('GET', '/api/calendar/holidays?year=2026', { token: ga });
    expect(days.body.days).toContainEqual(expect.objectContaining({ date: '2026-08-14', kind: 'closing_day', nameJa: '庁舎設備点検' }));
    expect((await system.request('DELETE', '/api/calendar/closing-days/2026-08-14', { token: admin })).status).toBe(204);
  });

  test('R-SLA-3: the deadline API counts three business days across the year-end closing', async () => {
    const token = await system.login('dept1');
    const response = await system.request('GET', `/api/calendar/deadline?from=${encodeURIComponent('2026-12-25T10:00:00+09:00')}&businessDays=3`, { token });
    expect(response.status).toBe(200);
    expect(response.body.dueAt).toBe('2027-01-05T08:15:00.000Z'); // 17:15 JST on 5 Jan
  });

  test('R-HOURS-1: an extra closing day added as data moves deadlines without a deploy', async () => {
    const admin = await system.login('admin');
    const from = encodeURIComponent('2026-06-01T09:00:00+09:00'); // Monday
    const before = await system.request('GET', `/api/calendar/deadline?from=${from}&businessDays=1`, { token: admin });
    expect(before.body.dueAt).toBe('2026-06-02T08:15:00.000Z');
    await system.request('POST', '/api/calendar/closing-days', { token: admin, body: { date: '2026-06-02', nameJa: '臨時閉庁', nameEn: 'Extra closing' } });
    const after = await system.request('GET', `/api/calendar/deadline?from=${from}&businessDays=1`, { token: admin });
    expect(after.body.dueAt).toBe('2026-06-03T08:15:00.000Z');
  });

  test('bad input gets a 400 naming the field, never a 500', async () => {
    const token = await system.login('ga1');
    const cases: Array<[string, string, unknown, string | undefined]> = [
      ['GET', '/api/calendar/deadline?from=yesterday&businessDays=3', undefined, 'from'],
      ['GET', '/api/calendar/deadline?from=2026-01-05T09:00:00Z&businessDays=-1', undefined, 'businessDays'],
      ['GET', '/api/calendar/deadline?from=2026-01-05T09:00:00Z&businessDays=abc', undefined, 'businessDays'],
      ['GET', '/api/calendar/holidays?year=1800', undefined, 'year'],
      ['POST', '/api/auth/login', { username: 'ga1', password: 'x', isAdmin: true }, 'isAdmin'],
      ['POST', '/api/auth/login', { username: 42, password: 'x' }, 'username'],
    ];
    for (const [method, path, body, field] of cases) {
      const response = await system.request(method, path, { token, body });
      expect({ path, status: response.status, field: response.body.field }).toEqual({ path, status: 400, field });
      expect(response.body.message).toContain(field!);
    }
    const malformed = await system.request('POST', '/api/auth/login', { rawBody: '{"username": ' });
    expect(malformed.status).toBe(400);
    const huge = await system.request('POST', '/api/auth/login', { rawBody: JSON.stringify({ username: 'x'.repeat(300_000), password: 'y' }) });
    expect(huge.status).toBe(413);
  });

  test('the OpenAPI document and the UI are served on the same origin', async () => {
    const docs = await system.request('GET', '/api/docs-json');
    expect(docs.status).toBe(200);
    expect(Object.keys(docs.body.paths)).toEqual(expect.arrayContaining(['/api/auth/login', '/api/calendar/deadline', '/health']));
    const page = await fetch(`${system.baseUrl}/`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('opsdesk');
  });

  test('health names the failing part with 503 when the SMTP server is gone', async () => {
    await system.smtp.stop();
    // Probes run in the background (a hanging part never slows /health): the loss shows within seconds.
    let response = await system.request('GET', '/health');
    for (let i = 0; i < 60 && response.status === 200; i++) {
      await new Promise((r) => setTimeout(r, 250));
      response = await system.request('GET', '/health');
    }
    expect(response.status).toBe(503);
    expect(response.body).toMatchObject({ status: 'degraded', database: 'ok', temporal: 'ok' });
    expect(response.body.smtp).toMatch(/^unavailable/);
  });
});

describe('database migrations', () => {
  test('run once when several processes start together, and demo accounts exist only in embedded mode', async () => {
    const url = await createTestDatabase();
    const orms = await Promise.all([1, 2, 3].map(() => MikroORM.init(ormOptions(url))));
    try {
      await Promise.all(orms.map((orm) => migrateDatabase(orm)));
      const executed = await orms[0].em.getConnection().execute('select name from mikro_orm_migrations');
      const names = (executed as Array<{ name: string }>).map((row) => row.name);
      expect(new Set(names).size).toBe(names.length);
      expect(names.length).toBeGreaterThan(0);
      const users = await orms[0].em.getConnection().execute('select count(*)::int as n from app_user');
      expect(users[0].n).toBe(0);
    } finally {
      await Promise.all(orms.map((orm) => orm.close(true)));
    }
  });
});
