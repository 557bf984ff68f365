import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTestSystem, type TestSystem } from '../support/test-system';
import { startApiProcess, startWorkerProcess, type WorkerProcess } from './support/worker-process';

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  service: string;
  attributes: Record<string, unknown>;
}

/** A minimal OTLP/HTTP (JSON) receiver: what an OpenTelemetry Collector would get. */
async function startOtlpReceiver() {
  const spans: OtlpSpan[] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (c: Buffer) => (body += c.toString()));
    request.on('end', () => {
      if (request.url === '/v1/traces') {
        const parsed = JSON.parse(body) as { resourceSpans: Array<{ resource: { attributes: Array<{ key: string; value: { stringValue?: string } }> }; scopeSpans: Array<{ spans: Array<any> }> }> };
        for (const resourceSpans of parsed.resourceSpans ?? []) {
          const service = resourceSpans.resource.attributes.find((a) => a.key === 'service.name')?.value.stringValue ?? '';
          for (const scope of resourceSpans.scopeSpans) {
            for (const span of scope.spans) {
              spans.push({
                traceId: span.traceId, spanId: span.spanId, parentSpanId: span.parentSpanId || undefined, name: span.name, service,
                attributes: Object.fromEntries((span.attributes ?? []).map((a: any) => [a.key, Object.values(a.value)[0]])),
              });
            }
          }
        }
      }
      response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { endpoint: `http://127.0.0.1:${port}`, spans, stop: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/**
 * Tracing is off by default and on with OTEL_EXPORTER_OTLP_ENDPOINT: then one trace runs from the
 * API's HTTP request through the Temporal client, the workflow and its activities in the worker.
 * (The API and the worker run as processes of their own: the OpenTelemetry SDK is global state.)
 */
describe('tracing: API → workflow → activity in one trace, exported over OTLP', () => {
  let system: TestSystem;
  let otlp: Awaited<ReturnType<typeof startOtlpReceiver>>;
  const children: WorkerProcess[] = [];

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    system = await startTestSystem({ worker: false });
  });
  afterAll(async () => {
    for (const child of children) await child.stop();
    await system?.close();
    await otlp?.stop();
  });

  test('one request that opens an incident is one trace across both processes', async () => {
    const env = { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.endpoint, OTEL_BSP_SCHEDULE_DELAY: '200' };
    const worker = await startWorkerProcess(system.config, env);
    children.push(worker);
    const api = await startApiProcess(system.config, env);
    children.push(api);

    const login = await fetch(`${api.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'op1', password: system.config.demoPassword }) });
    const { token } = (await login.json()) as { token: string };
    const created = await fetch(`${api.url}/api/incidents`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ hostname: 'esx01', subject: 'トレース確認', summary: 'x', severity: 'minor' }),
    });
    expect(created.status).toBe(201);
    const { caseNumber } = (await created.json()) as { caseNumber: string };
    await system.smtp.waitFor((m) => m.subject.includes(caseNumber), { timeoutMs: 20_000 });

    // RunWorkflow:incidentWorkflow is exported when the workflow closes (its spans below are exported as they end).
    const wanted = ['StartWorkflow:incidentWorkflow', 'StartActivity:registerCase', 'RunActivity:registerCase', 'StartActivity:sendCaseMail', 'RunActivity:sendCaseMail'];
    const deadline = Date.now() + 20_000;
    let trace: OtlpSpan[] = [];
    while (Date.now() < deadline) {
      const start = otlp.spans.find((s) => s.name === 'StartWorkflow:incidentWorkflow');
      trace = start ? otlp.spans.filter((s) => s.traceId === start.traceId) : [];
      // Each process exports in batches: wait for the API's HTTP span too.
      if (wanted.every((name) => trace.some((s) => s.name === name)) && trace.some((s) => !s.parentSpanId)) break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(trace.map((s) => s.name)).toEqual(expect.arrayContaining(wanted));
    // The trace starts at the API's HTTP server span; the workflow and activity spans are the worker's.
    const root = trace.find((s) => !s.parentSpanId);
    expect(root).toMatchObject({ service: 'opsdesk-api' });
    expect(root!.name).toMatch(/^POST/);
    expect(trace.find((s) => s.name === 'StartWorkflow:incidentWorkflow')!.service).toBe('opsdesk-api');
    expect(trace.find((s) => s.name === 'RunActivity:sendCaseMail')!.service).toBe('opsdesk-worker');
    expect(trace.find((s) => s.name === 'StartActivity:sendCaseMail')!.service).toBe('opsdesk-worker');
    // Parent links: HTTP request → StartWorkflow; StartActivity (in the workflow) → RunActivity.
    const byName = (name: string) => trace.find((s) => s.name === name)!;
    expect(byName('StartWorkflow:incidentWorkflow').parentSpanId).toBe(root!.spanId);
    expect(byName('RunActivity:registerCase').parentSpanId).toBe(byName('StartActivity:registerCase').spanId);
    // The log lines of that case carry the trace id.
    expect(api.lines.some((l) => l.caseNumber === caseNumber && l.traceId === root!.traceId)).toBe(true);
  }, 240_000);
});
