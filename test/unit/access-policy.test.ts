import { Controller, Get, Post } from '@nestjs/common';
import { auditSnapshot, canonicalJson, entryHash, GENESIS_HASH, isoFromMicros, type ChainFields } from '../../src/audit/audit-chain';
import { csvCell, jstIso } from '../../src/audit/audit-csv';
import { resolveTarget } from '../../src/audit/request-context';
import { findHostileText } from '../../src/common/validation';
import { CASE_VISIBILITY, checkRoleCombination, checkRouteParams, matchRoute, ROUTE_POLICY } from '../../src/identity/access-policy';
import { unpoliciedRoutes } from '../../src/identity/auth.guard';
import { TokenBuckets } from '../../src/identity/login-rate-limit';
import { ROLES } from '../../src/identity/roles';
import { checkCaseAction, checkTaskActor, SEPARATION_OF_DUTIES, TASK_POLICY } from '../../workflows/shared/policy';
import { TASK_TYPES } from '../../workflows/shared/task-types';

const actor = (username: string, roles: string[], departmentId: string | null = null) => ({ userId: `id-${username}`, username, roles, departmentId });

describe('task policy (workflows/shared/policy.ts)', () => {
  test('every task type has a policy, and its assignee role may complete it; no other', () => {
    expect(Object.keys(TASK_POLICY).sort()).toEqual(Object.keys(TASK_TYPES).sort());
    for (const [type, definition] of Object.entries(TASK_TYPES)) expect(TASK_POLICY[type].roles).toEqual([definition.role]);
    for (const rule of SEPARATION_OF_DUTIES) for (const type of [rule.task, ...rule.excludes]) expect(TASK_TYPES[type]).toBeDefined();
  });

  test('role, department, and nobody approves who never may (admin, auditor)', () => {
    expect(checkTaskActor({ type: 'approve_completion' }, actor('ga1', ['general_affairs']), [])).toBeNull();
    expect(checkTaskActor({ type: 'approve_completion' }, actor('admin', ['admin']), [])?.rule).toBe('role');
    expect(checkTaskActor({ type: 'approve_completion' }, actor('audit1', ['auditor']), [])?.rule).toBe('role');
    expect(checkTaskActor({ type: 'acknowledge' }, actor('ga1', ['general_affairs']), [])?.message).toContain('運用保守事業者');
    expect(checkTaskActor({ type: 'department_verification', departmentId: 'tax' }, actor('dept2', ['department'], 'citizen'), [])?.rule).toBe('department');
    expect(checkTaskActor({ type: 'department_verification', departmentId: 'tax' }, actor('dept1', ['department'], 'tax'), [])).toBeNull();
    expect(checkTaskActor({ type: 'no_such_task' }, actor('ga1', ['general_affairs']), [])?.rule).toBe('unknown_task');
  });

  test('separation of duties: whoever executed or verified the work does not approve it, matched by user id or name', () => {
    const opga = actor('opga', ['operator', 'general_affairs']);
    for (const type of ['execute_work', 'verify_work', 'verify_platform', 'triage', 'vendor_repair']) {
      const refusal = checkTaskActor({ type: 'approve_completion' }, opga, [{ type, actor: { userId: 'id-opga', username: 'opga' } }]);
      expect(refusal).toMatchObject({ rule: 'separation_of_duties' });
      expect(refusal!.message).toContain(`(${type})`);
    }
    expect(checkTaskActor({ type: 'approve_completion' }, opga, [{ type: 'execute_work', actor: { username: 'opga' } }])?.rule).toBe('separation_of_duties');
    // Someone else's work, or other steps of one's own, do not conflict.
    expect(checkTaskActor({ type: 'approve_completion' }, opga, [{ type: 'execute_work', actor: { userId: 'id-op1', username: 'op1' } }])).toBeNull();
    expect(checkTaskActor({ type: 'approve_completion' }, opga, [{ type: 'acknowledge', actor: { userId: 'id-opga', username: 'opga' } }])).toBeNull();
    expect(checkTaskActor({ type: 'confirm_plan' }, opga, [{ type: 'plan_work', actor: { userId: 'id-opga', username: 'opga' } }])?.rule).toBe('separation_of_duties');
  });

  test('hold and resume: operators and general affairs only', () => {
    expect(checkCaseAction('hold', actor('op1', ['operator']))).toBeNull();
    expect(checkCaseAction('resume', actor('ga1', ['general_affairs']))).toBeNull();
    for (const roles of [['department'], ['auditor'], ['admin'], []]) expect(checkCaseAction('hold', actor('x', roles))?.rule).toBe('role');
    expect(checkCaseAction('hold', null)?.rule).toBe('role');
  });
});

describe('route policy (src/identity/access-policy.ts)', () => {
  test('every role has a case visibility; only department users are confined', () => {
    expect(Object.keys(CASE_VISIBILITY).sort()).toEqual([...ROLES].sort());
    expect(Object.entries(CASE_VISIBILITY).filter(([, v]) => v !== 'all').map(([r]) => r)).toEqual(['department']);
  });

  test('role combinations that would undo the separation are refused', () => {
    expect(checkRoleCombination(['operator', 'general_affairs'])).toBeNull();
    expect(checkRoleCombination(['admin'])).toBeNull();
    expect(checkRoleCombination(['auditor'])).toBeNull();
    expect(checkRoleCombination(['auditor', 'admin'])).toContain('auditor');
    expect(checkRoleCombination(['admin', 'general_affairs'])).toContain('admin');
    expect(checkRoleCombination(['admin', 'department'])).toContain('admin');
  });

  test('route parameters: ids, case numbers, task ids, real dates', () => {
    const hold = ROUTE_POLICY['POST /api/cases/:id/hold'];
    for (const ok of ['INC-2026-0001', 'req-2027-0123', '0b7c7d2e-1a2b-4c3d-8e9f-001122334455']) expect(checkRouteParams(hold, { id: ok })).toBeNull();
    for (const bad of ['INC-2026', "INC-2026-0001' OR 1=1", '../etc', '', 'x'.repeat(101)]) expect(checkRouteParams(hold, { id: bad })).toMatchObject({ field: 'id' });
    const complete = ROUTE_POLICY['POST /api/tasks/:id/complete'];
    expect(checkRouteParams(complete, { id: 'REQ-2026-0001-T12' })).toBeNull();
    expect(checkRouteParams(complete, { id: 'REQ-2026-0001' })).toMatchObject({ field: 'id' });
    const closing = ROUTE_POLICY['DELETE /api/calendar/closing-days/:date'];
    expect(checkRouteParams(closing, { date: '2028-02-29' })).toBeNull();
    for (const bad of ['2027-02-29', '2026-04-31', '2026-1-01']) expect(checkRouteParams(closing, { date: bad })).toMatchObject({ field: 'date' });
  });

  test('a concrete path finds its route entry and parameters', () => {
    expect(matchRoute('post', '/api/cases/INC-2026-0001/notes')).toMatchObject({ key: 'POST /api/cases/:id/notes', params: { id: 'INC-2026-0001' } });
    expect(matchRoute('GET', '/api/audit/verify')?.key).toBe('GET /api/audit/verify');
    expect(matchRoute('DELETE', '/api/cases/x')).toBeNull();
  });
});

describe('hostile text (src/common/validation.ts)', () => {
  test('control, bidi, BOM, noncharacters and unpaired surrogates are found with their path; real text passes', () => {
    expect(findHostileText({ a: { b: ['ok', 'x\u0000'] } })).toMatchObject({ field: 'a.b[1]' });
    expect(findHostileText({ s: 'abc\u202Edef' })?.message).toContain('U+202E');
    expect(findHostileText({ s: '\uD83D' })).toMatchObject({ field: 's' });
    expect(findHostileText({ s: 'x\uDE00' })).toMatchObject({ field: 's' });
    expect(findHostileText({ ['k\u0007']: 1 })).not.toBeNull();
    expect(findHostileText({ __proto__: 1, ok: 1 })).toBeNull(); // a literal sets the prototype, not a key
    expect(findHostileText(JSON.parse('{"__proto__": {"x": 1}}'))).toMatchObject({ field: '__proto__' });
    expect(findHostileText({ s: '髙橋 👨‍👩‍👧 🇯🇵 ①\t改行\r\nあり' })).toBeNull();
    let deep: unknown = 'x';
    for (let i = 0; i < 40; i++) deep = { d: deep };
    expect(findHostileText(deep)?.message).toContain('nested too deeply');
  });
});

describe('audit chain (src/audit/audit-chain.ts)', () => {
  const fields: ChainFields = {
    seq: 1, id: '0b7c7d2e-1a2b-4c3d-8e9f-001122334455', at: '2026-11-26T01:02:03.456Z', actorId: null, actorUsername: 'ga1', actorName: '総務 花子', actorRoles: 'general_affairs',
    action: 'task.complete', target: 'task:INC-2026-0001-T1', requestId: 'r1', sourceAddress: '127.0.0.1', outcome: 'ok', status: 200, change: '{"a":1}', prevHash: GENESIS_HASH,
  };

  test('the hash covers every field and the previous hash', () => {
    const hash = entryHash(fields);
    expect(hash).toMatch(/^[0-9a-f]{64}$/);
    expect(entryHash({ ...fields })).toBe(hash);
    for (const [key, value] of Object.entries({ seq: 2, actorUsername: 'op1', action: 'x', change: '{"a":2}', prevHash: 'f'.repeat(64), status: 403, at: '2026-11-26T01:02:03.457Z' })) {
      expect(entryHash({ ...fields, [key]: value })).not.toBe(hash);
    }
  });

  test('canonical JSON sorts keys at every level; snapshots redact secrets and cut long text', () => {
    expect(canonicalJson({ b: 1, a: { d: [{ z: 1, y: 2 }], c: null } })).toBe('{"a":{"c":null,"d":[{"y":2,"z":1}]},"b":1}');
    const snapshot = auditSnapshot({ username: 'ga1', password: 'secret-1', newPassword: 'x', token: 't', passwordChanged: true, text: 'x'.repeat(1500), list: Array(60).fill(1) }) as any;
    expect(snapshot).toMatchObject({ username: 'ga1', password: '[redacted]', newPassword: '[redacted]', token: '[redacted]', passwordChanged: true });
    expect(snapshot.text).toMatch(/…\(1500 chars\)$/);
    expect(snapshot.list).toHaveLength(51);
  });

  test('times read back with microseconds match only when they are whole milliseconds', () => {
    expect(isoFromMicros('2026-11-26T01:02:03.456000Z')).toBe('2026-11-26T01:02:03.456Z');
    expect(isoFromMicros('2026-11-26T01:02:03.456001Z')).toBe('2026-11-26T01:02:03.456001Z');
  });

  test('targets are taken from the route parameters, the request and the answer', () => {
    expect(resolveTarget('case:{id}', { id: 'INC-2026-0001' }, {}, null)).toBe('case:INC-2026-0001');
    expect(resolveTarget('user:{body.username}', {}, { username: 'ga1' }, null)).toBe('user:ga1');
    expect(resolveTarget('asset:{res.id}', {}, {}, { id: 'a1' })).toBe('asset:a1');
    expect(resolveTarget('asset:{res.id}', {}, {}, null)).toBeUndefined();
  });

  test('CSV cells: quoted when needed, formulas neutralized, times in JST', () => {
    expect(csvCell('a,b')).toBe('"a,b"');
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('=HYPERLINK("x")')).toBe('"\'=HYPERLINK(""x"")"');
    expect(csvCell('+1')).toBe("'+1");
    expect(csvCell('@SUM')).toBe("'@SUM");
    expect(csvCell(403)).toBe('403');
    expect(jstIso('2026-11-26T01:02:03.456Z')).toBe('2026-11-26T10:02:03.456+09:00');
  });
});

describe('login rate limit (src/identity/login-rate-limit.ts)', () => {
  test('a bucket of `burst`, refilled per minute, with the wait until the next attempt', () => {
    let now = 0;
    const buckets = new TokenBuckets(3, 6, () => now);
    expect([1, 2, 3].map(() => buckets.take('a').allowed)).toEqual([true, true, true]);
    expect(buckets.take('a')).toEqual({ allowed: false, retryAfterSeconds: 10 });
    expect(buckets.take('b').allowed).toBe(true);
    now += 10_000;
    expect(buckets.take('a').allowed).toBe(true);
    expect(buckets.take('a').allowed).toBe(false);
    expect(new TokenBuckets(0, 0).take('x').allowed).toBe(true);
  });
});

describe('the route policy is the only place that says who may call a route', () => {
  test('a route without an entry in ROUTE_POLICY is named (the application refuses to start with it)', () => {
    @Controller('api/unlisted')
    class UnlistedController {
      @Get()
      list() {
        return [];
      }

      @Post(':id/poke')
      poke() {
        return null;
      }
    }
    @Controller('api/auth')
    class ListedController {
      @Get('me')
      me() {
        return null;
      }
    }
    expect(unpoliciedRoutes([UnlistedController, ListedController])).toEqual(['GET /api/unlisted', 'POST /api/unlisted/:id/poke']);
  });
});
