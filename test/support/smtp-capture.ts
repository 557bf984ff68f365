/**
 * A real SMTP server for tests (the one SMTP catcher, src/mail/smtp-catcher.ts): listens on
 * 127.0.0.1 on a random port, parses every
 * message with mailparser (so Japanese subjects/bodies come back decoded) and lets the
 * test wait for, and assert on, what it received.
 *
 *   const smtp = await startSmtpCapture();
 *   // ... configure the system under test with smtp.url ...
 *   const [mail] = await smtp.waitFor((m) => m.subject.includes('INC-2026-0001'));
 *   await smtp.stop();
 *
 * AUTH (PLAIN/LOGIN) is accepted without TLS and with any credentials, so a client
 * configured with `smtp://user:pass@...` works too; the user name is recorded in
 * `authUser`. STARTTLS is not offered.
 */
import { simpleParser } from 'mailparser';
import type { AddressObject, ParsedMail } from 'mailparser';
import { CatcherRefusal, startSmtpCatcher } from '../../src/mail/smtp-catcher';

export interface CapturedMail {
  envelopeFrom: string;
  envelopeTo: string[];
  subject: string;
  /** Decoded From header text, e.g. `"運用保守デスク" <opsdesk@example.lg.jp>`. */
  from: string;
  /** Bare addresses from the To header. */
  to: string[];
  /** Bare addresses from the Cc header. */
  cc: string[];
  text: string;
  html?: string;
  /** Message-ID header, with angle brackets ('' if absent). */
  messageId: string;
  /** Parsed headers, lower-case keys (mailparser's map). */
  headers: Map<string, unknown>;
  /** The message exactly as received (after SMTP dot-unstuffing). */
  raw: string;
  /** User name the client authenticated with, if it did. */
  authUser?: string;
  receivedAt: Date;
}

export interface WaitForOptions {
  /** Default 5000 ms. */
  timeoutMs?: number;
  /** How many matching messages to wait for. Default 1. */
  count?: number;
}

export interface SmtpCapture {
  url: string;
  port: number;
  /** Every message received so far, in arrival order. */
  messages: CapturedMail[];
  /**
   * Resolves with all matching messages once at least `count` of them have been received
   * (including ones received before the call). Rejects after `timeoutMs` with the subjects
   * that did arrive.
   */
  waitFor(predicate: (m: CapturedMail) => boolean, opts?: WaitForOptions): Promise<CapturedMail[]>;
  clear(): void;
  stop(): Promise<void>;
}

export async function startSmtpCapture(): Promise<SmtpCapture> {
  const messages: CapturedMail[] = [];
  const waiters = new Set<() => void>();
  const notify = (): void => {
    for (const w of [...waiters]) w();
  };

  const catcher = await startSmtpCatcher({
    name: 'smtp-capture.test',
    acceptAnyAuth: true,
    onMessage: async (message) => {
      let p: ParsedMail;
      try {
        p = await simpleParser(message.raw);
      } catch (err) {
        throw new CatcherRefusal(`smtp-capture could not parse the message: ${String(err)}`, 554);
      }
      messages.push({
        envelopeFrom: message.envelopeFrom,
        envelopeTo: message.envelopeTo,
        subject: p.subject ?? '',
        from: p.from?.text ?? '',
        to: addresses(p.to),
        cc: addresses(p.cc),
        text: p.text ?? '',
        html: typeof p.html === 'string' ? p.html : undefined,
        messageId: p.messageId ?? '',
        headers: p.headers,
        raw: message.raw.toString('utf8'),
        authUser: message.authUser,
        receivedAt: new Date(message.acceptedAt),
      });
      notify();
    },
  });
  const { port } = catcher;

  return {
    url: `smtp://127.0.0.1:${port}`,
    port,
    messages,

    waitFor(predicate, opts = {}) {
      const timeoutMs = opts.timeoutMs ?? 5_000;
      const count = opts.count ?? 1;
      return new Promise<CapturedMail[]>((resolve, reject) => {
        const check = (): void => {
          const matches = messages.filter(predicate);
          if (matches.length >= count) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(matches);
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const got = messages.length
            ? messages.map((m) => `  - ${JSON.stringify(m.subject)} to ${m.envelopeTo.join(', ')}`).join('\n')
            : '  (none)';
          const matching = messages.filter(predicate).length;
          reject(
            new Error(
              `smtp-capture: timed out after ${timeoutMs} ms waiting for ${count} matching message(s), ` +
                `${matching} matched. Received ${messages.length} message(s):\n${got}`,
            ),
          );
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },

    clear() {
      messages.length = 0;
    },

    stop() {
      return catcher.stop();
    },
  };
}

function addresses(field: AddressObject | AddressObject[] | undefined): string[] {
  if (!field) return [];
  const out: string[] = [];
  const walk = (list: { address?: string; group?: unknown[] }[]): void => {
    for (const a of list) {
      if (a.address) out.push(a.address);
      if (Array.isArray(a.group)) walk(a.group as { address?: string; group?: unknown[] }[]);
    }
  };
  for (const obj of Array.isArray(field) ? field : [field]) walk(obj.value);
  return out;
}
