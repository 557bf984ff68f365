import { Client as PgClient } from 'pg';
import { isRoleList, ROUTE_POLICY } from '../../src/identity/access-policy';
import { hashToken } from '../../src/identity/auth.service';
import type { Role } from '../../src/identity/roles';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * The access matrix: every route of the running application (from the Express router and the
 * OpenAPI document, so a route added anywhere shows up) × every role, and no token, an expired
 * token and a revoked token. A route that has no entry in ROUTE_POLICY, or no probe here, fails.
 *
 * Probes change nothing: a write route gets a body with an unknown field, which a caller who may
 * use the route has refused with 400 (validation comes after authorization), and a caller who may
 * not with 403; reads get 200; deletes name something that does not exist (404).
 */

type Identity = 'none' | 'expired' | 'revoked' | 'ga1' | 'op1' | 'dept1' | 'audit1' | 'admin';
const USERS = ['ga1', 'op1', 'dept1', 'audit1', 'admin'] as const;
const IDENTITIES: Identity[] = ['none', 'expired', 'revoked', ...USERS];
const ROLE_OF: Record<(typeof USERS)[number], Role> = { ga1: 'general_affairs', op1: 'operator', dept1: 'department', audit1: 'auditor', admin: 'admin' };

const ALL: Role[] = ['general_affairs', 'operator', 'department', 'auditor', 'admin'];
const GA: Role = 'general_affairs';
const OP: Role = 'operator';
const DEPT: Role = 'department';
const AUD: Role = 'auditor';
const ADM: Role = 'admin';

interface Fixtures {
  caseNumber: string;
  assetId: string;
  missingId: string;
}

interface Probe {
  /** Who may call the route: the test's own statement of the policy, compared with ROUTE_POLICY. */
  who: 'public' | 'alert_source' | Role[];
  path?: (f: Fixtures) => string;
  body?: unknown;
  /** What a caller who may use the route gets for this probe. */
  allowed: number | number[];
  /** Needs a token of its own (logout revokes it). */
  fresh?: boolean;
}

const PROBE_BODY = { __probe: 1 };

const PROBES: Record<string, Probe> = {
  'POST /api/auth/login': { who: 'public', body: PROBE_BODY, allowed: 400 },
  'POST /api/auth/logout': { who: ALL, allowed: 204, fresh: true },
  'GET /api/auth/me': { who: ALL, allowed: 200 },

  'GET /api/users': { who: [ADM, AUD], allowed: 200 },
  'POST /api/users': { who: [ADM], body: PROBE_BODY, allowed: 400 },
  'PATCH /api/users/:id': { who: [ADM], path: (f) => `/api/users/${f.missingId}`, body: PROBE_BODY, allowed: 400 },

  'GET /api/audit': { who: [AUD, ADM], allowed: 200 },
  'GET /api/audit/verify': { who: [AUD, ADM], allowed: 200 },

  'GET /api/cases': { who: ALL, allowed: 200 },
  'GET /api/cases/counts': { who: ALL, allowed: 200 },
  'GET /api/cases/trends': { who: ALL, allowed: 200 },
  'GET /api/cases/:id': { who: ALL, path: (f) => `/api/cases/${f.caseNumber}`, allowed: 200 },
  'POST /api/cases/:id/hold': { who: [OP, GA], path: (f) => `/api/cases/${f.caseNumber}/hold`, body: PROBE_BODY, allowed: 400 },
  'POST /api/cases/:id/resume': { who: [OP, GA], path: (f) => `/api/cases/${f.caseNumber}/resume`, body: PROBE_BODY, allowed: 400 },
  'POST /api/cases/:id/notes': { who: [OP, GA, DEPT], path: (f) => `/api/cases/${f.caseNumber}/notes`, body: PROBE_BODY, allowed: 400 },
  'POST /api/cases/:id/contacts': { who: [OP, GA], path: (f) => `/api/cases/${f.caseNumber}/contacts`, body: PROBE_BODY, allowed: 400 },
  'GET /api/cases/:id/history': { who: [AUD, ADM], path: (f) => `/api/cases/${f.caseNumber}/history?__probe=1`, allowed: 400 },
  'POST /api/cases/:id/replay': { who: [AUD, ADM], path: (f) => `/api/cases/${f.caseNumber}/replay?__probe=1`, allowed: 400 },
  'GET /api/cases/:id/consistency': { who: [AUD, ADM], path: (f) => `/api/cases/${f.caseNumber}/consistency?__probe=1`, allowed: 400 },

  'GET /api/cases/:id/credentials': { who: [DEPT], path: () => '/api/cases/REQ-2000-0001/credentials', allowed: 404 },
  'GET /api/backups': { who: ALL, path: () => '/api/backups?__probe=1', allowed: 400 },

  // Monthly report (issue 19)
  'POST /api/reports/monthly': { who: [GA, OP, ADM], body: PROBE_BODY, allowed: 400 },
  'GET /api/reports/monthly': { who: ALL, allowed: 200 },
  'GET /api/reports/schedule': { who: [OP, GA, AUD, ADM], allowed: 200 },
  'GET /api/reports/settings': { who: ALL, allowed: 200 },
  'PUT /api/reports/settings': { who: [GA], body: PROBE_BODY, allowed: 400 },
  'GET /api/reports/monthly/:id': { who: ALL, path: (f) => `/api/reports/monthly/${f.missingId}`, allowed: 404 },
  'GET /api/reports/monthly/:id/figures/:figureId': { who: ALL, path: (f) => `/api/reports/monthly/${f.missingId}/figures/work.done`, allowed: 404 },
  'GET /api/reports/monthly/:id/files/:kind': { who: ALL, path: (f) => `/api/reports/monthly/${f.missingId}/files/pdf`, allowed: 404 },
  'POST /api/reports/monthly/:id/comments': { who: [OP], path: (f) => `/api/reports/monthly/${f.missingId}/comments`, body: PROBE_BODY, allowed: 400 },
  'POST /api/reports/monthly/:id/decision': { who: [GA], path: (f) => `/api/reports/monthly/${f.missingId}/decision`, body: PROBE_BODY, allowed: 400 },
  'GET /api/backup-policies': { who: [OP, GA, AUD, ADM], allowed: 200 },
  'GET /api/platform': { who: [OP, GA, AUD, ADM], allowed: 200 },
  'GET /api/platform/capacity': { who: [OP, GA, AUD, ADM], allowed: 200 },

  'GET /api/tasks': { who: ALL, allowed: 200 },
  'POST /api/tasks/:id/complete': { who: [OP, GA, DEPT], path: () => '/api/tasks/INC-2000-0001-T1/complete', body: PROBE_BODY, allowed: 400 },
  'POST /api/tasks/:id/claim': { who: [OP, GA, DEPT], path: () => '/api/tasks/INC-2000-0001-T1/claim', body: PROBE_BODY, allowed: 400 },
  'POST /api/tasks/:id/release': { who: [OP, GA, DEPT], path: () => '/api/tasks/INC-2000-0001-T1/release', allowed: 404 },

  'POST /api/alerts': { who: 'alert_source', body: {}, allowed: 401 },
  'POST /api/incidents': { who: [OP, GA], body: PROBE_BODY, allowed: 400 },
  'GET /api/work-request-types': { who: ALL, allowed: 200 },
  'POST /api/work-requests': { who: [DEPT, GA], body: PROBE_BODY, allowed: 400 },

  'GET /api/calendar/deadline': { who: ALL, path: () => '/api/calendar/deadline?from=2026-12-25T10:00:00%2B09:00&businessDays=3', allowed: 200 },
  'GET /api/calendar/holidays': { who: ALL, path: () => '/api/calendar/holidays?year=2026', allowed: 200 },
  'GET /api/calendar/closing-days': { who: ALL, allowed: 200 },
  'POST /api/calendar/closing-days': { who: [ADM], body: PROBE_BODY, allowed: 400 },
  'DELETE /api/calendar/closing-days/:date': { who: [ADM], path: () => '/api/calendar/closing-days/2001-02-03', allowed: 404 },
  'GET /api/calendar/settings': { who: ALL, allowed: 200 },
  'PUT /api/calendar/settings': { who: [ADM], body: PROBE_BODY, allowed: 400 },

  'GET /api/alert-sources': { who: [ADM, AUD], allowed: 200 },
  'POST /api/alert-sources': { who: [ADM], body: PROBE_BODY, allowed: 400 },
  'DELETE /api/alert-sources/:id': { who: [ADM], path: (f) => `/api/alert-sources/${f.missingId}`, allowed: 404 },

  'GET /api/departments': { who: ALL, allowed: 200 },
  'POST /api/departments': { who: [ADM], body: PROBE_BODY, allowed: 400 },
  'PATCH /api/departments/:id': { who: [ADM], path: (f) => `/api/departments/${f.missingId}`, body: PROBE_BODY, allowed: 400 },
  'GET /api/assets': { who: ALL, allowed: 200 },
  'GET /api/assets/:id': { who: ALL, path: (f) => `/api/assets/${f.assetId}`, allowed: 200 },
  'POST /api/assets': { who: [ADM, OP], body: PROBE_BODY, allowed: 400 },
  'PATCH /api/assets/:id': { who: [ADM, OP], path: (f) => `/api/assets/${f.assetId}`, body: PROBE_BODY, allowed: 400 },

  'GET /api/monitoring/status': { who: ALL, allowed: 200 },
  'GET /api/monitoring/devices': { who: ALL, allowed: 200 },
  'GET /api/monitoring/devices/:id/series': { who: ALL, path: (f) => `/api/monitoring/devices/${f.missingId}/series`, allowed: 404 },
  'GET /api/monitoring/devices/:id/agents': { who: [ADM, OP], path: (f) => `/api/monitoring/devices/${f.missingId}/agents`, allowed: 404 },
  'PUT /api/monitoring/devices/:id/agents': { who: [ADM], path: (f) => `/api/monitoring/devices/${f.missingId}/agents`, body: PROBE_BODY, allowed: 400 },
  'GET /api/monitoring/thresholds': { who: [ADM, OP, GA, AUD], allowed: 200 },
  'GET /api/monitoring/thresholds/:id/versions': { who: [ADM, OP, GA, AUD], path: (f) => `/api/monitoring/thresholds/${f.missingId}/versions`, allowed: 404 },
  'POST /api/monitoring/thresholds': { who: [ADM], body: PROBE_BODY, allowed: 400 },
  'PATCH /api/monitoring/thresholds/:id': { who: [ADM], path: (f) => `/api/monitoring/thresholds/${f.missingId}`, body: PROBE_BODY, allowed: 400 },
  'DELETE /api/monitoring/thresholds/:id': { who: [ADM], path: (f) => `/api/monitoring/thresholds/${f.missingId}`, allowed: 404 },

  // The support desk (R-DESK-1, ROUTE_POLICY in src/identity/access-policy.ts).
  'POST /api/inquiries': { who: [OP, GA, DEPT], body: PROBE_BODY, allowed: 400 },
  'GET /api/inquiries': { who: ALL, allowed: 200 },
  'GET /api/inquiries/:id': { who: ALL, path: (f) => `/api/inquiries/${f.caseNumber}`, allowed: 200 },
  'POST /api/inquiries/:id/confirm': { who: [DEPT], path: (f) => `/api/inquiries/${f.caseNumber}/confirm`, body: PROBE_BODY, allowed: 400 },
  'POST /api/inquiries/:id/reply': { who: [OP], path: (f) => `/api/inquiries/${f.caseNumber}/reply`, body: PROBE_BODY, allowed: 400 },
  'POST /api/cases/:id/calls': { who: [OP, GA], path: (f) => `/api/cases/${f.caseNumber}/calls`, body: PROBE_BODY, allowed: 400 },
  'POST /api/cases/:id/calls/followup': { who: [OP, GA], path: (f) => `/api/cases/${f.caseNumber}/calls/followup`, body: PROBE_BODY, allowed: 400 },
  'GET /api/cases/:id/desk': { who: ALL, path: (f) => `/api/cases/${f.caseNumber}/desk`, allowed: 200 },
  'GET /api/cases/:id/similar': { who: ALL, path: (f) => `/api/cases/${f.caseNumber}/similar`, allowed: 200 },
  'GET /api/attachments/:id': { who: ALL, path: (f) => `/api/attachments/${f.missingId}`, allowed: 404 },
  'GET /api/desk/settings': { who: [OP, GA, AUD, ADM], allowed: 200 },
  'PUT /api/desk/settings': { who: [ADM], body: PROBE_BODY, allowed: 400 },
  'GET /api/desk/monitoring-rules': { who: [OP, GA, AUD, ADM], allowed: 200 },
  'POST /api/desk/monitoring-rules/test': { who: [ADM], body: PROBE_BODY, allowed: 400 },
  'POST /api/desk/monitoring-rules': { who: [ADM], body: PROBE_BODY, allowed: 400 },
  'DELETE /api/desk/monitoring-rules/:id': { who: [ADM], path: (f) => `/api/desk/monitoring-rules/${f.missingId}`, allowed: 404 },
  'GET /api/desk/mail-inbox': { who: [OP, GA, AUD, ADM], allowed: 200 },

  'GET /api/meta': { who: 'public', allowed: 200 },
  'GET /health': { who: 'public', allowed: [200, 503] },
  'GET /health/live': { who: 'public', allowed: 200 },
  'GET /health/ready': { who: 'public', allowed: [200, 503] },
  'GET /metrics': { who: 'public', allowed: 200 },
};

/** Every route the application serves, as `METHOD /path/:param`: Express's router plus the OpenAPI document. */
async function applicationRoutes(system: TestSystem): Promise<string[]> {
  const routes = new Set<string>();
  const instance = system.app.getHttpAdapter().getInstance() as { router?: { stack: unknown[] }; _router?: { stack: unknown[] } };
  const stack = (instance.router ?? instance._router)?.stack ?? [];
  for (const layer of stack as Array<{ route?: { path: unknown; methods: Record<string, boolean> } }>) {
    if (!layer.route || typeof layer.route.path !== 'string') continue;
    for (const [method, on] of Object.entries(layer.route.methods)) {
      if (on && method !== '_all') routes.add(`${method.toUpperCase()} ${layer.route.path}`);
    }
  }
  const openapi = await system.request('GET', '/api/docs-json');
  expect(openapi.status).toBe(200);
  for (const [path, operations] of Object.entries(openapi.body.paths as Record<string, Record<string, unknown>>)) {
    for (const method of Object.keys(operations)) routes.add(`${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`);
  }
  // The Swagger UI and its document are served by @nestjs/swagger itself, public by design; `/{*all}`
  // is Nest's catch-all that answers 404 for every method.
  return [...routes].filter((key) => !/^GET \/api\/docs(-json|-yaml)?(\/|$)/.test(key) && !key.endsWith(' /{*all}')).sort();
}

describe('access matrix: every route × every role, no token, an expired token and a revoked token', () => {
  let system: TestSystem;
  const tokens = new Map<Identity, string>();
  let fixtures: Fixtures;
  let routes: string[];

  beforeAll(async () => {
    system = await startTestSystem();
    for (const user of USERS) tokens.set(user, await system.login(user));
    const expired = await system.login('op2');
    const pg = new PgClient({ connectionString: system.config.databaseUrl });
    await pg.connect();
    try {
      await pg.query(`update auth_token set expires_at = now() - interval '1 minute' where token_hash = $1`, [hashToken(expired)]);
    } finally {
      await pg.end();
    }
    tokens.set('expired', expired);
    const revoked = await system.login('dept2');
    expect((await system.request('POST', '/api/auth/logout', { token: revoked })).status).toBe(204);
    tokens.set('revoked', revoked);

    const incident = await system.request('POST', '/api/incidents', {
      token: tokens.get('op1'), body: { hostname: 'vm-zeimu01', subject: '権限確認用の障害', summary: 'matrix', severity: 'minor' },
    });
    expect(incident.status).toBe(201);
    const assets = await system.request('GET', '/api/assets?limit=1', { token: tokens.get('admin') });
    fixtures = { caseNumber: incident.body.caseNumber, assetId: assets.body.items[0].id, missingId: '00000000-0000-4000-8000-000000000000' };
    routes = await applicationRoutes(system);
  });
  afterAll(async () => {
    await system?.close();
  });

  test('every route has an entry in the policy table (src/identity/access-policy.ts) and a probe here; no entry is stale', () => {
    expect(routes.length).toBeGreaterThan(30);
    expect(routes.filter((key) => !ROUTE_POLICY[key])).toEqual([]);
    expect(routes.filter((key) => !PROBES[key])).toEqual([]);
    expect(Object.keys(ROUTE_POLICY).filter((key) => !routes.includes(key))).toEqual([]);
  });

  test('the policy table says what this matrix says', () => {
    for (const key of routes) {
      const access = ROUTE_POLICY[key].access;
      const who = PROBES[key].who;
      expect({ key, access: isRoleList(access) ? [...access].sort() : access }).toEqual({ key, access: Array.isArray(who) ? [...who].sort() : who });
    }
    // The roles the issue confines, whatever the table says elsewhere:
    const writable = (role: Role) => routes.filter((key) => !key.startsWith('GET ') && isRoleList(ROUTE_POLICY[key].access) && (ROUTE_POLICY[key].access as Role[]).includes(role));
    expect(writable('auditor').filter((key) => !['POST /api/auth/logout', 'POST /api/cases/:id/replay'].includes(key))).toEqual([]);
    expect(writable('admin').filter((key) => key.startsWith('POST /api/tasks') || key.startsWith('POST /api/cases/'))).toEqual(['POST /api/cases/:id/replay']);
    expect(writable('department').every((key) => /auth\/logout|\/notes$|tasks\/:id\/(complete|claim|release)|work-requests$|inquiries$|inquiries\/:id\/confirm$/.test(key))).toBe(true);
  });

  test('each identity gets exactly the status its role allows on each route', async () => {
    const problems: string[] = [];
    let checked = 0;
    for (const key of routes) {
      const probe = PROBES[key];
      if (!probe) continue;
      const [method, pattern] = key.split(' ');
      const path = probe.path ? probe.path(fixtures) : pattern;
      for (const identity of IDENTITIES) {
        const expected = expectedStatus(probe, identity);
        let token = tokens.get(identity);
        if (probe.fresh && USERS.includes(identity as (typeof USERS)[number])) token = await system.login(identity);
        const response = await system.request(method, path, { token, body: probe.body });
        checked++;
        if (!expected.includes(response.status)) problems.push(`${key} as ${identity}: expected ${expected.join('/')}, got ${response.status} ${response.text.slice(0, 160)}`);
        if (response.status >= 400 && response.status !== 503) {
          // One error shape everywhere, never a stack trace or SQL.
          if (typeof response.body?.statusCode !== 'number' || typeof response.body?.message !== 'string') problems.push(`${key} as ${identity}: error body ${response.text.slice(0, 120)}`);
          if (/at \w+ \(|\bselect\b.*\bfrom\b|stack/i.test(response.text)) problems.push(`${key} as ${identity}: leaks internals: ${response.text.slice(0, 160)}`);
        }
      }
    }
    expect(problems).toEqual([]);
    expect(checked).toBe(routes.length * IDENTITIES.length);
    // Every route × every identity, one request at a time: the time grows with the routes.
  }, 240_000);

  test('an unknown route answers 404 in the common error shape, for everyone', async () => {
    for (const identity of IDENTITIES) {
      const response = await system.request('GET', '/api/no-such-route', { token: tokens.get(identity) });
      expect(response.status).toBe(404);
      expect(response.body).toMatchObject({ statusCode: 404, error: 'Not Found' });
    }
  });
});

function expectedStatus(probe: Probe, identity: Identity): number[] {
  const allowed = Array.isArray(probe.allowed) ? probe.allowed : [probe.allowed];
  if (probe.who === 'public') return allowed;
  if (probe.who === 'alert_source') return [401];
  if (identity === 'none' || identity === 'expired' || identity === 'revoked') return [401];
  return probe.who.includes(ROLE_OF[identity]) ? allowed : [403];
}
