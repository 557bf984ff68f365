/**
 * The one SMTP catcher of opsdesk: an SMTP server on loopback that accepts every message and
 * hands it to its owner. Used by
 *  - the embedded mail sink (src/mail/mail-sink.ts): stores each message as an .eml file;
 *  - the tests (test/support/smtp-capture.ts): parses each message and lets a test wait for it;
 *  - the bench (bench/lib/smtp-sink.ts): reads only the headers, for volume.
 *
 * No STARTTLS. AUTH is either refused (the sink) or accepted with any credentials and without TLS
 * (tests and bench: a client configured with `smtp://user:pass@...` works; the user is reported).
 * A message over `maxBytes` is refused with 552 and is never buffered whole.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import type { SMTPServerDataStream, SMTPServerOptions, SMTPServerSession } from 'smtp-server';

export interface CaughtMessage {
  /** The message as received (after SMTP dot-unstuffing), or its first `keepBytes` bytes. */
  raw: Buffer;
  envelopeFrom: string;
  envelopeTo: string[];
  /** User name the client authenticated with, if it did. */
  authUser?: string;
  /** When the catcher had the whole message (end of DATA, before the reply), epoch ms. */
  acceptedAt: number;
  session: SMTPServerSession;
}

/** A failure to hand over a message: the client is answered with `responseCode` (default 451). */
export class CatcherRefusal extends Error {
  constructor(
    message: string,
    readonly responseCode = 451,
  ) {
    super(message);
  }
}

export interface SmtpCatcherOptions {
  /** The name in the greeting (EHLO answer). */
  name: string;
  banner?: string;
  /** Loopback address to bind to. Default `127.0.0.1`; other addresses are refused. */
  host?: string;
  /** Default 0: a free port. */
  port?: number;
  /** Largest message accepted (552 above it). Default 25 MiB. */
  maxBytes?: number;
  /** Keep only the first N bytes of each message (the headers, for volume); default: all. */
  keepBytes?: number;
  /** Accept AUTH PLAIN/LOGIN with any credentials (tests, bench); default: AUTH is not offered. */
  acceptAnyAuth?: boolean;
  closeTimeoutMs?: number;
  /** Connection-level errors (client resets ...); ignored by default. */
  onError?: (error: Error & { code?: string }) => void;
  /** Takes the message; the string it returns is the text of the 250 reply. Throw a CatcherRefusal to refuse it. */
  onMessage(message: CaughtMessage): Promise<string | void> | string | void;
}

export interface SmtpCatcher {
  url: string;
  host: string;
  port: number;
  stop(): Promise<void>;
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '::1']);

export function isLoopback(host: string): boolean {
  return LOOPBACK_HOSTS.has(host) || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

export async function startSmtpCatcher(opts: SmtpCatcherOptions): Promise<SmtpCatcher> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host)) throw new Error(`The SMTP catcher must bind to a loopback address (got ${JSON.stringify(host)})`);
  const keep = opts.keepBytes ?? Infinity;
  const options: SMTPServerOptions = {
    name: opts.name,
    banner: opts.banner,
    disabledCommands: opts.acceptAnyAuth ? ['STARTTLS'] : ['STARTTLS', 'AUTH'],
    authOptional: true,
    allowInsecureAuth: opts.acceptAnyAuth === true,
    size: opts.maxBytes ?? 25 * 1024 * 1024,
    rejectOversized: true,
    disableReverseLookup: true,
    logger: false,
    closeTimeout: opts.closeTimeoutMs ?? 1_000,
    onData(stream: SMTPServerDataStream, session: SMTPServerSession, callback) {
      const chunks: Buffer[] = [];
      let kept = 0;
      let answered = false;
      const done = (err: Error | null, message?: string): void => {
        if (answered) return;
        answered = true;
        callback(err, message);
      };
      stream.on('data', (chunk: Buffer) => {
        // Keep reading an oversized message (the server answers 552) but stop buffering it.
        if (stream.sizeExceeded || kept >= keep) return;
        chunks.push(chunk);
        kept += chunk.length;
      });
      stream.on('error', (err: Error) => done(err));
      stream.on('end', () => {
        if (stream.sizeExceeded) {
          done(Object.assign(new Error('Message exceeds fixed maximum message size'), { responseCode: 552 }));
          return;
        }
        const raw = Buffer.concat(chunks);
        const message: CaughtMessage = {
          raw: Number.isFinite(keep) ? raw.subarray(0, keep) : raw,
          envelopeFrom: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          envelopeTo: session.envelope.rcptTo.map((r) => r.address),
          authUser: typeof session.user === 'string' && session.user ? session.user : undefined,
          acceptedAt: Date.now(),
          session,
        };
        Promise.resolve()
          .then(() => opts.onMessage(message))
          .then(
            (reply) => done(null, reply || undefined),
            (err: unknown) => {
              const code = err instanceof CatcherRefusal ? err.responseCode : 451;
              done(Object.assign(new Error(err instanceof Error ? err.message : String(err)), { responseCode: code }));
            },
          );
      });
    },
  };
  if (opts.acceptAnyAuth) {
    options.onAuth = (auth, _session, callback) => callback(null, { user: auth.username ?? '' });
  }
  const server = new SMTPServer(options);
  server.on('error', (err: Error & { code?: string }) => opts.onError?.(err));

  const port = await new Promise<number>((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.server.off('error', onError);
      resolve((server.server.address() as AddressInfo).port);
    });
  });

  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    url: `smtp://${urlHost}:${port}`,
    host,
    port,
    stop() {
      stopping ??= new Promise<void>((resolve) => {
        if (!server.server.listening) return resolve();
        server.close(() => resolve());
      });
      return stopping;
    },
  };
}
