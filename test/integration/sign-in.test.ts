import { Client as PgClient } from 'pg';
import { hashToken } from '../../src/identity/auth.service';
import { startTestSystem, type TestSystem } from '../support/test-system';

/** Sign-in: lockout with every failure recorded, the login rate limit, and admin user management. */
describe('sign-in and user management', () => {
  let system: TestSystem;
  let admin: string;
  let auditor: string;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    admin = await system.login('admin');
    auditor = await system.login('audit1');
  });
  afterAll(async () => {
    await system?.close();
  });

  const login = (username: string, password: string) => system.request('POST', '/api/auth/login', { body: { username, password } });
  const audit = async (query: string) => {
    const response = await system.request('GET', `/api/audit?${query}`, { token: auditor });
    expect(response.status).toBe(200);
    return response.body.items as any[];
  };
  const createUser = async (username: string, extra: Record<string, unknown> = {}) => {
    const response = await system.request('POST', '/api/users', {
      token: admin, body: { username, displayName: `利用者 ${username}`, email: `${username}@example.lg.jp`, roles: ['operator'], password: 'initial-password-1', ...extra },
    });
    expect(response.status).toBe(201);
    return response.body;
  };

  test('every sign-in is recorded: success with the user, failure with the reason, never the password', async () => {
    const ok = await fetch(`${system.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'req-signin-ok-0001' }, body: JSON.stringify({ username: 'ga1', password: 'opsdesk-demo' }) });
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-request-id')).toBe('req-signin-ok-0001');
    expect((await login('ga1', 'wrong-password')).status).toBe(401);
    const unknown = await login('nobody', 'whatever');
    expect(unknown.status).toBe(401);
    expect(unknown.body.message).toBe((await login('ga1', 'wrong-password')).body.message);

    const entries = await audit('action=auth.login&limit=50');
    const success = entries.find((e) => e.requestId === 'req-signin-ok-0001');
    expect(success).toMatchObject({ action: 'auth.login', outcome: 'ok', status: 200, target: 'user:ga1', actor: { username: 'ga1', roles: ['general_affairs'] } });
    expect(success.sourceAddress).toMatch(/127\.0\.0\.1/);
    const failures = entries.filter((e) => e.outcome === 'refused');
    expect(failures.find((e) => e.target === 'user:ga1')).toMatchObject({ actor: null, status: 401, change: { reason: 'wrong_password', request: { username: 'ga1', password: '[redacted]' } } });
    expect(failures.find((e) => e.target === 'user:nobody')).toMatchObject({ change: { reason: 'unknown_user' } });
    expect(JSON.stringify(entries)).not.toContain('wrong-password');
    expect(JSON.stringify(entries)).not.toContain('opsdesk-demo');
  });

  test('five wrong passwords lock the account; the failures and the lockout are recorded; an admin lifts it', async () => {
    await createUser('locky');
    for (let i = 0; i < 5; i++) expect((await login('locky', `wrong-${i}`)).status).toBe(401);
    const locked = await login('locky', 'initial-password-1');
    expect(locked.status).toBe(401);
    expect(locked.body.message).toContain('locked');

    const entries = await audit('target=user:locky&limit=50');
    const reasons = entries.filter((e) => e.action === 'auth.login').map((e) => e.change?.reason).reverse();
    expect(reasons).toEqual(['wrong_password', 'wrong_password', 'wrong_password', 'wrong_password', 'wrong_password', 'locked']);
    expect(entries.find((e) => e.action === 'auth.lockout')).toMatchObject({ change: { failures: 5, minutes: 15 } });

    const users = await system.request('GET', '/api/users', { token: admin });
    const locky = users.body.find((u: any) => u.username === 'locky');
    expect(locky.lockedUntil).toEqual(expect.any(String));
    expect((await system.request('PATCH', `/api/users/${locky.id}`, { token: admin, body: { unlock: true } })).status).toBe(200);
    expect((await login('locky', 'initial-password-1')).status).toBe(200);
  });

  test('login is rate-limited per user name and address: 429 with Retry-After, recorded', async () => {
    const statuses: number[] = [];
    let limited: Response | undefined;
    for (let i = 0; i < 12; i++) {
      const response = await fetch(`${system.baseUrl}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'spray-target', password: `guess-${i}` }) });
      statuses.push(response.status);
      if (response.status === 429) limited = response;
    }
    expect(statuses.slice(0, 10)).toEqual(Array(10).fill(401));
    expect(statuses.slice(10)).toEqual([429, 429]);
    expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(await limited!.json()).toMatchObject({ statusCode: 429, error: 'Too Many Requests' });
    // Another user name from the same address is not affected.
    expect((await login('ga1', 'opsdesk-demo')).status).toBe(200);
    const entries = await audit('target=user:spray-target&limit=50');
    expect(entries.filter((e) => e.status === 429)).toHaveLength(2);
  });

  test('an admin creates users with roles, department and password; input is checked; others may not', async () => {
    const departments = (await system.request('GET', '/api/departments', { token: admin })).body;
    const tax = departments.find((d: any) => d.code === 'tax');
    const created = await createUser('dept-tax-2', { roles: ['department'], departmentId: tax.id });
    expect(created).toMatchObject({ username: 'dept-tax-2', roles: ['department'], departmentCode: 'tax', disabled: false });
    expect(JSON.stringify(created)).not.toMatch(/passwordHash|argon/);
    const token = await system.login('dept-tax-2', 'initial-password-1');
    expect((await system.request('GET', '/api/auth/me', { token })).body).toMatchObject({ departmentCode: 'tax' });

    const body = { username: 'x-user', displayName: 'x', email: 'x@example.lg.jp', roles: ['operator'], password: 'initial-password-1' };
    const cases: Array<[Record<string, unknown>, number, string]> = [
      [{ ...body, roles: ['department'] }, 422, 'departmentId'],
      [{ ...body, departmentId: tax.id }, 422, 'departmentId'],
      [{ ...body, roles: ['department'], departmentId: '00000000-0000-4000-8000-000000000000' }, 422, 'departmentId'],
      [{ ...body, roles: [] }, 400, 'roles'],
      [{ ...body, roles: ['root'] }, 400, 'roles'],
      [{ ...body, password: 'short' }, 400, 'password'],
      [{ ...body, username: 'Bad Name' }, 400, 'username'],
      [{ ...body, isAdmin: true }, 400, 'isAdmin'],
      [{ ...body, username: 'dept-tax-2' }, 409, ''],
    ];
    for (const [attempt, status, field] of cases) {
      const response = await system.request('POST', '/api/users', { token: admin, body: attempt });
      expect({ status: response.status, field: response.body.field ?? '' }).toEqual({ status, field });
    }
    for (const user of ['ga1', 'op1', 'dept1', 'audit1']) {
      expect((await system.request('POST', '/api/users', { token: await system.login(user), body })).status).toBe(403);
    }
    const listedByAuditor = await system.request('GET', '/api/users', { token: auditor });
    expect(listedByAuditor.status).toBe(200);
    expect(listedByAuditor.body.map((u: any) => u.username)).toEqual(expect.arrayContaining(['admin', 'ga1', 'dept-tax-2']));
    const created2 = await audit('action=user.create&outcome=ok&limit=10');
    expect(created2.find((e) => e.target === 'user:dept-tax-2')).toMatchObject({ actor: { username: 'admin' }, outcome: 'ok', change: { after: { username: 'dept-tax-2', roles: ['department'] } } });
    expect(JSON.stringify(created2)).not.toContain('initial-password-1');
  });

  test('disabling a user revokes their tokens at once; enabling lets them sign in again; a reset password revokes them too', async () => {
    const user = await createUser('leaver');
    const token = await system.login('leaver', 'initial-password-1');
    const second = await system.login('leaver', 'initial-password-1');
    expect((await system.request('GET', '/api/auth/me', { token })).status).toBe(200);

    const disabled = await system.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { disabled: true } });
    expect(disabled).toMatchObject({ status: 200, body: { disabled: true } });
    expect((await system.request('GET', '/api/auth/me', { token })).status).toBe(401);
    expect((await system.request('GET', '/api/auth/me', { token: second })).status).toBe(401);
    expect((await login('leaver', 'initial-password-1')).status).toBe(401);
    const entry = (await audit('action=user.update&target=user:leaver')).at(0);
    expect(entry).toMatchObject({ actor: { username: 'admin' }, change: { before: { disabled: false }, after: { disabled: true }, revokedTokens: 2, request: { disabled: true } } });

    // Enabling does not bring the revoked tokens back.
    expect((await system.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { disabled: false } })).status).toBe(200);
    expect((await system.request('GET', '/api/auth/me', { token })).status).toBe(401);
    const fresh = await system.login('leaver', 'initial-password-1');
    expect((await system.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { password: 'a-brand-new-password' } })).status).toBe(200);
    expect((await system.request('GET', '/api/auth/me', { token: fresh })).status).toBe(401);
    expect((await login('leaver', 'initial-password-1')).status).toBe(401);
    expect((await login('leaver', 'a-brand-new-password')).status).toBe(200);
    const reset = (await audit('action=user.update&target=user:leaver')).at(0);
    expect(reset.change).toMatchObject({ passwordChanged: true, request: { password: '[redacted]' } });
    expect(JSON.stringify(reset)).not.toContain('a-brand-new-password');

    // An admin cannot lock themselves out.
    const me = (await system.request('GET', '/api/auth/me', { token: admin })).body;
    expect((await system.request('PATCH', `/api/users/${me.userId}`, { token: admin, body: { disabled: true } })).status).toBe(409);
    expect((await system.request('PATCH', `/api/users/${me.userId}`, { token: admin, body: { roles: ['auditor'] } })).status).toBe(409);
    expect((await system.request('PATCH', '/api/users/00000000-0000-4000-8000-000000000000', { token: admin, body: { disabled: true } })).status).toBe(404);
    expect((await system.request('PATCH', '/api/users/not-a-uuid', { token: admin, body: { disabled: true } })).status).toBe(400);
  });

  test('a session is remembered between requests, yet every change to it counts from the next request, whoever made it', async () => {
    const user = await createUser('changer');
    const me = (token: string) => system.request('GET', '/api/auth/me', { token });
    // Made elsewhere (another API process, a DBA's SQL): PostgreSQL announces it, within moments.
    const eventually = async (token: string, expected: (response: { status: number; body: any }) => boolean) => {
      const until = Date.now() + 10_000;
      for (;;) {
        const response = await me(token);
        if (expected(response)) return response;
        if (Date.now() > until) throw new Error(`still ${response.status} ${JSON.stringify(response.body)} after 10 s`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    const sql = new PgClient({ connectionString: system.config.databaseUrl });
    await sql.connect();
    try {
      // Through this API: logout and an admin's role change hold for the very next request.
      const first = await system.login('changer', 'initial-password-1');
      expect(await me(first)).toMatchObject({ status: 200, body: { roles: ['operator'] } });
      expect((await system.request('PATCH', `/api/users/${user.id}`, { token: admin, body: { roles: ['auditor'], displayName: '監査 係' } })).status).toBe(200);
      expect(await me(first)).toMatchObject({ status: 200, body: { roles: ['auditor'], displayName: '監査 係' } });
      expect((await system.request('POST', '/api/auth/logout', { token: first })).status).toBe(204);
      expect((await me(first)).status).toBe(401);

      // In PostgreSQL directly: a revoked token, an expired one, a changed role, a disabled user.
      const revoked = await system.login('changer', 'initial-password-1');
      const expiring = await system.login('changer', 'initial-password-1');
      for (const token of [revoked, expiring]) for (let i = 0; i < 3; i++) expect((await me(token)).status).toBe(200);
      await sql.query(`update auth_token set revoked_at = now() where token_hash = $1`, [hashToken(revoked)]);
      await eventually(revoked, (response) => response.status === 401);
      await sql.query(`update auth_token set expires_at = now() - interval '1 second' where token_hash = $1`, [hashToken(expiring)]);
      await eventually(expiring, (response) => response.status === 401);

      const kept = await system.login('changer', 'initial-password-1');
      expect(await me(kept)).toMatchObject({ status: 200, body: { roles: ['auditor'] } });
      await sql.query(`update app_user set roles = '{operator}' where id = $1`, [user.id]);
      await eventually(kept, (response) => response.body?.roles?.[0] === 'operator');
      await sql.query(`update app_user set disabled = true where id = $1`, [user.id]);
      await eventually(kept, (response) => response.status === 401);
    } finally {
      await sql.end();
    }
  });
});
