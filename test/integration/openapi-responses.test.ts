/**
 * Issue 15: the OpenAPI document the UI's types are generated from tells the truth. The running
 * API serves the same document `npm run api:types` builds offline, and what it really answers on
 * the routes the UI reads has exactly the documented shape: every required field, no field the
 * document does not name, the documented types, enums and nullability.
 */
import { EntityManager } from '@mikro-orm/postgresql';
import type { OpenAPIObject } from '@nestjs/swagger';
import { openApiDocumentOffline } from '../../src/openapi/openapi-document';
import { HYPERVISOR, type HypervisorPort } from '../../src/providers/hypervisor.port';
import { MONTH, seed } from '../reports/history';
import { startTestSystem, type TestSystem } from '../support/test-system';

type Schema = {
  $ref?: string; type?: string; nullable?: boolean; enum?: unknown[]; properties?: Record<string, Schema>; required?: string[];
  additionalProperties?: boolean | Schema; items?: Schema; allOf?: Schema[]; oneOf?: Schema[];
};

/** Where `value` departs from `schema`, as "path: problem" lines (empty when it conforms). */
function conformance(document: OpenAPIObject, schema: Schema, value: unknown, path: string): string[] {
  if (schema.$ref) {
    const name = schema.$ref.replace('#/components/schemas/', '');
    return conformance(document, document.components!.schemas![name], value, path);
  }
  if (value === null) return schema.nullable ? [] : [`${path}: null, but not nullable`];
  if (value === undefined) return [`${path}: missing`];
  if (schema.allOf) return schema.allOf.flatMap((s) => conformance(document, s, value, path));
  if (schema.oneOf) return schema.oneOf.some((s) => conformance(document, s, value, path).length === 0) ? [] : [`${path}: none of oneOf`];
  const problems: string[] = [];
  if (schema.enum && !schema.enum.includes(value)) problems.push(`${path}: ${JSON.stringify(value)} is not one of ${schema.enum.join(', ')}`);
  const type = schema.type ?? (schema.properties ? 'object' : undefined);
  const actual = Array.isArray(value) ? 'array' : typeof value;
  const expected = type === 'integer' ? 'number' : type;
  if (expected && expected !== actual) return [...problems, `${path}: ${actual}, documented ${type}`];
  if (Array.isArray(value) && schema.items) value.forEach((item, i) => problems.push(...conformance(document, schema.items!, item, `${path}[${i}]`)));
  if (actual === 'object' && !Array.isArray(value)) {
    const record = value as Record<string, unknown>;
    const properties = schema.properties ?? {};
    for (const name of schema.required ?? []) if (!(name in record)) problems.push(`${path}.${name}: missing`);
    for (const [name, v] of Object.entries(record)) {
      if (properties[name]) problems.push(...conformance(document, properties[name], v, `${path}.${name}`));
      else if (!schema.additionalProperties) problems.push(`${path}.${name}: not in the document`);
    }
  }
  return problems;
}

describe('the OpenAPI document against the running API', () => {
  let system: TestSystem;
  let document: OpenAPIObject;
  let tokens: Record<'admin' | 'op1' | 'auditor', string>;

  beforeAll(async () => {
    system = await startTestSystem();
    document = await openApiDocumentOffline();
    const [admin, op1, auditor] = await Promise.all(['admin', 'op1', 'audit1'].map((u) => system.login(u)));
    tokens = { admin, op1, auditor };
  });
  afterAll(async () => {
    await system.close();
  });

  /** GETs (or the given method) a route and returns where its answer departs from the document. */
  async function check(method: 'GET' | 'POST' | 'PATCH' | 'PUT', url: string, route: string, token: string, body?: unknown): Promise<{ status: number; value: any; problems: string[] }> {
    const response = await system.request(method, url, { token, body });
    const documented = document.paths[route]?.[method.toLowerCase() as 'get' | 'post' | 'patch' | 'put']?.responses?.[String(response.status)] as { content?: Record<string, { schema: Schema }> } | undefined;
    const schema = documented?.content?.['application/json']?.schema;
    if (!schema) return { status: response.status, value: response.body, problems: [`${method} ${route} answered ${response.status}, which the document does not describe: ${response.text.slice(0, 200)}`] };
    return { status: response.status, value: response.body, problems: conformance(document, schema, response.body, `${method} ${route}`) };
  }

  test('Issue 15: /api/docs-json serves the document that npm run api:types builds offline', async () => {
    const served = await system.request('GET', '/api/docs-json');
    expect(served.status).toBe(200);
    expect(served.body).toEqual(JSON.parse(JSON.stringify(document)));
  });

  test('Issue 15: the shape check itself finds an undocumented field, a missing one, a wrong type, a null and a value outside an enum', () => {
    const meta = { $ref: '#/components/schemas/MetaDto' };
    const good = { name: 'opsdesk', mode: 'embedded', mailSinkUrl: null, temporalUiUrl: 'http://127.0.0.1:8233' };
    expect(conformance(document, meta, good, 'meta')).toEqual([]);
    expect(conformance(document, meta, { ...good, extra: 1 }, 'meta')).toEqual(['meta.extra: not in the document']);
    expect(conformance(document, meta, { ...good, name: undefined }, 'meta')).toEqual(['meta.name: missing']);
    expect(conformance(document, meta, { ...good, name: 3 }, 'meta')).toEqual(['meta.name: number, documented string']);
    expect(conformance(document, meta, { ...good, name: null }, 'meta')).toEqual(['meta.name: null, but not nullable']);
    expect(conformance(document, meta, { ...good, mode: 'other' }, 'meta')).toEqual(['meta.mode: "other" is not one of embedded, standard']);
  });

  test('Issue 15: the answers of the routes the UI reads have exactly the documented shape', async () => {
    const { admin, op1, auditor } = tokens;
    const problems: string[] = [];
    const run = async (...args: Parameters<typeof check>) => {
      const result = await check(...args);
      problems.push(...result.problems);
      return result;
    };
    await run('GET', '/api/meta', '/api/meta', admin);
    await run('GET', '/api/auth/me', '/api/auth/me', admin);
    await run('POST', '/api/auth/login', '/api/auth/login', '', { username: 'ga1', password: system.config.demoPassword });
    await run('GET', '/api/departments', '/api/departments', admin);
    await run('GET', '/api/users', '/api/users', admin);
    const assets = await run('GET', '/api/assets?limit=5', '/api/assets', admin);
    await run('GET', `/api/assets/${assets.value.items[0].id as string}`, '/api/assets/{id}', admin);
    await run('POST', '/api/alert-sources', '/api/alert-sources', admin, { name: 'openapi-check' });
    await run('GET', '/api/alert-sources', '/api/alert-sources', admin);
    await run('GET', '/api/calendar/deadline?from=2026-12-25T10:00:00%2B09:00&businessDays=3', '/api/calendar/deadline', admin);
    await run('GET', '/api/calendar/holidays?year=2026', '/api/calendar/holidays', admin);
    await run('POST', '/api/calendar/closing-days', '/api/calendar/closing-days', admin, { date: '2026-08-14', nameJa: '庁舎設備点検', nameEn: 'Building inspection' });
    await run('GET', '/api/calendar/closing-days', '/api/calendar/closing-days', admin);
    await run('GET', '/api/calendar/settings', '/api/calendar/settings', admin);
    await run('GET', '/api/work-request-types', '/api/work-request-types', admin);

    const started = await run('POST', '/api/incidents', '/api/incidents', op1, { hostname: 'esx01', subject: 'OpenAPI check', summary: 'a case to read back', severity: 'minor' });
    expect(started.status).toBe(201);
    let caseId: string | null = started.value.caseId;
    for (let i = 0; i < 80 && !caseId; i++) {
      await new Promise((r) => setTimeout(r, 250));
      const list = await system.request('GET', '/api/cases?limit=1', { token: op1 });
      caseId = list.body.items[0]?.id ?? null;
    }
    expect(caseId).toBeTruthy();
    await run('GET', '/api/cases?limit=5', '/api/cases', op1);
    await run('GET', '/api/cases?limit=5&withActions=true', '/api/cases', op1);
    await run('GET', '/api/cases/counts', '/api/cases/counts', op1);
    await run('GET', '/api/cases/trends', '/api/cases/trends', op1);
    await run('GET', `/api/cases/${caseId!}`, '/api/cases/{id}', op1);
    await run('GET', '/api/tasks?state=open&mine=true', '/api/tasks', op1);
    await run('GET', `/api/cases/${caseId!}/history`, '/api/cases/{id}/history', auditor);
    await run('GET', `/api/cases/${caseId!}/consistency`, '/api/cases/{id}/consistency', auditor);
    await run('GET', '/api/audit?limit=20', '/api/audit', auditor);
    await run('GET', '/api/audit/verify', '/api/audit/verify', auditor);

    // Issue 16's monitoring page and R-RPT-3's capacity panel (monitoring is off in this system: that answer's shape).
    const devices = await run('GET', '/api/monitoring/devices', '/api/monitoring/devices', op1);
    expect(devices.status).toBe(200);
    expect(devices.value.devices.length).toBeGreaterThan(0);
    await run('GET', '/api/monitoring/status', '/api/monitoring/status', op1);
    const series = await run('GET', `/api/monitoring/devices/${devices.value.devices[0].id as string}/series?metric=rtt&range=7d`, '/api/monitoring/devices/{id}/series', op1);
    expect(series.status).toBe(200);
    const thresholds = await run('GET', '/api/monitoring/thresholds', '/api/monitoring/thresholds', admin);
    expect(thresholds.value.length).toBeGreaterThan(0);
    const threshold = thresholds.value[0];
    const patched = await run('PATCH', `/api/monitoring/thresholds/${threshold.id as string}`, '/api/monitoring/thresholds/{id}', admin, { value: threshold.value, forSeconds: threshold.forSeconds });
    expect(patched.status).toBe(200);
    await run('GET', `/api/monitoring/thresholds/${threshold.id as string}/versions`, '/api/monitoring/thresholds/{id}/versions', admin);
    await run('GET', `/api/monitoring/devices/${devices.value.devices[0].id as string}/agents`, '/api/monitoring/devices/{id}/agents', admin);
    // A host and a datastore sampled today (as the worker's platform watch writes them), so the clusters and days are there to check.
    const adapter = system.app.get<HypervisorPort>(HYPERVISOR).description.adapter;
    const today = new Date(Date.now() + 9 * 3_600_000).toISOString().slice(0, 10);
    await system.app.get(EntityManager).getConnection().execute(
      `insert into platform_capacity_daily (day, adapter, cluster, kind, name, cpu_total, cpu_used, memory_gib_total, memory_gib_used, disk_gib_total, disk_gib_used,
                                            vm_count, peak_cpu_used, peak_memory_gib_used, peak_disk_gib_used, samples, sampled_at)
       values (?, ?, 'openapi-cluster', 'host', 'openapi-host', 40, 12, 256, 100.5, 500, 120.25, 3, 20, 130.5, 121, 2, now()),
              (?, ?, 'openapi-cluster', 'datastore', 'openapi-ds', null, null, null, null, 2000, 800.5, null, null, null, 801, 2, now())
       on conflict do nothing`,
      [today, adapter, today, adapter],
    );
    const capacity = await run('GET', `/api/platform/capacity?from=${today}&to=${today}`, '/api/platform/capacity', op1);
    expect(capacity.value.clusters).toContainEqual(expect.objectContaining({ cluster: 'openapi-cluster', hosts: 1 }));
    expect(capacity.value.days.map((d: { kind: string }) => d.kind)).toEqual(expect.arrayContaining(['host', 'datastore']));
    expect(problems).toEqual([]);
  });

  test('Issue 15: the monthly report page\'s answers (list, report with its figures, trace, settings, comments, decision) have exactly the documented shape', async () => {
    const { op1 } = tokens;
    const ga = await system.login('ga1');
    const problems: string[] = [];
    const run = async (...args: Parameters<typeof check>) => {
      const result = await check(...args);
      problems.push(...result.problems);
      return result;
    };
    // A month of history (October 2026), so every section has figures, tables and charts to check.
    await seed(system.config.databaseUrl);
    const started = await run('POST', '/api/reports/monthly', '/api/reports/monthly', ga, { month: MONTH });
    expect(started.status).toBe(201);
    const reportId: string = started.value.reportId;
    // At once (figures not computed yet: null), then once the report waits for comments.
    await run('GET', '/api/reports/monthly', '/api/reports/monthly', ga);
    await run('GET', `/api/reports/monthly/${reportId}`, '/api/reports/monthly/{id}', ga);
    const deadline = Date.now() + 90_000;
    while (Date.now() < deadline) {
      // The worker renders in this process (CPU-bound for a moment): a kept-alive socket may be reset meanwhile, so ask again.
      const r = await system.request('GET', `/api/reports/monthly/${reportId}`, { token: ga }).catch(() => null);
      if (r?.status === 200 && r.body.openTask?.type === 'report_comments') break;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
    const report = (await run('GET', `/api/reports/monthly/${reportId}`, '/api/reports/monthly/{id}', ga)).value;
    expect(report.openTask).toEqual({ type: 'report_comments', role: 'operator' });
    expect(report.figures.sections).toHaveLength(5);
    expect(report.figures.charts).toHaveLength(4);
    expect(report.files.length).toBeGreaterThan(0);
    const list = await run('GET', '/api/reports/monthly', '/api/reports/monthly', op1);
    expect(list.value.map((r: { id: string }) => r.id)).toContain(reportId);
    const figure = report.figures.sections.flatMap((s: { figures: { id: string; source: { keys: string[] } }[] }) => s.figures).find((f: { source: { keys: string[] } }) => f.source.keys.length > 0);
    const traced = await run('GET', `/api/reports/monthly/${reportId}/figures/${encodeURIComponent(figure.id as string)}`, '/api/reports/monthly/{id}/figures/{figureId}', op1);
    expect(traced.value.rows.length).toBeGreaterThan(0);
    await run('GET', '/api/reports/settings', '/api/reports/settings', op1);
    const settings = await run('PUT', '/api/reports/settings', '/api/reports/settings', ga, { departmentsSeeOthers: false });
    expect(settings.value).toEqual(expect.objectContaining({ departmentsSeeOthers: false, updatedBy: 'ga1' }));
    await run('GET', '/api/reports/settings', '/api/reports/settings', op1);
    await run('GET', '/api/reports/schedule', '/api/reports/schedule', ga);
    const commented = await run('POST', `/api/reports/monthly/${reportId}/comments`, '/api/reports/monthly/{id}/comments', op1, { comments: { vms: '所見', platform: '所見', capacity: '所見', work: '所見', open_issues: '所見' } });
    expect(commented.status).toBe(201);
    // Sent back (not approved): the report waits for comments again, so nothing is left running when the system stops.
    const decided = await run('POST', `/api/reports/monthly/${reportId}/decision`, '/api/reports/monthly/{id}/decision', ga, { outcome: 'send_back', reason: 'OpenAPI check' });
    expect(decided.status).toBe(201);
    expect(decided.value.sendBacks).toHaveLength(1);
    await run('GET', `/api/reports/monthly/${reportId}`, '/api/reports/monthly/{id}', ga);
    expect(problems).toEqual([]);
  }, 150_000);
});
