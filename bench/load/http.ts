/** A small keep-alive JSON client on node:http: less client CPU per request than fetch. */
import { Agent, request as httpRequest } from 'node:http';

export interface HttpResult<T = unknown> {
  status: number;
  /** The parsed JSON (trusted to be T on success: the API is the system under test, not an adversary). */
  body: T;
  /** Wall time of the request in milliseconds. */
  ms: number;
}

/** A request's error, with whether it went out on a kept-alive connection. */
type SocketError = Error & { code?: string; reusedSocket?: boolean };

export class HttpClient {
  private readonly agent: Agent;
  private readonly host: string;
  private readonly port: number;

  constructor(baseUrl: string, maxSockets = 256, private readonly timeoutMs = 120_000) {
    const url = new URL(baseUrl);
    this.host = url.hostname;
    this.port = Number(url.port);
    this.agent = new Agent({ keepAlive: true, maxSockets, keepAliveMsecs: 10_000 });
  }

  async request<T = unknown>(method: string, path: string, options: { token?: string; body?: unknown } = {}): Promise<HttpResult<T>> {
    try {
      return await this.send<T>(method, path, options);
    } catch (error) {
      // The server closes a keep-alive connection idle for 5 s; a request sent on it at that moment
      // never reached the API (Node's documented race), so it is sent once more on a new connection.
      const { reusedSocket, code } = error as SocketError;
      if (reusedSocket && code === 'ECONNRESET') return this.send<T>(method, path, options);
      throw error;
    }
  }

  private send<T>(method: string, path: string, options: { token?: string; body?: unknown }): Promise<HttpResult<T>> {
    const payload = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const headers: Record<string, string | number> = { accept: 'application/json' };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    if (payload) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = payload.length;
    }
    const started = process.hrtime.bigint();
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: this.host, port: this.port, method, path, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const ms = Number(process.hrtime.bigint() - started) / 1e6;
          const text = Buffer.concat(chunks).toString('utf8');
          let body: unknown = undefined;
          try {
            body = text ? (JSON.parse(text) as unknown) : undefined;
          } catch {
            body = text;
          }
          resolve({ status: res.statusCode ?? 0, body: body as T, ms });
        });
      });
      req.on('error', (error) => reject(Object.assign(error, { reusedSocket: req.reusedSocket })));
      req.setTimeout(this.timeoutMs, () => req.destroy(new Error(`${method} ${path}: no answer within ${this.timeoutMs / 1000} s`)));
      if (payload) req.write(payload);
      req.end();
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
