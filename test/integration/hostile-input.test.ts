import { Client as PgClient } from 'pg';
import { Client } from '@temporalio/client';
import { ROUTE_POLICY } from '../../src/identity/access-policy';
import { eventually } from '../support/eventually';
import { FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * Hostile input on every write route: malformed JSON, wrong types, huge strings, control characters
 * and Unicode edge cases get a 400 in the common error shape — never a 500, a stack trace or SQL —
 * and change nothing (the database's tables and the workflows are the same afterwards).
 */

interface WriteCase {
  as: string | { alertToken: true };
  path: (f: Fixtures) => string;
  /** A valid body, which the test only ever sends altered. Absent: the route takes no body. */
  body?: Record<string, unknown>;
}

interface Fixtures {
  caseNumber: string;
  taskId: string;
  userId: string;
  departmentId: string;
  assetId: string;
  alertSourceId: string;
  thresholdId: string;
}

const LATER = '2027-03-01T10:00:00+09:00';
const NO_REPORT = '00000000-0000-4000-8000-00000000a11d';

const WRITES: Record<string, WriteCase> = {
  'POST /api/auth/login': { as: 'none', path: () => '/api/auth/login', body: { username: 'ga1', password: 'opsdesk-demo' } },
  'POST /api/auth/logout': { as: 'op2', path: () => '/api/auth/logout' },
  'POST /api/users': { as: 'admin', path: () => '/api/users', body: { username: 'new-user', displayName: '新しい 利用者', email: 'new@example.lg.jp', roles: ['operator'], password: 'initial-password-1' } },
  'PATCH /api/users/:id': { as: 'admin', path: (f) => `/api/users/${f.userId}`, body: { displayName: '運用 二郎', email: 'op2@example.jp', roles: ['operator'], disabled: false, password: 'another-password-1', unlock: true } },
  'POST /api/cases/:id/hold': { as: 'op1', path: (f) => `/api/cases/${f.caseNumber}/hold`, body: { reason: '確認中', waitingFor: 'vendor' } },
  'POST /api/cases/:id/resume': { as: 'op1', path: (f) => `/api/cases/${f.caseNumber}/resume`, body: { reason: '再開します' } },
  'POST /api/cases/:id/notes': { as: 'op1', path: (f) => `/api/cases/${f.caseNumber}/notes`, body: { text: 'メモ', vendorProgress: false } },
  'POST /api/cases/:id/contacts': {
    as: 'op1', path: (f) => `/api/cases/${f.caseNumber}/contacts`,
    body: { channel: 'phone', counterpartKind: 'vendor', counterpart: '保守窓口 山田様', summary: '10時に到着予定', at: LATER, sendReport: false },
  },
  'POST /api/cases/:id/replay': { as: 'audit1', path: (f) => `/api/cases/${f.caseNumber}/replay` },
  'POST /api/tasks/:id/complete': { as: 'op1', path: (f) => `/api/tasks/${f.taskId}/complete`, body: { outcome: 'on_site', note: '到着しました', data: { detail: '詳細' } } },
  'POST /api/tasks/:id/claim': { as: 'op1', path: (f) => `/api/tasks/${f.taskId}/claim`, body: { takeOver: true } },
  'POST /api/tasks/:id/release': { as: 'op1', path: (f) => `/api/tasks/${f.taskId}/release` },
  'POST /api/alerts': { as: { alertToken: true }, path: () => '/api/alerts', body: { source: 'zabbix', hostname: 'vm-zeimu01', alertName: 'HostDown', severity: 'major', summary: '応答なし', detectedAt: LATER } },
  'POST /api/incidents': { as: 'op1', path: () => '/api/incidents', body: { hostname: 'vm-zeimu01', subject: '画面が表示されない', summary: '税務課より電話', severity: 'minor', detectedAt: LATER } },
  'POST /api/work-requests': { as: 'dept1', path: () => '/api/work-requests', body: { type: 'other', subject: '設定変更', params: { description: '説明' }, desiredDate: LATER, note: '備考' } },
  'POST /api/calendar/closing-days': { as: 'admin', path: () => '/api/calendar/closing-days', body: { date: '2027-08-16', nameJa: '点検', nameEn: 'Inspection' } },
  'DELETE /api/calendar/closing-days/:date': { as: 'admin', path: () => '/api/calendar/closing-days/2027-08-16' },
  'PUT /api/calendar/settings': { as: 'admin', path: () => '/api/calendar/settings', body: { openMinutes: 510, closeMinutes: 1035, closingPeriodFrom: '12-29', closingPeriodTo: '01-03' } },
  'POST /api/alert-sources': { as: 'admin', path: () => '/api/alert-sources', body: { name: 'new-monitoring' } },
  'DELETE /api/alert-sources/:id': { as: 'admin', path: (f) => `/api/alert-sources/${f.alertSourceId}` },
  'POST /api/departments': { as: 'admin', path: () => '/api/departments', body: { code: 'welfare', nameJa: '福祉課', nameEn: 'Welfare Division', email: 'fukushi@example.lg.jp' } },
  'PATCH /api/departments/:id': { as: 'admin', path: (f) => `/api/departments/${f.departmentId}`, body: { nameJa: '税務課', nameEn: 'Taxation Division' } },
  'POST /api/assets': {
    as: 'admin', path: () => '/api/assets',
    body: { hostname: 'new-host01', kind: 'vm', subPlatform: 'virtualization', address: '10.0.0.9', businessSystems: ['税務システム'], protected: false, notes: '備考', vendorDesk: { name: '保守窓口', email: 'desk@vendor.example.jp' } },
  },
  'PATCH /api/assets/:id': { as: 'admin', path: (f) => `/api/assets/${f.assetId}`, body: { notes: 'メモ', businessSystems: ['税務システム'], protected: false, retired: false } },
  'PUT /api/monitoring/devices/:id/agents': { as: 'admin', path: (f) => `/api/monitoring/devices/${f.assetId}/agents`, body: { nodeExporterPort: 9100, mtailPort: 3903, snmpPort: 161, snmpCommunity: 'public-ro' } },
  'POST /api/monitoring/thresholds': { as: 'admin', path: () => '/api/monitoring/thresholds', body: { kind: 'service_down', assetKind: 'vm', value: 1, forSeconds: 60, severity: 'major', service: 'nginx.service', enabled: true } },
  'PATCH /api/monitoring/thresholds/:id': { as: 'admin', path: (f) => `/api/monitoring/thresholds/${f.thresholdId}`, body: { value: 95, forSeconds: 120, severity: 'major', enabled: true } },
  'DELETE /api/monitoring/thresholds/:id': { as: 'admin', path: (f) => `/api/monitoring/thresholds/${f.thresholdId}` },
  // The monthly report (R-RPT-1..5): the body is refused before any report is looked up.
  'POST /api/reports/monthly': { as: 'ga1', path: () => '/api/reports/monthly', body: { month: '2026-10' } },
  'PUT /api/reports/settings': { as: 'ga1', path: () => '/api/reports/settings', body: { departmentsSeeOthers: false } },
  'POST /api/reports/monthly/:id/comments': {
    as: 'op1', path: () => `/api/reports/monthly/${NO_REPORT}/comments`,
    body: { comments: { vms: '停止なし', platform: '障害1件', capacity: '増設を提案', work: '期限内', open_issues: 'なし' } },
  },
  'POST /api/reports/monthly/:id/decision': { as: 'ga1', path: () => `/api/reports/monthly/${NO_REPORT}/decision`, body: { outcome: 'send_back', reason: '容量の所見に時期を' } },
  // The support desk (R-DESK-1, ROUTE_POLICY in src/identity/access-policy.ts).
  'POST /api/inquiries': {
    as: 'op1', path: () => '/api/inquiries',
    body: {
      subject: '画面が遅い', text: '一覧の表示が遅い', category: 'question', channel: 'phone', affected: 'vm-zeimu01', askerName: '保守ベンダー 佐藤', askerEmail: 'sato@vendor.example.jp',
      askerOrganisation: '保守ベンダー', receivedAt: LATER, attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64: 'YQ==' }],
    },
  },
  'POST /api/inquiries/:id/confirm': { as: 'dept1', path: (f) => `/api/inquiries/${f.caseNumber}/confirm`, body: { outcome: 'reopened', note: 'まだ遅い' } },
  'POST /api/inquiries/:id/reply': { as: 'op1', path: (f) => `/api/inquiries/${f.caseNumber}/reply`, body: { text: '確認中です' } },
  'POST /api/cases/:id/calls': { as: 'op1', path: (f) => `/api/cases/${f.caseNumber}/calls`, body: { counterpart: '税務課 田中様', summary: '再起動を依頼', at: LATER } },
  'POST /api/cases/:id/calls/followup': { as: 'op1', path: (f) => `/api/cases/${f.caseNumber}/calls/followup`, body: { callId: '00000000-0000-4000-8000-000000000000', to: 'tanaka@example.lg.jp', summary: '再起動を依頼' } },
  'PUT /api/desk/settings': { as: 'admin', path: () => '/api/desk/settings', body: { ackBusinessMinutes: 30, maxAttachmentBytes: 10485760 } },
  'POST /api/desk/monitoring-rules/test': {
    as: 'admin', path: () => '/api/desk/monitoring-rules/test',
    body: { name: 'Zabbix', sender: 'zabbix@mon.example.lg.jp', subjectPattern: '^(?<host>\\S+):', resolvedPattern: '^OK', alertName: 'mail', severity: 'major', enabled: true, samples: [{ from: 'zabbix@mon.example.lg.jp', subject: 'vm01: down', shouldMatch: true }] },
  },
  'POST /api/desk/monitoring-rules': {
    as: 'admin', path: () => '/api/desk/monitoring-rules',
    body: { name: 'Zabbix', sender: 'zabbix@mon.example.lg.jp', subjectPattern: '^(?<host>\\S+):', resolvedPattern: '^OK', alertName: 'mail', severity: 'major', enabled: true, samples: [{ from: 'zabbix@mon.example.lg.jp', subject: 'vm01: down', shouldMatch: true }] },
  },
  'DELETE /api/desk/monitoring-rules/:id': { as: 'admin', path: (f) => `/api/desk/monitoring-rules/${f.departmentId}` },
};

/** Characters no legitimate text contains. */
const HOSTILE_TEXT: Record<string, string> = {
  nul: 'a\u0000b',
  bell: 'a\u0007b',
  escape: '\u001b[2Jcleared',
  del: 'a\u007fb',
  c1: 'a\u0085b',
  'bidi override': 'invoice\u202Egpj.exe',
  'bidi isolate': 'a\u2066b\u2069',
  bom: '\uFEFFtext',
  'lone high surrogate': 'a\uD800b',
  'lone low surrogate': 'a\uDC00b',
  noncharacter: 'a\uFFFFb',
};

/** Free-form objects whose contents the workflow or the parser checks (422), not the DTO (a report's comments: one text per section). */
const FREE_FORM = /^(data|params|comments)\./;

type Leaf = { path: Array<string | number>; value: unknown };

function leaves(value: unknown, path: Array<string | number> = []): Leaf[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => leaves(item, [...path, i]));
  if (value && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => leaves(v, [...path, k]));
  return [{ path, value }];
}

function withValue(body: Record<string, unknown>, path: Array<string | number>, value: unknown): Record<string, unknown> {
  const copy = structuredClone(body);
  let node: any = copy;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]] = value;
  return copy;
}

const label = (path: Array<string | number>) => path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`)).join('').slice(1);

describe('hostile input on every write route: 400, the common error shape, and nothing changed', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let pg: PgClient;
  let fixtures: Fixtures;
  const alertToken = 'opsdesk-demo-alerts';

  beforeAll(async () => {
    // Enough login attempts for the many hostile ones at the same user name.
    system = await startTestSystem({ env: { LOGIN_RATE_LIMIT_BURST: '10000' } });
    flow = new FlowDriver(system);
    pg = new PgClient({ connectionString: system.config.databaseUrl });
    await pg.connect();
    for (const user of ['ga1', 'op1', 'op2', 'dept1', 'audit1', 'admin']) await flow.token(user);
    const reported = await flow.as('op1', 'POST', '/api/incidents', { hostname: 'vm-zeimu01', subject: '入力検査用', summary: 'hostile', severity: 'minor' });
    const task = await flow.openTask(reported.body.caseNumber, 'acknowledge', 'op1');
    // The on-site task opens beside the first e-mail, not after it: the fingerprints below start
    // once that e-mail is sent and recorded too, or its rows would count as a change.
    await eventually('the incident\'s first e-mail recorded', async () => (await flow.caseDetail(reported.body.caseNumber)).timeline.some((e: any) => e.kind === 'email'));
    const users = await flow.as('admin', 'GET', '/api/users');
    const departments = await flow.as('admin', 'GET', '/api/departments');
    const assets = await flow.as('admin', 'GET', '/api/assets?limit=1');
    const sources = await flow.as('admin', 'GET', '/api/alert-sources');
    const thresholds = await flow.as('admin', 'GET', '/api/monitoring/thresholds');
    fixtures = {
      caseNumber: reported.body.caseNumber, taskId: task.id,
      userId: users.body.find((u: any) => u.username === 'op2').id, departmentId: departments.body.find((d: any) => d.code === 'tax').id,
      assetId: assets.body.items[0].id, alertSourceId: sources.body[0].id, thresholdId: thresholds.body[0].id,
    };
    // The alert source's "last used" time is written at most once a minute: write it now.
    await system.request('POST', '/api/alerts', { body: {}, headers: { authorization: `Bearer ${alertToken}` } });
  });
  afterAll(async () => {
    await pg?.end();
    await system?.close();
  });

  /** A fingerprint of every table this system writes (the audit log aside, which records the attempts). */
  async function state(): Promise<Record<string, string>> {
    const tables = ['app_user', 'auth_token', 'department', 'asset', 'asset_departments', 'alert_source', 'calendar_closing_day', 'calendar_settings', 'case_record', 'case_task', 'case_timeline', 'sent_mail', 'case_number_sequence', 'case_attachment', 'case_link', 'desk_setting', 'monitoring_mail_rule', 'mail_inbox',
      'monitoring_threshold', 'monitoring_threshold_version', 'monitoring_device', 'monthly_report', 'report_settings'];
    const out: Record<string, string> = {};
    // An alert source's "last used" time is bookkeeping of its token being checked, not a change the input made.
    const row: Record<string, string> = { alert_source: `(t.id, t.name, t.token_hash, t.created_at, t.created_by, t.revoked_at)::text` };
    for (const table of tables) {
      const expression = row[table] ?? 't::text';
      const { rows } = await pg.query(`select count(*)::text as n, coalesce(md5(string_agg(${expression}, '|' order by ${expression})), '') as h from "${table}" t`);
      out[table] = `${rows[0].n}:${rows[0].h}`;
    }
    let workflows = 0;
    for await (const _ of system.app.get(Client).workflow.list({ query: `TaskQueue = '${system.config.temporal.taskQueue}'` })) workflows++;
    out.workflows = String(workflows);
    return out;
  }

  async function send(c: WriteCase, method: string, path: string, body: { json?: unknown; raw?: string }) {
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (typeof c.as === 'object') headers.authorization = `Bearer ${alertToken}`;
    else if (c.as !== 'none') headers.authorization = `Bearer ${await flow.token(c.as)}`;
    const response = await fetch(`${system.baseUrl}${path}`, { method, headers, body: body.raw ?? (body.json === undefined ? undefined : JSON.stringify(body.json)) });
    const text = await response.text();
    let parsed: any;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: response.status, text, body: parsed };
  }

  test('every write route has a hostile-input case here', () => {
    const writes = Object.keys(ROUTE_POLICY).filter((key) => !key.startsWith('GET '));
    expect(writes.filter((key) => !WRITES[key])).toEqual([]);
  });

  test('malformed JSON, non-object JSON, wrong types, huge strings, control characters and Unicode edge cases: 400, and nothing changes', async () => {
    const before = await state();
    const problems: string[] = [];
    let sent = 0;
    const expect400 = async (key: string, what: string, body: { json?: unknown; raw?: string }, statuses = [400]) => {
      const c = WRITES[key];
      const [method] = key.split(' ');
      const response = await send(c, method, c.path(fixtures), body);
      sent++;
      if (!statuses.includes(response.status)) problems.push(`${key} ${what}: ${response.status} ${response.text.slice(0, 160)}`);
      else if (response.body?.statusCode !== response.status || typeof response.body?.message !== 'string' || typeof response.body?.error !== 'string') problems.push(`${key} ${what}: error body ${response.text.slice(0, 160)}`);
      else if (/\n\s+at |node_modules|\bselect\b|\binsert into\b|syntax error at/i.test(response.text)) problems.push(`${key} ${what}: leaks internals ${response.text.slice(0, 160)}`);
    };

    for (const key of Object.keys(WRITES)) {
      const c = WRITES[key];
      await expect400(key, 'malformed JSON', { raw: '{"text": "unterminated' });
      await expect400(key, 'a trailing comma', { raw: '{"a": 1,}' });
      await expect400(key, 'over 256 KB', { raw: JSON.stringify({ text: 'x'.repeat(300_000) }) }, [413]);
      if (!c.body) continue;
      await expect400(key, 'a JSON string', { raw: '"text"' });
      await expect400(key, 'a JSON number', { raw: '42' });
      await expect400(key, 'deep nesting', { raw: `${'{"a":'.repeat(100)}1${'}'.repeat(100)}` });
      if (key !== 'POST /api/alerts') {
        // (The alert intake takes a list of alerts, and ignores fields it does not know.)
        await expect400(key, 'a JSON array', { json: [c.body] });
        await expect400(key, 'a hostile field name', { json: { ...c.body, 'na\u0000me': 'x' } });
        await expect400(key, 'an unknown field', { json: { ...c.body, isAdmin: true } });
        await expect400(key, '__proto__', { raw: JSON.stringify(c.body).replace(/^\{/, '{"__proto__":{"isAdmin":true},') });
      }
      let firstText = true;
      for (const leaf of leaves(c.body)) {
        const name = label(leaf.path);
        const freeForm = FREE_FORM.test(name);
        if (!freeForm) {
          const wrong = typeof leaf.value === 'string' ? 12345 : typeof leaf.value === 'number' ? 'twelve' : typeof leaf.value === 'boolean' ? 'yes' : 'x';
          await expect400(key, `${name} of the wrong type`, { json: withValue(c.body, leaf.path, wrong) });
          if (typeof leaf.path[0] === 'string' && leaf.path.length === 1) {
            await expect400(key, `${name} as an object`, { json: withValue(c.body, leaf.path, { $gt: '' }) });
            await expect400(key, `${name} as a list`, { json: withValue(c.body, leaf.path, [leaf.value]) });
          }
        }
        if (typeof leaf.value !== 'string') continue;
        if (!freeForm && key !== 'POST /api/alerts') await expect400(key, `${name} huge`, { json: withValue(c.body, leaf.path, 'x'.repeat(100_000)) });
        if (key === 'POST /api/alerts') continue; // cleaned, not refused: see the next test
        // Every kind of character on the route's first text field, three kinds on the others.
        const kinds = Object.entries(HOSTILE_TEXT).filter(([what]) => firstText || ['nul', 'bidi override', 'lone high surrogate'].includes(what));
        firstText = false;
        for (const [what, text] of kinds) {
          await expect400(key, `${name} with ${what}`, { json: withValue(c.body, leaf.path, `${leaf.value}${text}`) });
        }
      }
    }
    expect(problems).toEqual([]);
    expect(sent).toBeGreaterThan(400);
    expect(await state()).toEqual(before);
  }, 300_000);

  test('route parameters that are not ids, case numbers or dates: 400 naming the parameter, never a database error', async () => {
    const token = await flow.token('admin');
    const auditor = await flow.token('audit1');
    const bad = ['not-a-uuid', '%00', '%E2%80%AE', "x'%20OR%20'1'%3D'1", '..%2F..%2Fetc%2Fpasswd', 'x'.repeat(300), '%F0%9F%98%80'];
    const probes: Array<[string, string, string, string]> = [];
    for (const value of bad) {
      probes.push(['GET', `/api/cases/${value}`, token, 'id'], ['GET', `/api/assets/${value}`, token, 'id'], ['PATCH', `/api/users/${value}`, token, 'id'],
        ['DELETE', `/api/alert-sources/${value}`, token, 'id'], ['POST', `/api/tasks/${value}/complete`, await flow.token('op1'), 'id'],
        ['GET', `/api/cases/${value}/history`, auditor, 'id']);
    }
    for (const date of ['2026-02-30', '2026-13-01', '26-01-01', '%00']) probes.push(['DELETE', `/api/calendar/closing-days/${date}`, token, 'date']);
    for (const [method, path, bearer, field] of probes) {
      const response = await system.request(method, path, { token: bearer, body: method === 'GET' || method === 'DELETE' ? undefined : { disabled: true } });
      expect({ path, status: response.status, field: response.body?.field }).toEqual({ path, status: 400, field });
    }
    // Queries are checked the same way.
    for (const query of ['q=%00', 'q=%E2%80%AE', 'limit=abc', 'limit=-1', 'unknown=1', `q=${'x'.repeat(300)}`, 'from=yesterday', 'breached=maybe', 'sort=subject', 'sort=number%3Bdrop', 'withActions=maybe']) {
      const response = await system.request('GET', `/api/cases?${query}`, { token });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
    }
    for (const [query, field] of [['weeks=abc', 'weeks'], ['weeks=0', 'weeks'], ['weeks=53', 'weeks'], ['months=-1', 'months'], ['months=1.5', 'months'], ['weeks=%00', 'weeks'], ['unknown=1', 'unknown']]) {
      const response = await system.request('GET', `/api/cases/trends?${query}`, { token });
      expect({ query, status: response.status, field: response.body?.field }).toEqual({ query, status: 400, field });
    }
    for (const query of ['includeRetired=maybe', 'includeRetired=%00', 'limit=abc']) {
      const response = await system.request('GET', `/api/assets?${query}`, { token });
      expect({ query, status: response.status }).toEqual({ query, status: 400 });
    }
  });

  test('Japanese, emoji and other legitimate Unicode are accepted as written', async () => {
    const text = '髙橋さん（ｶﾅ）👨‍👩‍👧 №①〜 \t改行\nあり é ñ 🇯🇵';
    const note = await flow.as('op1', 'POST', `/api/cases/${fixtures.caseNumber}/notes`, { text });
    expect(note.status).toBe(201);
    const detail = await flow.caseDetail(fixtures.caseNumber);
    expect(detail.timeline.some((e: any) => e.messageJa === text)).toBe(true);
  });

  test('the alert intake cleans control characters instead of refusing a monitoring system’s alert', async () => {
    const response = await system.request('POST', '/api/alerts', {
      headers: { authorization: `Bearer ${alertToken}` },
      body: { source: 'zabbix', hostname: 'esx01', alertName: 'Disk\u0000Failure\u202E', severity: 'minor', summary: '\u001b[31mRAID\u001b[0m degraded', detectedAt: new Date().toISOString() },
    });
    expect(response.status).toBe(202);
    const number = response.body.results[0].caseNumber;
    const detail = await flow.caseDetail(number);
    // eslint-disable-next-line no-control-regex
    expect(JSON.stringify(detail)).not.toMatch(/[\u0000-\u0008\u001b\u202e]/);
    const wrongType = await system.request('POST', '/api/alerts', { headers: { authorization: `Bearer ${alertToken}` }, body: { source: 'zabbix', hostname: 12345, alertName: 'x', severity: 'minor', summary: 'x', detectedAt: new Date().toISOString() } });
    expect(wrongType).toMatchObject({ status: 400, body: { field: 'hostname' } });
  });
});
