/**
 * Request/response over the IPC channel of a forked child (`child_process.fork`): the bench's
 * orchestrator calls commands in its child processes (API, workers, load client), which answer and
 * may send progress events in between.
 */
import type { ChildProcess } from 'node:child_process';

interface RpcRequest {
  rpc: 'call';
  id: number;
  cmd: string;
  args: unknown;
}

interface RpcResponse {
  rpc: 'result';
  id: number;
  ok: boolean;
  result?: unknown;
  error?: string;
}

export interface RpcEvent {
  rpc: 'event';
  type: string;
  data: unknown;
}

type Message = RpcRequest | RpcResponse | RpcEvent;

export class RpcClient {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; cmd: string }>();
  private exited: Error | null = null;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
    onEvent: (event: RpcEvent) => void = () => undefined,
  ) {
    child.on('message', (raw: unknown) => {
      const message = raw as Message;
      if (message?.rpc === 'result') {
        const waiter = this.pending.get(message.id);
        if (!waiter) return;
        this.pending.delete(message.id);
        if (message.ok) waiter.resolve(message.result);
        else waiter.reject(new Error(`${this.name}.${waiter.cmd}: ${message.error ?? 'failed'}`));
      } else if (message?.rpc === 'event') {
        onEvent(message);
      }
    });
    child.once('exit', (code, signal) => {
      this.exited = new Error(`${this.name} exited (code ${code}, signal ${signal})`);
      for (const waiter of this.pending.values()) waiter.reject(this.exited);
      this.pending.clear();
    });
  }

  call<T = unknown>(cmd: string, args: unknown = {}): Promise<T> {
    if (this.exited) return Promise.reject(this.exited);
    const id = ++this.seq;
    return new Promise<T>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, cmd });
      this.child.send({ rpc: 'call', id, cmd, args } satisfies RpcRequest, (error) => {
        if (error) {
          this.pending.delete(id);
          reject(error);
        }
      });
    });
  }
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- each handler declares its own argument type
export type Handlers = Record<string, (args: any) => unknown>;

/** In a child: answers the orchestrator's calls. */
export function serveRpc(handlers: Handlers): void {
  process.on('message', (raw: unknown) => {
    const message = raw as Message;
    if (message?.rpc !== 'call') return;
    const handler = handlers[message.cmd];
    const reply = (response: Omit<RpcResponse, 'rpc' | 'id'>) => process.send?.({ rpc: 'result', id: message.id, ...response } satisfies RpcResponse);
    if (!handler) {
      reply({ ok: false, error: `unknown command ${message.cmd}` });
      return;
    }
    Promise.resolve()
      .then(() => handler(message.args))
      .then(
        (result) => reply({ ok: true, result }),
        (error: unknown) => reply({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) }),
      );
  });
  // The orchestrator gone means the bench is over: do not linger.
  process.on('disconnect', () => process.exit(0));
}

/** In a child: a progress event for the orchestrator. */
export function emitEvent(type: string, data: unknown): void {
  process.send?.({ rpc: 'event', type, data } satisfies RpcEvent);
}
