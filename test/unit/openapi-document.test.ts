/**
 * Issue 15: the web UI's API types are generated from the API's OpenAPI document
 * (`npm run api:types`), not written by hand. These tests fail when the committed
 * ui/src/lib/api-types.ts is stale, or when a route the UI reads answers without a schema.
 */
import 'reflect-metadata';
import { readFileSync } from 'node:fs';
import type { OpenAPIObject } from '@nestjs/swagger';
import { API_TYPES_FILE, generateApiTypes } from '../../src/openapi/api-types';
import { openApiDocumentOffline } from '../../src/openapi/openapi-document';

/** What the UI reads (ui/src: get/post/api calls), with the status it gets. */
const UI_READS: Array<[method: 'get' | 'post' | 'put' | 'patch', path: string, status: string]> = [
  ['get', '/api/meta', '200'],
  ['post', '/api/auth/login', '200'],
  ['get', '/api/auth/me', '200'],
  ['get', '/api/departments', '200'],
  ['post', '/api/departments', '201'],
  ['patch', '/api/departments/{id}', '200'],
  ['get', '/api/users', '200'],
  ['post', '/api/users', '201'],
  ['patch', '/api/users/{id}', '200'],
  ['get', '/api/assets', '200'],
  ['post', '/api/assets', '201'],
  ['patch', '/api/assets/{id}', '200'],
  ['get', '/api/alert-sources', '200'],
  ['post', '/api/alert-sources', '201'],
  ['get', '/api/cases', '200'],
  ['get', '/api/cases/counts', '200'],
  ['get', '/api/cases/trends', '200'],
  ['get', '/api/cases/{id}', '200'],
  ['get', '/api/tasks', '200'],
  ['post', '/api/incidents', '201'],
  ['get', '/api/work-request-types', '200'],
  ['post', '/api/work-requests', '201'],
  ['get', '/api/calendar/deadline', '200'],
  ['get', '/api/calendar/holidays', '200'],
  ['get', '/api/calendar/closing-days', '200'],
  ['get', '/api/calendar/settings', '200'],
  ['get', '/api/audit', '200'],
  ['get', '/api/audit/verify', '200'],
  ['get', '/api/cases/{id}/history', '200'],
  ['post', '/api/cases/{id}/replay', '200'],
  ['get', '/api/cases/{id}/consistency', '200'],
  ['get', '/api/monitoring/devices', '200'],
  ['get', '/api/monitoring/devices/{id}/series', '200'],
  ['get', '/api/monitoring/thresholds', '200'],
  ['patch', '/api/monitoring/thresholds/{id}', '200'],
  ['get', '/api/platform/capacity', '200'],
  ['get', '/api/inquiries', '200'],
  ['get', '/api/inquiries/{id}', '200'],
  ['get', '/api/cases/{id}/similar', '200'],
  ['get', '/api/cases/{id}/desk', '200'],
  ['get', '/api/reports/monthly', '200'],
  ['post', '/api/reports/monthly', '201'],
  ['get', '/api/reports/monthly/{id}', '200'],
  ['get', '/api/reports/monthly/{id}/figures/{figureId}', '200'],
  ['post', '/api/reports/monthly/{id}/comments', '201'],
  ['post', '/api/reports/monthly/{id}/decision', '201'],
  ['get', '/api/reports/settings', '200'],
  ['put', '/api/reports/settings', '200'],
];

type Schema = { $ref?: string; type?: string; properties?: object; additionalProperties?: unknown; items?: Schema; allOf?: Schema[]; oneOf?: Schema[] };

describe('the OpenAPI document and the UI types generated from it', () => {
  let document: OpenAPIObject;
  beforeAll(async () => {
    document = await openApiDocumentOffline();
  }, 60_000);

  test('Issue 15: it is built offline (no database, Temporal or listening server) and every route the UI reads answers a described schema', () => {
    const missing = UI_READS.filter(([method, path, status]) => {
      const schema = (document.paths[path]?.[method]?.responses?.[status] as { content?: Record<string, { schema?: Schema }> } | undefined)?.content?.['application/json']?.schema;
      return !schema;
    });
    expect(missing).toEqual([]);
  });

  test('Issue 15: no property is an object without properties (a `string | null` field declared without `type: String`)', () => {
    const shapeless: string[] = [];
    for (const [name, schema] of Object.entries(document.components?.schemas ?? {})) {
      for (const [prop, value] of Object.entries((schema as Schema).properties ?? {}) as Array<[string, Schema]>) {
        const bare = (s: Schema | undefined) => !!s && s.type === 'object' && !s.properties && s.additionalProperties === undefined && !s.$ref && !s.allOf && !s.oneOf;
        if (bare(value) || bare(value.items)) shapeless.push(`${name}.${prop}`);
      }
    }
    expect(shapeless).toEqual([]);
  });

  test('Issue 15: ui/src/lib/api-types.ts is what `npm run api:types` generates now (run it and commit when this fails)', async () => {
    const generated = await generateApiTypes();
    const committed = readFileSync(API_TYPES_FILE, 'utf8');
    if (committed !== generated) {
      throw new Error('ui/src/lib/api-types.ts is stale: the API\'s OpenAPI document changed. Run "npm run api:types" and commit the result.');
    }
  }, 60_000);
});
