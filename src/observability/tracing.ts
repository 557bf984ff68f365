import type { Resource } from '@opentelemetry/resources';
import type { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanExporter } from '@opentelemetry/sdk-trace-base';
import type { ClientInterceptors } from '@temporalio/client';
import type { ActivityInterceptorsFactory, InjectedSinks } from '@temporalio/worker';

// The OpenTelemetry packages load only when tracing is on (require below): off costs nothing.
/* eslint-disable @typescript-eslint/no-require-imports */
const otel = {
  sdk: () => require('@opentelemetry/sdk-node') as typeof import('@opentelemetry/sdk-node'),
  exporter: () => require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http'),
  http: () => require('@opentelemetry/instrumentation-http') as typeof import('@opentelemetry/instrumentation-http'),
  resources: () => require('@opentelemetry/resources') as typeof import('@opentelemetry/resources'),
  traceBase: () => require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base'),
  semconv: () => require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions'),
  temporal: () => require('@temporalio/interceptors-opentelemetry') as typeof import('@temporalio/interceptors-opentelemetry'),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/**
 * Traces across API → workflow → activity (OpenTelemetry), OFF unless asked for:
 * OTEL_EXPORTER_OTLP_ENDPOINT (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set, or OPSDESK_TRACING=1
 * (then the OTLP defaults apply: http://localhost:4318/v1/traces). OPSDESK_TRACING=0 wins over
 * both. Export is OTLP over HTTP/protobuf-JSON and honours the usual OTEL_* variables
 * (OTEL_EXPORTER_OTLP_HEADERS, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES ...).
 *
 * The API's HTTP spans are parents of the StartWorkflow/UpdateWorkflow spans of the Temporal
 * client; the context travels in Temporal headers to the workflow's spans (inside the workflow
 * sandbox, exported through a sink) and on to each activity's span in the worker.
 */
export function tracingEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  if (env.OPSDESK_TRACING === '0' || env.OPSDESK_TRACING === 'false') return false;
  return env.OPSDESK_TRACING === '1' || env.OPSDESK_TRACING === 'true' || !!env.OTEL_EXPORTER_OTLP_ENDPOINT || !!env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
}

let sdk: NodeSDK | undefined;
let resource: Resource | undefined;
let exporter: SpanExporter | undefined;

/** Starts the OpenTelemetry SDK once per process, if tracing is enabled. Call before loading http. */
export function startTracing(serviceName: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (sdk) return true;
  if (!tracingEnabled(env)) return false;
  const { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } = otel.semconv();
  resource = new (otel.resources().Resource)({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? serviceName, [ATTR_SERVICE_VERSION]: process.env.npm_package_version ?? '0.1.0' });
  exporter = new (otel.exporter().OTLPTraceExporter)();
  sdk = new (otel.sdk().NodeSDK)({
    resource,
    spanProcessors: [new (otel.traceBase().BatchSpanProcessor)(exporter, { scheduledDelayMillis: 1_000 })],
    instrumentations: [new (otel.http().HttpInstrumentation)({ ignoreIncomingRequestHook: (request) => /^\/(health|metrics)/.test(request.url ?? '') })],
  });
  sdk.start();
  return true;
}

/** Flushes and stops the SDK (the last spans of a stopping process are exported). */
export async function stopTracing(): Promise<void> {
  const running = sdk;
  sdk = undefined;
  await running?.shutdown().catch(() => undefined);
}

/** Temporal client interceptors: the trace context goes into the headers of starts, signals, updates. */
export function temporalClientInterceptors(): ClientInterceptors | undefined {
  if (!sdk) return undefined;
  return { workflow: [new (otel.temporal().OpenTelemetryWorkflowClientInterceptor)()] };
}

/** The worker's share: activity interceptors, the workflow interceptor module for the bundle, the span sink. */
export function workerTracing(): { activity: ActivityInterceptorsFactory[]; workflowModules: string[]; sinks: InjectedSinks<Record<string, never>> } | undefined {
  if (!sdk || !exporter || !resource) return undefined;
  const temporal = otel.temporal();
  return {
    activity: [(ctx) => ({ inbound: new temporal.OpenTelemetryActivityInboundInterceptor(ctx), outbound: new temporal.OpenTelemetryActivityOutboundInterceptor(ctx) })],
    workflowModules: [require.resolve('@temporalio/interceptors-opentelemetry/lib/workflow-interceptors')],
    sinks: { exporter: temporal.makeWorkflowExporter(exporter, resource) } as unknown as InjectedSinks<Record<string, never>>,
  };
}
