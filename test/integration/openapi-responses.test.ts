/**
 * Issue 15: the OpenAPI document the UI's types are generated from tells the truth. The running
 * API serves the same document `npm run api:types` builds offline, and what it really answers on
 * the routes the UI reads has exactly the documented shape: every required field, no field the
 * document does not name, the documented types, enums and nullability.
 */
import type { OpenAPIObject } from '@nestjs/swagger';
import { openApiDocumentOffline } from '../../src/openapi/openapi-document';
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
  async function check(method: 'GET' | 'POST', url: string, route: string, token: string, body?: unknown): Promise<{ status: number; value: any; problems: string[] }> {
    const response = await system.request(method, url, { token, body });
    const documented = document.paths[route]?.[method.toLowerCase() as 'get' | 'post']?.responses?.[String(response.status)] as { content?: Record<string, { schema: Schema }> } | undefined;
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
    expect(problems).toEqual([]);
  });
});
