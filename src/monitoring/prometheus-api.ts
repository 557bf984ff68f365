/** Prometheus's HTTP query API, as opsdesk reads it (the monitoring page, the monthly report's gatherers). */

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface MatrixSeries {
  metric: Record<string, string>;
  values: Array<[number, string]>;
}

async function read<T>(baseUrl: string, path: string, params: Record<string, string>, timeoutMs: number, what: string): Promise<T> {
  const response = await fetch(`${baseUrl}${path}?${new URLSearchParams(params).toString()}`, { signal: AbortSignal.timeout(timeoutMs) });
  // Prometheus says why it refused (a bad expression, too many points): keep its words.
  if (!response.ok) throw new Error(`Prometheus answered ${response.status} to ${what}: ${(await response.text()).slice(0, 300)}`);
  return ((await response.json()) as { data: T }).data;
}

/** An instant query, at `time` (Unix seconds) or now. */
export async function instantQuery(baseUrl: string, promql: string, opts: { time?: number; timeoutMs?: number } = {}): Promise<VectorSample[]> {
  const params: Record<string, string> = { query: promql };
  if (opts.time !== undefined) params.time = String(opts.time);
  return (await read<{ result: VectorSample[] }>(baseUrl, '/api/v1/query', params, opts.timeoutMs ?? 15_000, promql)).result;
}

/** A range query from `start` to `end` (Unix seconds), one point per `stepSeconds`. */
export async function rangeQuery(baseUrl: string, promql: string, start: number, end: number, stepSeconds: number, timeoutMs = 15_000): Promise<MatrixSeries[]> {
  const params = { query: promql, start: String(start), end: String(end), step: String(stepSeconds) };
  return (await read<{ result: MatrixSeries[] }>(baseUrl, '/api/v1/query_range', params, timeoutMs, promql)).result;
}

/** What opsdesk reads of a target in Prometheus's target list. */
export interface ActiveTarget {
  scrapePool: string;
  scrapeInterval: string;
}

/** The targets Prometheus is scraping now, with each one's pool and interval. */
export async function activeTargets(baseUrl: string, timeoutMs = 15_000): Promise<ActiveTarget[]> {
  return (await read<{ activeTargets: ActiveTarget[] }>(baseUrl, '/api/v1/targets', { state: 'active' }, timeoutMs, 'the target list')).activeTargets;
}
