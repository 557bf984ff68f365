import { timingSafeEqual } from 'node:crypto';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';

/**
 * The process's own Prometheus metrics (prom-client), one set per process whatever the number of
 * Nest applications in it. Import `metrics` anywhere, or inject `OpsdeskMetrics` through the
 * global MetricsModule:
 *
 *   metrics.backups.inc({ result: 'succeeded' });      // or 'failed'
 *   metrics.backupLastSuccess.setToCurrentTime();
 *
 * What comes from PostgreSQL (open cases, SLA breaches, overdue tasks, e-mails sent) is computed
 * at scrape time by ProductMetrics in the API; the Temporal SDK's own metrics come from the worker
 * (see worker-metrics.ts). The API's /metrics shows all three.
 */
export class OpsdeskMetrics {
  readonly registry = new Registry();

  readonly httpDuration = new Histogram({
    name: 'opsdesk_http_request_duration_seconds',
    help: 'HTTP requests by method, route pattern and status: _count for rates, buckets for latency',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  readonly httpInFlight = new Gauge({
    name: 'opsdesk_http_requests_in_flight',
    help: 'HTTP requests being served now (a draining API waits for these)',
    registers: [this.registry],
  });

  readonly emailsFailed = new Counter({
    name: 'opsdesk_emails_failed_total',
    help: 'Case e-mails the SMTP relay refused or could not take (each attempt; the activity retries)',
    labelNames: ['template'] as const,
    registers: [this.registry],
  });

  readonly activities = new Counter({
    name: 'opsdesk_activities_total',
    help: 'Activity executions finished in this worker, by activity and result',
    labelNames: ['activity', 'result'] as const,
    registers: [this.registry],
  });

  readonly backups = new Counter({
    name: 'opsdesk_backups_total',
    help: "Backups of opsdesk's own data, by result (succeeded | failed)",
    labelNames: ['result'] as const,
    registers: [this.registry],
  });

  readonly backupLastSuccess = new Gauge({
    name: 'opsdesk_backup_last_success_timestamp_seconds',
    help: 'When the last backup succeeded (Unix time); alert when it grows old',
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
  }
}

export const metrics = new OpsdeskMetrics();

/**
 * Merges Prometheus text expositions into one: each metric family once (HELP and TYPE from the
 * first that has it), with the samples of every part. `extraLabels` of a part are added to each of
 * its samples, so the same family from two processes stays two series.
 */
export function mergeExpositions(parts: Array<{ text: string; extraLabels?: Record<string, string> }>): string {
  const families = new Map<string, { help?: string; type?: string; samples: string[] }>();
  const family = (name: string) => {
    let found = families.get(name);
    if (!found) families.set(name, (found = { samples: [] }));
    return found;
  };
  for (const part of parts) {
    const extra = Object.entries(part.extraLabels ?? {})
      .map(([k, v]) => `${k}="${v.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`)
      .join(',');
    let current: string | undefined;
    for (const line of part.text.split('\n')) {
      if (!line.trim()) continue;
      const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
      if (meta) {
        current = meta[2];
        const f = family(current);
        if (meta[1] === 'HELP') f.help ??= line;
        else f.type ??= line;
        continue;
      }
      if (line.startsWith('#')) continue;
      const name = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line)?.[0];
      if (!name) continue;
      const owner = current && (name === current || /^(_bucket|_sum|_count|_total|_created|_info)$/.test(name.slice(current.length)) && name.startsWith(current)) ? current : name;
      family(owner).samples.push(extra ? withLabels(line, name, extra) : line);
    }
  }
  const out: string[] = [];
  for (const f of families.values()) {
    if (f.help) out.push(f.help);
    if (f.type) out.push(f.type);
    out.push(...f.samples);
  }
  return out.join('\n') + '\n';
}

function withLabels(line: string, name: string, extra: string): string {
  const rest = line.slice(name.length);
  if (rest.startsWith('{}')) return `${name}{${extra}}${rest.slice(2)}`;
  if (rest.startsWith('{')) return `${name}{${extra},${rest.slice(1)}`;
  return `${name}{${extra}}${rest}`;
}

/** METRICS_TOKEN check, constant-time. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  const given = /^Bearer\s+(\S+)$/i.exec(header ?? '')?.[1] ?? '';
  const a = Buffer.from(given);
  const b = Buffer.from(token);
  return a.length === b.length && timingSafeEqual(a, b);
}
