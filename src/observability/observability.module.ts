import {
  Controller,
  Get,
  Global,
  Injectable,
  Module,
  Req,
  Res,
  type BeforeApplicationShutdown,
  type OnApplicationShutdown,
  type CallHandler,
  type DynamicModule,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import { APP_INTERCEPTOR, HttpAdapterHost } from '@nestjs/core';
import { ApiExcludeController } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Server } from 'node:http';
import { tap, type Observable } from 'rxjs';
import { annotateFromBody, drainHttp } from './http';
import { annotateLogContext, CASE_NUMBER_PATTERN } from './log-context';
import { bearerMatches, metrics, mergeExpositions, OpsdeskMetrics } from './metrics';
import { ProductMetrics } from './product-metrics';
import { stopTracing } from './tracing';

/** `metrics` (backups, e-mail failures ...) for injection in the API and the worker alike. */
@Global()
@Module({ providers: [{ provide: OpsdeskMetrics, useValue: metrics }], exports: [OpsdeskMetrics] })
export class MetricsModule {}

const WORKER_SCRAPE_TIMEOUT_MS = 2_000;

/**
 * GET /metrics, Prometheus text: this API process's metrics (HTTP, Node.js), the product's numbers
 * from PostgreSQL, and — when OPSDESK_WORKER_METRICS_URL names the worker's endpoint (`npm start`
 * sets it) — the worker's, Temporal SDK metrics included, each of its series labelled
 * `process="worker"`. Public unless METRICS_TOKEN is set; then it needs `Authorization: Bearer`.
 */
@ApiExcludeController()
@Controller('metrics')
export class MetricsController {
  constructor(private readonly product: ProductMetrics) {}

  @Get()
  async scrape(@Req() request: Request, @Res() response: Response): Promise<void> {
    const token = process.env.METRICS_TOKEN;
    if (token && !bearerMatches(request.headers.authorization, token)) {
      response.status(401).setHeader('WWW-Authenticate', 'Bearer realm="metrics"').json({ statusCode: 401, error: 'Unauthorized', message: 'METRICS_TOKEN is set: send it as a bearer token' });
      return;
    }
    const [own, product, worker] = await Promise.all([metrics.registry.metrics(), this.product.exposition(), scrapeWorker(token)]);
    const parts = [{ text: own }, { text: product }];
    if (worker) parts.push({ text: worker.text, extraLabels: { process: 'worker' } } as (typeof parts)[number]);
    response.setHeader('Content-Type', metrics.registry.contentType);
    response.send(mergeExpositions(parts) + (worker ? `# HELP opsdesk_worker_metrics_up 1 when the worker's metrics endpoint answered this scrape\n# TYPE opsdesk_worker_metrics_up gauge\nopsdesk_worker_metrics_up ${worker.up ? 1 : 0}\n` : ''));
  }
}

async function scrapeWorker(token: string | undefined): Promise<{ text: string; up: boolean } | undefined> {
  const url = process.env.OPSDESK_WORKER_METRICS_URL;
  if (!url) return undefined;
  try {
    const response = await fetch(url, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: AbortSignal.timeout(WORKER_SCRAPE_TIMEOUT_MS) });
    if (!response.ok) return { text: '', up: false };
    return { text: await response.text(), up: true };
  } catch {
    return { text: '', up: false };
  }
}

/** After the guard: the user and the case a route names join the request's log context. */
@Injectable()
class LogContextInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'http') return next.handle();
    const request = context.switchToHttp().getRequest<Request & { actor?: { username?: string } }>();
    const fromParams = Object.values(request.params ?? {}).map((v) => (typeof v === 'string' ? CASE_NUMBER_PATTERN.exec(v)?.[0] : undefined)).find(Boolean);
    annotateLogContext({ user: request.actor?.username, caseNumber: fromParams });
    return next.handle().pipe(tap((body) => annotateFromBody(body)));
  }
}

/** Requests in flight get this long to finish when the API is told to stop. */
const DRAIN_TIMEOUT_MS = Number(process.env.OPSDESK_DRAIN_TIMEOUT_MS ?? 15_000);

@Injectable()
class HttpDrain implements BeforeApplicationShutdown, OnApplicationShutdown {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  // Runs after every onModuleDestroy and before any connection (database, Temporal) is closed.
  async beforeApplicationShutdown(): Promise<void> {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (server) await drainHttp(server, DRAIN_TIMEOUT_MS);
  }

  // The last spans of a stopping API are exported (no-op when tracing is off).
  async onApplicationShutdown(): Promise<void> {
    await stopTracing();
  }
}

/** The API's observability: /metrics, request log context, drain on shutdown. */
@Module({
  imports: [MetricsModule],
  controllers: [MetricsController],
  providers: [ProductMetrics, HttpDrain, { provide: APP_INTERCEPTOR, useClass: LogContextInterceptor }],
})
export class ObservabilityModule {}

/** The API's root module with observability beside it (createApp). */
export function withApiObservability(root: DynamicModule): DynamicModule {
  return { module: ApiRootModule, imports: [root, ObservabilityModule] };
}

/** The worker's Nest context with the global MetricsModule beside it (createOpsdeskWorker). */
export function withWorkerObservability(root: DynamicModule): DynamicModule {
  return { module: WorkerRootModule, imports: [root, MetricsModule] };
}

@Module({})
class ApiRootModule {}

@Module({})
class WorkerRootModule {}
