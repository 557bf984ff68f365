/**
 * The bench's SMTP server (the one SMTP catcher, src/mail/smtp-catcher.ts), built for volume: it
 * does not parse messages, it reads the plain-ASCII `X-Opsdesk-Key` header every opsdesk e-mail
 * carries (`INC-2026-0001.received.5`) and records when the message was accepted (the end of
 * DATA, just before the 250 reply).
 */
import { decodeKeyHeader, OPSDESK_KEY_HEADER } from '../../src/mail/mailer';
import { startSmtpCatcher } from '../../src/mail/smtp-catcher';

export interface SmtpSink {
  url: string;
  /** Messages accepted so far. */
  count(): number;
  /** Acceptance time (epoch ms) of the first message whose key, without its trailing sequence number, is `base` (e.g. `INC-2026-0001.received`). */
  acceptedAt(base: string): number | undefined;
  /** Resolves with the acceptance times of every base, or rejects after the timeout naming the missing ones. */
  waitFor(bases: string[], timeoutMs: number): Promise<Map<string, number>>;
  stop(): Promise<void>;
}

const HEADER_LIMIT = 16 * 1024;
const KEY_LINE = new RegExp(`^${OPSDESK_KEY_HEADER}:\\s*(.+)$`, 'im');

export async function startSmtpSink(): Promise<SmtpSink> {
  const accepted = new Map<string, number>();
  const waiters = new Set<() => void>();
  let total = 0;

  const catcher = await startSmtpCatcher({
    name: 'opsdesk-bench',
    acceptAnyAuth: true,
    keepBytes: HEADER_LIMIT,
    onMessage: (message) => {
      total += 1;
      const headers = message.raw.toString('latin1').split(/\r?\n\r?\n/)[0];
      const match = KEY_LINE.exec(headers);
      if (match) {
        const key = safeDecode(match[1]);
        const base = key.replace(/\.\d+$/, '');
        if (!accepted.has(base)) accepted.set(base, message.acceptedAt);
        for (const waiter of [...waiters]) waiter();
      }
    },
  });

  return {
    url: catcher.url,
    count: () => total,
    acceptedAt: (base) => accepted.get(base),
    waitFor(bases, timeoutMs) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (bases.every((b) => accepted.has(b))) {
            waiters.delete(check);
            clearTimeout(timer);
            resolve(new Map(bases.map((b) => [b, accepted.get(b)!])));
          }
        };
        const timer = setTimeout(() => {
          waiters.delete(check);
          const missing = bases.filter((b) => !accepted.has(b));
          reject(new Error(`no e-mail within ${timeoutMs} ms for ${missing.length} of ${bases.length}: ${missing.slice(0, 5).join(', ')}`));
        }, timeoutMs);
        waiters.add(check);
        check();
      });
    },
    stop: () => catcher.stop(),
  };
}

function safeDecode(value: string): string {
  try {
    return decodeKeyHeader(value);
  } catch {
    return value.trim();
  }
}
