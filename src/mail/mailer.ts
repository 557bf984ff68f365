/**
 * Outgoing mail transport (送信メール).
 *
 * R-CONTACT-1: contact is by e-mail, to keep evidence. Every message carries a
 * Message-ID derived only from its `messageKey`, so a send that is retried (for
 * example by a durable workflow activity after a crash) produces a message that
 * is recognisably the same one, and the key itself is repeated in the
 * `X-Opsdesk-Key` header.
 *
 * The transport is injectable: nothing here is global, create one Mailer per
 * configuration and `close()` it on shutdown.
 */
import { createHash } from 'node:crypto';
import { createTransport } from 'nodemailer';
import type { SMTPTransportOptions, SendMailOptions } from 'nodemailer';

export interface OutgoingMail {
  /** Stable, unique key of this message (e.g. `INC-2026-0001.received`). Same key => same Message-ID. */
  messageKey: string;
  to: string[];
  cc?: string[];
  subject: string;
  text: string;
  html?: string;
  /** Message-ID of the message this one answers (with or without angle brackets). */
  inReplyTo?: string;
  /** Files sent with the message (the monthly report's workbook and PDF). */
  attachments?: { filename: string; content: Buffer; contentType: string }[];
}

export interface SentMail {
  messageId: string;
  accepted: string[];
  rejected: string[];
  sentAt: string /* ISO */;
}

export interface Mailer {
  send(mail: OutgoingMail): Promise<SentMail>;
  /** Resolves when the SMTP server answers (EHLO and, if configured, AUTH); rejects within ~3 s otherwise. */
  verify(): Promise<void>;
  close(): void;
}

export interface SmtpMailerOptions {
  /** `smtp://host:port`, `smtps://host:port`, optionally with `user:pass@` (percent-encoded). */
  smtpUrl: string;
  /** Header From, e.g. `"運用保守デスク" <opsdesk@example.lg.jp>` or a bare address. */
  from: string;
  /** Right-hand side of generated Message-IDs. Default `opsdesk.local`. */
  messageIdDomain?: string;
}

export const DEFAULT_MESSAGE_ID_DOMAIN = 'opsdesk.local';
export const OPSDESK_KEY_HEADER = 'X-Opsdesk-Key';

/** Total time budget of verify(). */
const VERIFY_TIMEOUT_MS = 3_000;
/** Longest readable part of a key kept in a Message-ID before it is shortened and hashed. */
const MAX_KEY_ID_LENGTH = 128;

const DOMAIN_RE = /^[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const SAFE_KEY_RE = /^[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)*$/;

/**
 * Turns a message key into the left part of a Message-ID (RFC 5322 dot-atom-text).
 * A key made only of `[A-Za-z0-9._-]` (no leading, trailing or doubled dots) and at most
 * 128 characters long is used as it is. Any other key is reduced to those characters and
 * suffixed with a hash of the original key, so two different keys never share an id.
 */
export function messageIdLocalPart(messageKey: string): string {
  if (typeof messageKey !== 'string' || messageKey.trim() === '') {
    throw new Error('messageKey must be a non-empty string');
  }
  if (messageKey.length <= MAX_KEY_ID_LENGTH && SAFE_KEY_RE.test(messageKey)) {
    return messageKey;
  }
  const hash = createHash('sha256').update(messageKey, 'utf8').digest('hex').slice(0, 16);
  const readable = messageKey
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/\.{2,}/g, '.')
    .replace(/^[.-]+|[.-]+$/g, '')
    .slice(0, MAX_KEY_ID_LENGTH)
    .replace(/[.-]+$/g, '');
  return readable ? `${readable}.${hash}` : hash;
}

/**
 * Value of the `X-Opsdesk-Key` header: always plain ASCII, so it can be read without MIME
 * decoding (mail parsers leave encoded words in unknown X- headers undecoded). A printable
 * ASCII key without `%` is used as it is; any other key is percent-encoded
 * (encodeURIComponent). Because a plain key never contains `%`, the value is unambiguous:
 * see {@link decodeKeyHeader}.
 */
export function encodeKeyHeader(messageKey: string): string {
  return /^[\x20-\x24\x26-\x7e]+$/.test(messageKey) && messageKey.trim() === messageKey
    ? messageKey
    : encodeURIComponent(messageKey);
}

/** Inverse of {@link encodeKeyHeader}. */
export function decodeKeyHeader(value: string): string {
  const v = value.trim();
  return v.includes('%') ? decodeURIComponent(v) : v;
}

/** Deterministic Message-ID (with angle brackets) for a message key. */
export function messageIdForKey(messageKey: string, domain: string = DEFAULT_MESSAGE_ID_DOMAIN): string {
  return `<${messageIdLocalPart(messageKey)}@${domain}>`;
}

interface ParsedSmtpUrl {
  host: string;
  port?: number;
  secure: boolean;
  auth?: { user: string; pass: string };
  /** The URL with the password masked, for error messages. */
  display: string;
}

export function parseSmtpUrl(smtpUrl: string): ParsedSmtpUrl {
  let url: URL;
  try {
    url = new URL(smtpUrl);
  } catch {
    throw new Error(`Invalid SMTP URL (expected smtp://host:port): ${JSON.stringify(maskUrlString(smtpUrl))}`);
  }
  if (url.protocol !== 'smtp:' && url.protocol !== 'smtps:') {
    throw new Error(`Unsupported SMTP URL scheme ${JSON.stringify(url.protocol)} (use smtp:// or smtps://)`);
  }
  // WHATWG URL keeps IPv6 literals in brackets; net.connect wants them bare.
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  if (!host) {
    throw new Error('SMTP URL has no host');
  }
  const port = url.port ? Number(url.port) : undefined;
  const user = safeDecode(url.username);
  const pass = safeDecode(url.password);
  const display = new URL(url.href);
  if (display.password) display.password = '***';
  return {
    host,
    port,
    secure: url.protocol === 'smtps:',
    auth: user || pass ? { user, pass } : undefined,
    display: display.href.replace(/\/$/, ''),
  };
}

export function createSmtpMailer(opts: SmtpMailerOptions): Mailer {
  const target = parseSmtpUrl(opts.smtpUrl);
  const domain = opts.messageIdDomain ?? DEFAULT_MESSAGE_ID_DOMAIN;
  if (!DOMAIN_RE.test(domain)) {
    throw new Error(`Invalid messageIdDomain ${JSON.stringify(domain)}`);
  }
  if (!opts.from || /[\r\n]/.test(opts.from)) {
    throw new Error('from must be a non-empty single-line address');
  }

  const baseOptions = (timeouts: Pick<SMTPTransportOptions, 'connectionTimeout' | 'greetingTimeout' | 'socketTimeout' | 'dnsTimeout'>): SMTPTransportOptions => ({
    host: target.host,
    port: target.port,
    secure: target.secure,
    auth: target.auth,
    logger: false,
    // never read files or URLs named in message content
    disableFileAccess: true,
    disableUrlAccess: true,
    ...timeouts,
  });

  // Pooled: a connection per message meant a TCP connect, greeting and EHLO (and AUTH) for every
  // e-mail, several per case. The pool keeps a few connections open and opens new ones when the
  // server closes idle ones; the messages themselves are the same.
  const transporter = createTransport({
    ...baseOptions({ connectionTimeout: 10_000, greetingTimeout: 10_000, socketTimeout: 60_000, dnsTimeout: 10_000 }),
    pool: true,
    maxConnections: 4,
  });
  let closed = false;

  return {
    async send(mail: OutgoingMail): Promise<SentMail> {
      if (closed) throw new Error('Mailer is closed');
      const to = cleanAddressList(mail.to, 'to');
      const cc = mail.cc ? cleanAddressList(mail.cc, 'cc') : [];
      if (to.length === 0) throw new Error('OutgoingMail.to must contain at least one address');
      const messageKey = mail.messageKey;
      const messageId = messageIdForKey(messageKey, domain);

      const message: SendMailOptions = {
        from: opts.from,
        to,
        cc: cc.length ? cc : undefined,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
        messageId,
        attachments: mail.attachments?.map((a) => ({ filename: a.filename, content: a.content, contentType: a.contentType })),
        // base64 keeps Japanese text compact and 7-bit safe; the charset is always UTF-8
        textEncoding: 'base64',
        headers: {
          [OPSDESK_KEY_HEADER]: encodeKeyHeader(messageKey),
          // RFC 3834: other systems' auto-responders do not answer it (no out-of-office loops with the desk).
          'Auto-Submitted': 'auto-generated',
        },
      };
      if (mail.inReplyTo) {
        const parent = normaliseMessageId(mail.inReplyTo);
        message.inReplyTo = parent;
        message.references = [parent];
      }

      let info;
      try {
        info = await transporter.sendMail(message);
      } catch (err) {
        throw wrapError(err, `Sending ${messageId} via ${target.display} failed`);
      }
      return {
        messageId: info.messageId || messageId,
        accepted: (info.accepted ?? []).map(String),
        rejected: (info.rejected ?? []).map(String),
        sentAt: new Date().toISOString(),
      };
    },

    async verify(): Promise<void> {
      // A separate short-lived transport, so the health check never waits for the
      // generous timeouts used for real deliveries.
      const probe = createTransport(
        baseOptions({
          connectionTimeout: VERIFY_TIMEOUT_MS,
          greetingTimeout: VERIFY_TIMEOUT_MS,
          socketTimeout: VERIFY_TIMEOUT_MS,
          dnsTimeout: VERIFY_TIMEOUT_MS,
        }),
      );
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          probe.verify(),
          new Promise<never>((_, reject) => {
            timer = setTimeout(
              () => reject(new Error(`SMTP server ${target.display} did not answer within ${VERIFY_TIMEOUT_MS} ms`)),
              VERIFY_TIMEOUT_MS + 250,
            );
          }),
        ]);
      } catch (err) {
        throw wrapError(err, `SMTP server ${target.display} is not reachable`);
      } finally {
        if (timer) clearTimeout(timer);
        probe.close();
      }
    },

    close(): void {
      if (closed) return;
      closed = true;
      transporter.close();
    },
  };
}

function cleanAddressList(list: string[], field: string): string[] {
  if (!Array.isArray(list)) throw new Error(`OutgoingMail.${field} must be an array`);
  return list.map((a) => {
    if (typeof a !== 'string' || /[\r\n]/.test(a)) throw new Error(`Invalid address in ${field}: ${JSON.stringify(a)}`);
    return a.trim();
  }).filter((a) => a !== '');
}

function normaliseMessageId(id: string): string {
  const bare = id.replace(/[\r\n\s]+/g, '').replace(/^<|>$/g, '');
  return `<${bare}>`;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function maskUrlString(s: string): string {
  return s.replace(/\/\/([^:@/]*):[^@/]*@/, '//$1:***@');
}

function wrapError(err: unknown, context: string): Error {
  const cause = err instanceof Error ? err : new Error(String(err));
  const wrapped = new Error(`${context}: ${cause.message}`, { cause });
  const code = (cause as { code?: unknown }).code;
  if (code !== undefined) (wrapped as Error & { code?: unknown }).code = code;
  const responseCode = (cause as { responseCode?: unknown }).responseCode;
  if (responseCode !== undefined) (wrapped as Error & { responseCode?: unknown }).responseCode = responseCode;
  const permanent = (cause as { permanent?: unknown }).permanent;
  if (permanent !== undefined) (wrapped as Error & { permanent?: unknown }).permanent = permanent;
  return wrapped;
}
