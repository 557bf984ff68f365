/**
 * Local mail sink (ローカル受信メール箱), used by `npm start` in embedded mode instead of a
 * real mail relay. Works like MailHog / Mailpit, but in-process:
 *
 *  - an SMTP server (no AUTH, no STARTTLS) that stores every message it receives as a raw
 *    `.eml` file in `storeDir`, so the mail survives restarts (R-CONTACT-1: contact is by
 *    e-mail, to keep evidence);
 *  - a small HTTP UI / JSON API to read them.
 *
 * Both servers bind to loopback only. Everything taken from a message is HTML-escaped, and
 * an HTML body is shown only inside a sandboxed `<iframe srcdoc>` under a strict CSP.
 *
 * HTTP routes:
 *   GET    /                     list page (newest first)
 *   GET    /messages/:id         one message
 *   GET    /messages/:id/raw     the stored .eml
 *   GET    /api/messages         JSON list [{ id, subject, from, to, cc, date, messageId, text, ... }]
 *   GET    /api/messages/:id     JSON of one message (adds html, headers)
 *   DELETE /api/messages         delete all
 *   DELETE /api/messages/:id     delete one
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { simpleParser } from 'mailparser';
import type { AddressObject, ParsedMail } from 'mailparser';
import type { SMTPServerSession } from 'smtp-server';
import { formatJstJa } from '../../workflows/shared/jst';
import { CatcherRefusal, isLoopback, startSmtpCatcher } from './smtp-catcher';

export interface MailSinkOptions {
  smtpPort: number;
  httpPort: number;
  storeDir: string;
  /** Loopback address to bind to. Default `127.0.0.1`; other addresses are refused. */
  host?: string;
  /**
   * The desk mailbox (R-DESK-1): a message for one of these addresses is handed to `deliver`
   * (which records it durably, src/mail/inbound) before the sink answers 250; if that fails the
   * sender gets 451 and sends it again.
   */
  desk?: DeskDelivery;
  /** Largest message accepted (552 above it). Default MAIL_SINK_MAX_MESSAGE_BYTES. */
  maxMessageBytes?: number;
}

export interface DeskDelivery {
  addresses: string[];
  deliver(raw: Buffer, envelope: { from: string; to: string[] }): Promise<unknown>;
}

export interface MailSink {
  smtpUrl: string;
  webUrl: string;
  stop(): Promise<void>;
}

/** Entry of `GET /api/messages`. */
export interface SinkMessageSummary {
  id: string;
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  date: string | null;
  messageId: string | null;
  text: string;
  /** When the sink stored the message (ISO). */
  receivedAt: string;
  /** SMTP envelope sender / recipients as the sink received them (Bcc shows up here only). */
  envelopeFrom: string;
  envelopeTo: string[];
}

export const MAIL_SINK_MAX_MESSAGE_BYTES = 10 * 1024 * 1024;

const ID_RE = /^[0-9A-Za-z_-][0-9A-Za-z._-]{0,199}$/;
const EML_SUFFIX = '.eml';

export async function startMailSink(opts: MailSinkOptions): Promise<MailSink> {
  const host = opts.host ?? '127.0.0.1';
  if (!isLoopback(host)) {
    throw new Error(`Mail sink must bind to a loopback address (got ${JSON.stringify(host)})`);
  }
  const store = new MessageStore(path.resolve(opts.storeDir));
  await store.init();

  const deskAddresses = new Set((opts.desk?.addresses ?? []).map((a) => a.toLowerCase()));
  const smtp = await startSmtpCatcher({
    name: 'opsdesk-mail-sink',
    banner: 'opsdesk local mail sink',
    host,
    port: opts.smtpPort,
    maxBytes: opts.maxMessageBytes ?? MAIL_SINK_MAX_MESSAGE_BYTES,
    closeTimeoutMs: 2_000,
    onError: (err) => {
      // connection level errors (client reset etc.) are not fatal for the sink
      if (err.code !== 'ECONNRESET' && err.code !== 'EPIPE') console.warn(`[mail-sink] SMTP error: ${err.message}`);
    },
    onMessage: async (message) => {
      try {
        // The desk's mail is recorded durably before the sender hears 250 (a failure answers 451: it is sent again).
        const rcpt = message.envelopeTo.map((r) => r.toLowerCase());
        if (opts.desk && rcpt.some((r) => deskAddresses.has(r))) await opts.desk.deliver(message.raw, { from: message.envelopeFrom, to: rcpt });
        const id = await store.save(Buffer.concat([traceHeaders(message.session), message.raw]));
        return `Message stored as ${id}`;
      } catch (err) {
        throw new CatcherRefusal(`Could not store message: ${err instanceof Error ? err.message : String(err)}`, 451);
      }
    },
  });

  const web = http.createServer((req, res) => {
    handleHttp(store, req, res).catch((err: unknown) => {
      if (!res.headersSent) {
        sendText(res, 500, `内部エラー / Internal error: ${err instanceof Error ? err.message : String(err)}`);
      } else {
        res.destroy();
      }
    });
  });
  let httpPort: number;
  try {
    httpPort = await listenHttp(web, opts.httpPort, host);
  } catch (err) {
    await smtp.stop();
    throw err;
  }

  const urlHost = host.includes(':') ? `[${host}]` : host;
  let stopping: Promise<void> | undefined;
  return {
    smtpUrl: smtp.url,
    webUrl: `http://${urlHost}:${httpPort}/`,
    stop(): Promise<void> {
      stopping ??= Promise.all([smtp.stop(), closeHttp(web)]).then(() => undefined);
      return stopping;
    },
  };
}

// ---------------------------------------------------------------------------
// storage

interface StoredMessage {
  id: string;
  raw: Buffer;
  parsed: ParsedMail;
  receivedAt: Date;
}

class MessageStore {
  private seq = 0;
  /** Parsed summaries by id; .eml files never change once written. */
  private readonly cache = new Map<string, SinkMessageSummary>();

  constructor(readonly dir: string) {}

  async init(): Promise<void> {
    await fs.mkdir(this.dir, { recursive: true });
    // leftovers of a write interrupted by a crash
    for (const name of await fs.readdir(this.dir)) {
      if (name.startsWith('.') && name.endsWith('.tmp')) {
        await fs.rm(path.join(this.dir, name), { force: true });
      }
    }
  }

  /** Time-sortable unique id, e.g. `20260115T093012123Z-000001-9f3a1c2e`. */
  private newId(now: Date): string {
    const ts = now.toISOString().replace(/[-:]/g, '').replace('.', '');
    this.seq = (this.seq + 1) % 1_000_000;
    return `${ts}-${String(this.seq).padStart(6, '0')}-${randomBytes(4).toString('hex')}`;
  }

  async save(raw: Buffer): Promise<string> {
    const id = this.newId(new Date());
    const tmp = path.join(this.dir, `.${id}.tmp`);
    await fs.writeFile(tmp, raw, { flag: 'wx' });
    await fs.rename(tmp, this.file(id));
    return id;
  }

  private file(id: string): string {
    if (!ID_RE.test(id)) throw new Error('invalid id');
    return path.join(this.dir, id + EML_SUFFIX);
  }

  /** Ids, newest first. */
  async ids(): Promise<string[]> {
    let names: string[];
    try {
      names = await fs.readdir(this.dir);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw err;
    }
    return names
      .filter((n) => n.endsWith(EML_SUFFIX))
      .map((n) => n.slice(0, -EML_SUFFIX.length))
      .filter((id) => ID_RE.test(id))
      .sort()
      .reverse();
  }

  async raw(id: string): Promise<Buffer | undefined> {
    if (!ID_RE.test(id)) return undefined;
    try {
      return await fs.readFile(this.file(id));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async get(id: string): Promise<StoredMessage | undefined> {
    if (!ID_RE.test(id)) return undefined;
    let raw: Buffer;
    let receivedAt: Date;
    try {
      const file = this.file(id);
      [raw, receivedAt] = await Promise.all([fs.readFile(file), fs.stat(file).then((s) => s.mtime)]);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
    const parsed = await simpleParser(raw, { skipImageLinks: true, skipTextLinks: true });
    return { id, raw, parsed, receivedAt };
  }

  async summary(id: string): Promise<SinkMessageSummary | undefined> {
    const cached = this.cache.get(id);
    if (cached) return cached;
    const msg = await this.get(id);
    if (!msg) return undefined;
    const s = summarise(msg);
    this.cache.set(id, s);
    return s;
  }

  async list(): Promise<SinkMessageSummary[]> {
    const out: SinkMessageSummary[] = [];
    for (const id of await this.ids()) {
      try {
        const s = await this.summary(id);
        if (s) out.push(s);
      } catch {
        // an unparseable file is still reachable through /messages/:id/raw; skip it in the list
      }
    }
    return out;
  }

  async remove(id: string): Promise<boolean> {
    if (!ID_RE.test(id)) return false;
    this.cache.delete(id);
    try {
      await fs.unlink(this.file(id));
      return true;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw err;
    }
  }

  async clear(): Promise<number> {
    let n = 0;
    for (const id of await this.ids()) {
      if (await this.remove(id)) n++;
    }
    this.cache.clear();
    return n;
  }
}

function summarise(msg: StoredMessage): SinkMessageSummary {
  const p = msg.parsed;
  return {
    id: msg.id,
    subject: p.subject ?? '',
    from: p.from?.text ?? '',
    to: addresses(p.to),
    cc: addresses(p.cc),
    date: p.date && !Number.isNaN(p.date.getTime()) ? p.date.toISOString() : null,
    messageId: p.messageId ?? null,
    text: p.text ?? '',
    receivedAt: msg.receivedAt.toISOString(),
    envelopeFrom: traceHeader(p, 'return-path')[0]?.replace(/^<|>$/g, '') ?? '',
    envelopeTo: traceHeader(p, 'delivered-to'),
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

/** Values of the trace headers this sink prepends, read from the raw header lines. */
function traceHeader(p: ParsedMail, key: string): string[] {
  return p.headerLines
    .filter((h) => h.key === key)
    .map((h) => h.line.slice(h.line.indexOf(':') + 1).trim());
}

// ---------------------------------------------------------------------------
// SMTP

/** What a local delivery agent adds: Return-Path, Delivered-To per recipient and Received. */
function traceHeaders(session: SMTPServerSession): Buffer {
  const clean = (s: string): string => s.replace(/[\r\n]+/g, ' ');
  const from = session.envelope.mailFrom ? clean(session.envelope.mailFrom.address) : '';
  const lines = [`Return-Path: <${from}>`];
  for (const r of session.envelope.rcptTo) lines.push(`Delivered-To: ${clean(r.address)}`);
  const helo = clean(String(session.hostNameAppearsAs || 'unknown'));
  lines.push(
    `Received: from ${helo} ([${clean(session.remoteAddress)}])\r\n\tby opsdesk-mail-sink with SMTP id ${clean(session.id)};\r\n\t${new Date().toUTCString().replace('GMT', '+0000')}`,
  );
  return Buffer.from(lines.join('\r\n') + '\r\n', 'utf8');
}

function listenHttp(server: http.Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

function closeHttp(server: http.Server): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) {
      resolve();
      return;
    }
    server.close(() => resolve());
    server.closeAllConnections();
  });
}

// ---------------------------------------------------------------------------
// HTTP

const HTML_CSP =
  "default-src 'none'; style-src 'unsafe-inline'; img-src data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

async function handleHttp(store: MessageStore, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  // DNS-rebinding guard: only answer requests addressed to a loopback name.
  if (!isLoopbackHostHeader(req.headers.host)) {
    sendText(res, 403, '許可されていないホスト名です / Forbidden host');
    return;
  }
  const url = new URL(req.url ?? '/', 'http://localhost');
  const parts = url.pathname.split('/').filter(Boolean).map(safeDecode);
  const method = req.method ?? 'GET';
  const isGet = method === 'GET' || method === 'HEAD';

  if (parts.length === 0) {
    if (!isGet) return methodNotAllowed(res, 'GET, HEAD');
    return sendHtml(res, 200, renderList(await store.list(), `http://${req.headers.host}/`));
  }

  if (parts[0] === 'messages' && parts.length >= 2 && parts.length <= 3) {
    if (!isGet) return methodNotAllowed(res, 'GET, HEAD');
    const id = parts[1];
    if (parts.length === 3) {
      if (parts[2] !== 'raw') return notFound(res);
      const raw = await store.raw(id);
      if (!raw) return notFound(res);
      res.writeHead(200, {
        'Content-Type': 'message/rfc822',
        'Content-Disposition': `inline; filename="${id}.eml"`,
        'Content-Length': raw.length,
        'X-Content-Type-Options': 'nosniff',
        'Cache-Control': 'no-store',
      });
      res.end(method === 'HEAD' ? undefined : raw);
      return;
    }
    const msg = await store.get(id);
    if (!msg) return notFound(res);
    return sendHtml(res, 200, renderMessage(msg));
  }

  if (parts[0] === 'api' && parts[1] === 'messages') {
    if (parts.length === 2) {
      if (isGet) return sendJson(res, 200, await store.list());
      if (method === 'DELETE') return sendJson(res, 200, { deleted: await store.clear() });
      return methodNotAllowed(res, 'GET, HEAD, DELETE');
    }
    if (parts.length === 3) {
      const id = parts[2];
      if (isGet) {
        const msg = await store.get(id);
        if (!msg) return sendJson(res, 404, { error: 'not found' });
        return sendJson(res, 200, {
          ...summarise(msg),
          html: typeof msg.parsed.html === 'string' ? msg.parsed.html : null,
          headers: msg.parsed.headerLines.map((h) => h.line),
          attachments: msg.parsed.attachments.map((a) => ({ filename: a.filename ?? null, contentType: a.contentType, size: a.size })),
        });
      }
      if (method === 'DELETE') {
        return (await store.remove(id)) ? sendJson(res, 200, { deleted: 1 }) : sendJson(res, 404, { error: 'not found' });
      }
      return methodNotAllowed(res, 'GET, HEAD, DELETE');
    }
  }
  return notFound(res);
}

function isLoopbackHostHeader(hostHeader: string | undefined): boolean {
  if (!hostHeader) return false;
  const m = /^(\[[^\]]+\]|[^:]+)(?::\d+)?$/.exec(hostHeader.trim().toLowerCase());
  if (!m) return false;
  return isLoopback(m[1].replace(/^\[(.*)\]$/, '$1'));
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const COMMON_HEADERS = {
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'Cache-Control': 'no-store',
};

function sendHtml(res: http.ServerResponse, status: number, html: string): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, {
    ...COMMON_HEADERS,
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': HTML_CSP,
    'Content-Length': body.length,
  });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendJson(res: http.ServerResponse, status: number, value: unknown): void {
  const body = Buffer.from(JSON.stringify(value), 'utf8');
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': body.length });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function sendText(res: http.ServerResponse, status: number, text: string): void {
  const body = Buffer.from(text + '\n', 'utf8');
  res.writeHead(status, { ...COMMON_HEADERS, 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': body.length });
  res.end(res.req.method === 'HEAD' ? undefined : body);
}

function notFound(res: http.ServerResponse): void {
  sendHtml(res, 404, page('見つかりません / Not found', '<p>メッセージが見つかりません。 / Message not found.</p><p><a href="/">一覧へ戻る / Back to list</a></p>'));
}

function methodNotAllowed(res: http.ServerResponse, allow: string): void {
  res.setHeader('Allow', allow);
  sendText(res, 405, '許可されていないメソッドです / Method not allowed');
}

// ---------------------------------------------------------------------------
// HTML rendering (every value from a message goes through esc())

export function esc(value: string | number | null | undefined): string {
  return String(value ?? '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

function formatDate(iso: string | Date | null | undefined): string {
  if (!iso) return '';
  const d = typeof iso === 'string' ? new Date(iso) : iso;
  if (Number.isNaN(d.getTime())) return '';
  return `${formatJstJa(d.toISOString())} JST`;
}

const STYLE = `
body{font-family:"Hiragino Sans","Noto Sans JP","Yu Gothic",Meiryo,sans-serif;margin:1.5rem;color:#1a1a1a}
h1{font-size:1.4rem}h2{font-size:1.1rem;margin-top:1.5rem}
table{border-collapse:collapse;width:100%}th,td{border:1px solid #ccc;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f2f4f7;white-space:nowrap}tr:hover td{background:#fafbfc}
pre{background:#f7f7f7;border:1px solid #ddd;padding:.75rem;white-space:pre-wrap;word-break:break-word}
iframe{width:100%;min-height:24rem;border:1px solid #ccc;background:#fff}
.muted{color:#666;font-size:.9rem}.en{color:#555;font-size:.9em}
`;

function page(title: string, body: string): string {
  return `<!DOCTYPE html>
<html lang="ja">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>${esc(title)}</title>
<style>${STYLE}</style>
</head>
<body>
${body}
</body>
</html>
`;
}

function renderList(messages: SinkMessageSummary[], baseUrl: string): string {
  const rows = messages
    .map(
      (m) => `<tr>
<td>${esc(formatDate(m.date ?? m.receivedAt))}</td>
<td>${esc(m.from)}</td>
<td>${esc([...m.to, ...m.cc].join(', '))}</td>
<td><a href="/messages/${encodeURIComponent(m.id)}">${m.subject ? esc(m.subject) : '<span class="muted">（件名なし / no subject）</span>'}</a></td>
</tr>`,
    )
    .join('\n');
  const table = messages.length
    ? `<table>
<thead><tr><th>日時 <span class="en">/ Date</span></th><th>差出人 <span class="en">/ From</span></th><th>宛先 <span class="en">/ To</span></th><th>件名 <span class="en">/ Subject</span></th></tr></thead>
<tbody>
${rows}
</tbody>
</table>`
    : '<p>受信メールはありません。 <span class="en">/ No messages received yet.</span></p>';
  return page(
    '受信メール / Received mail — opsdesk',
    `<h1>受信メール <span class="en">/ Received mail</span></h1>
<p class="muted">opsdesk ローカルメール受信箱（外部には送信されません） / opsdesk local mail sink (nothing is delivered outside).
${messages.length} 件 / ${messages.length} message(s). <a href="/">再読込 / Reload</a> · <a href="/api/messages">JSON</a></p>
${table}
<p class="muted">全件削除 / Delete all: <code>curl -X DELETE ${esc(baseUrl)}api/messages</code></p>`,
  );
}

function renderMessage(msg: StoredMessage): string {
  const s = summarise(msg);
  const p = msg.parsed;
  const row = (ja: string, en: string, value: string): string =>
    `<tr><th>${ja} <span class="en">/ ${en}</span></th><td>${esc(value)}</td></tr>`;
  const html = typeof p.html === 'string' && p.html ? p.html : '';
  const attachments = p.attachments.length
    ? `<h2>添付ファイル <span class="en">/ Attachments</span></h2><ul>${p.attachments
        .map((a) => `<li>${esc(a.filename ?? '(名前なし / unnamed)')} — ${esc(a.contentType)}, ${esc(a.size)} bytes</li>`)
        .join('')}</ul>`
    : '';
  const body = `<p><a href="/">← 一覧へ戻る <span class="en">/ Back to list</span></a> · <a href="/messages/${encodeURIComponent(s.id)}/raw">元のメッセージ (.eml) <span class="en">/ Raw message</span></a></p>
<h1>${s.subject ? esc(s.subject) : '（件名なし / no subject）'}</h1>
<table>
${row('差出人', 'From', s.from)}
${row('宛先', 'To', (p.to ? (Array.isArray(p.to) ? p.to : [p.to]).map((a) => a.text).join(', ') : ''))}
${row('CC', 'Cc', p.cc ? (Array.isArray(p.cc) ? p.cc : [p.cc]).map((a) => a.text).join(', ') : '')}
${row('日付', 'Date', s.date ? `${formatDate(s.date)} (${s.date})` : '')}
${row('受信日時', 'Received', `${formatDate(s.receivedAt)} (${s.receivedAt})`)}
${row('エンベロープ送信者', 'Envelope from', s.envelopeFrom)}
${row('エンベロープ宛先', 'Envelope to', s.envelopeTo.join(', '))}
${row('Message-ID', 'Message-ID', s.messageId ?? '')}
${row('In-Reply-To', 'In-Reply-To', p.inReplyTo ?? '')}
</table>
<h2>本文（テキスト） <span class="en">/ Text body</span></h2>
${p.text ? `<pre>${esc(p.text)}</pre>` : '<p class="muted">（なし / none）</p>'}
${
  html
    ? `<h2>本文（HTML） <span class="en">/ HTML body</span></h2>
<p class="muted">スクリプト無効のサンドボックスで表示しています。外部画像は読み込みません。 / Shown in a sandbox without scripts; remote images are not loaded.</p>
<iframe sandbox="" referrerpolicy="no-referrer" title="HTML body" srcdoc="${esc(html)}"></iframe>
<details><summary>HTML ソース <span class="en">/ HTML source</span></summary><pre>${esc(html)}</pre></details>`
    : ''
}
${attachments}
<h2>ヘッダー <span class="en">/ Headers</span></h2>
<pre>${esc(p.headerLines.map((h) => h.line).join('\n'))}</pre>`;
  return page(`${s.subject || '(no subject)'} — 受信メール / Received mail`, body);
}
