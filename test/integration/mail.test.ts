import { promises as fs } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { startMailSink } from '../../src/mail/mail-sink';
import { createSmtpMailer, decodeKeyHeader, messageIdForKey, type Mailer } from '../../src/mail/mailer';
import { startSmtpCapture, type SmtpCapture } from '../support/smtp-capture';

jest.setTimeout(20_000);

const FROM = '"運用保守デスク opsdesk" <opsdesk@example.lg.jp>';
const SUBJECT = '【opsdesk】INC-2026-0001 障害を受け付けました / Incident received';
const TEXT = [
  '障害報告を受け付けました。受付番号: INC-2026-0001',
  '担当者から 30 分以内にご連絡します。',
  '',
  'We have received your incident report. Reference: INC-2026-0001',
  'A member of the O&M team will contact you within 30 minutes.',
].join('\n');

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

interface HttpResult {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Plain node:http request without keep-alive, so no socket outlives the test. */
function request(url: string, opts: { method?: string; headers?: Record<string, string> } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method: opts.method ?? 'GET', headers: opts.headers, agent: false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function getJson<T>(url: string): Promise<T> {
  const r = await request(url);
  expect(r.status).toBe(200);
  expect(r.headers['content-type']).toMatch(/^application\/json/);
  return JSON.parse(r.body) as T;
}

interface ApiMessage {
  id: string;
  subject: string;
  from: string;
  to: string[];
  cc: string[];
  date: string | null;
  messageId: string | null;
  text: string;
  envelopeTo: string[];
}

describe('createSmtpMailer → smtp capture', () => {
  let capture: SmtpCapture;
  let mailer: Mailer;

  beforeAll(async () => {
    capture = await startSmtpCapture();
    mailer = createSmtpMailer({ smtpUrl: capture.url, from: FROM });
  });
  afterEach(() => capture.clear());
  afterAll(async () => {
    mailer.close();
    await capture.stop();
  });

  it('R-CONTACT-1: sends a Japanese-first incident receipt by e-mail with a decodable subject, recipients, deterministic Message-ID and X-Opsdesk-Key', async () => {
    const sent = await mailer.send({
      messageKey: 'INC-2026-0001.received',
      to: ['reporter@example.lg.jp'],
      cc: ['manager@example.lg.jp', 'ops-team@example.co.jp'],
      subject: SUBJECT,
      text: TEXT,
      html: '<p>障害報告を受け付けました。</p><p>We have received your incident report.</p>',
    });

    expect(sent.messageId).toBe('<INC-2026-0001.received@opsdesk.local>');
    expect(sent.accepted.sort()).toEqual(['manager@example.lg.jp', 'ops-team@example.co.jp', 'reporter@example.lg.jp']);
    expect(sent.rejected).toEqual([]);
    expect(new Date(sent.sentAt).toISOString()).toBe(sent.sentAt);

    const [mail] = await capture.waitFor((m) => m.subject.includes('INC-2026-0001'));
    expect(mail.subject).toBe(SUBJECT);
    expect(mail.from).toContain('運用保守デスク');
    expect(mail.from).toContain('opsdesk@example.lg.jp');
    expect(mail.envelopeFrom).toBe('opsdesk@example.lg.jp');
    expect(mail.to).toEqual(['reporter@example.lg.jp']);
    expect(mail.cc).toEqual(['manager@example.lg.jp', 'ops-team@example.co.jp']);
    expect(mail.envelopeTo.sort()).toEqual(['manager@example.lg.jp', 'ops-team@example.co.jp', 'reporter@example.lg.jp']);
    expect(mail.text.trim()).toBe(TEXT);
    // Japanese first, English below
    expect(mail.text.indexOf('障害報告を受け付けました')).toBeLessThan(mail.text.indexOf('We have received'));
    expect(mail.html).toContain('障害報告を受け付けました。');
    expect(mail.messageId).toBe('<INC-2026-0001.received@opsdesk.local>');
    expect(mail.headers.get('x-opsdesk-key')).toBe('INC-2026-0001.received');

    // on the wire: non-ASCII headers are MIME encoded words in UTF-8, bodies are declared UTF-8
    expect(mail.raw).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
    expect(mail.raw).not.toContain('障害');
    expect(mail.raw).toMatch(/^Content-Type: text\/plain; charset=utf-8/im);
    expect(mail.raw).toMatch(/^Message-ID: <INC-2026-0001\.received@opsdesk\.local>\r?$/m);
    expect(mail.raw).toMatch(/^X-Opsdesk-Key: INC-2026-0001\.received\r?$/m);
  });

  it('R-CONTACT-1: a retried send carries the same Message-ID, so the duplicate is recognisable', async () => {
    const mail = { messageKey: 'INC-2026-0002.received', to: ['a@example.lg.jp'], subject: '再送テスト / Retry test', text: '本文 / body' };
    const first = await mailer.send(mail);
    const second = await mailer.send(mail);
    expect(second.messageId).toBe(first.messageId);
    const got = await capture.waitFor((m) => m.subject === '再送テスト / Retry test', { count: 2 });
    expect(got).toHaveLength(2);
    expect(got[0].messageId).toBe(got[1].messageId);
    expect(got[0].messageId).toBe(messageIdForKey('INC-2026-0002.received'));
  });

  it('turns arbitrary keys into valid, distinct, deterministic Message-IDs and honours messageIdDomain', async () => {
    const custom = createSmtpMailer({ smtpUrl: capture.url, from: 'opsdesk@example.lg.jp', messageIdDomain: 'opsdesk.example.lg.jp' });
    try {
      const keyA = 'wf/INC-2026-0003:ack 受付';
      const keyB = 'wf/INC-2026-0003:ack 完了';
      const a = await custom.send({ messageKey: keyA, to: ['a@example.lg.jp'], subject: 'A', text: 'a' });
      const b = await custom.send({ messageKey: keyB, to: ['a@example.lg.jp'], subject: 'B', text: 'b' });
      expect(a.messageId).toMatch(/^<[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*@opsdesk\.example\.lg\.jp>$/);
      expect(a.messageId).not.toBe(b.messageId);
      expect(a.messageId).toBe(messageIdForKey(keyA, 'opsdesk.example.lg.jp'));
      const [ma] = await capture.waitFor((m) => m.subject === 'A');
      expect(ma.messageId).toBe(a.messageId);
      // the key header stays plain ASCII (percent-encoded) so it can be read without MIME decoding
      expect(ma.raw).toMatch(/^X-Opsdesk-Key: [\x21-\x7e]+\r?$/m);
      expect(decodeKeyHeader(String(ma.headers.get('x-opsdesk-key')))).toBe(keyA);
    } finally {
      custom.close();
    }
  });

  it('sets In-Reply-To and References for replies', async () => {
    await mailer.send({
      messageKey: 'INC-2026-0001.resolved',
      to: ['reporter@example.lg.jp'],
      subject: 'Re: 【opsdesk】INC-2026-0001 対応完了 / Resolved',
      text: '対応が完了しました。 / Resolved.',
      inReplyTo: 'INC-2026-0001.received@opsdesk.local',
    });
    const [m] = await capture.waitFor((x) => x.subject.includes('対応完了'));
    expect(m.headers.get('in-reply-to')).toBe('<INC-2026-0001.received@opsdesk.local>');
    expect(m.headers.get('references')).toBe('<INC-2026-0001.received@opsdesk.local>');
  });

  it('authenticates with credentials from the URL (percent-decoded)', async () => {
    const withAuth = createSmtpMailer({ smtpUrl: `smtp://ops%40desk:p%40ss%3Aw0rd@127.0.0.1:${capture.port}`, from: 'opsdesk@example.lg.jp' });
    try {
      await withAuth.send({ messageKey: 'auth-test', to: ['a@example.lg.jp'], subject: '認証 / Auth', text: 'x' });
      const [m] = await capture.waitFor((x) => x.subject === '認証 / Auth');
      expect(m.authUser).toBe('ops@desk');
    } finally {
      withAuth.close();
    }
  });

  it('rejects invalid input and unsupported URLs', async () => {
    expect(() => createSmtpMailer({ smtpUrl: 'http://127.0.0.1:25', from: 'a@example.lg.jp' })).toThrow(/scheme/);
    expect(() => createSmtpMailer({ smtpUrl: capture.url, from: 'a@example.lg.jp', messageIdDomain: 'bad domain' })).toThrow(/messageIdDomain/);
    await expect(mailer.send({ messageKey: '', to: ['a@example.lg.jp'], subject: 's', text: 't' })).rejects.toThrow(/messageKey/);
    await expect(mailer.send({ messageKey: 'k', to: [], subject: 's', text: 't' })).rejects.toThrow(/to/);
  });

  it('waitFor rejects after its timeout listing the subjects it did receive', async () => {
    await mailer.send({ messageKey: 'wait-test', to: ['a@example.lg.jp'], subject: '届いた件名 / Arrived', text: 'x' });
    await capture.waitFor((m) => m.subject === '届いた件名 / Arrived');
    await expect(capture.waitFor((m) => m.subject === 'never', { timeoutMs: 200 })).rejects.toThrow(/届いた件名 \/ Arrived/);
  });

  it('verify() resolves against a running SMTP server', async () => {
    await expect(mailer.verify()).resolves.toBeUndefined();
  });
});

describe('createSmtpMailer.verify() failure modes', () => {
  it('rejects quickly when nothing listens on the port', async () => {
    const port = await freePort();
    const mailer = createSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'opsdesk@example.lg.jp' });
    const t0 = Date.now();
    try {
      await expect(mailer.verify()).rejects.toThrow(/not reachable/);
    } finally {
      mailer.close();
    }
    expect(Date.now() - t0).toBeLessThan(4_000);
  });

  it('rejects within ~3 s when the server accepts TCP but never greets', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const { port } = silent.address() as net.AddressInfo;
    const mailer = createSmtpMailer({ smtpUrl: `smtp://127.0.0.1:${port}`, from: 'opsdesk@example.lg.jp' });
    const t0 = Date.now();
    try {
      await expect(mailer.verify()).rejects.toThrow(/not reachable/);
      expect(Date.now() - t0).toBeLessThan(4_500);
    } finally {
      mailer.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('local mail sink', () => {
  let storeDir: string;

  beforeEach(async () => {
    storeDir = await fs.mkdtemp(path.join(os.tmpdir(), 'opsdesk-mail-sink-'));
  });
  afterEach(async () => {
    await fs.rm(storeDir, { recursive: true, force: true });
  });

  async function start(dir = storeDir) {
    return startMailSink({ smtpPort: await freePort(), httpPort: await freePort(), storeDir: path.join(dir, 'mail') });
  }

  it('R-CONTACT-1: stores received mail as .eml, lists it decoded (JSON + HTML) and keeps it across restarts', async () => {
    let sink = await start();
    expect(sink.smtpUrl).toMatch(/^smtp:\/\/127\.0\.0\.1:\d+$/);
    expect(sink.webUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const mailer = createSmtpMailer({ smtpUrl: sink.smtpUrl, from: FROM });
    try {
      await mailer.verify();
      await mailer.send({
        messageKey: 'INC-2026-0001.received',
        to: ['reporter@example.lg.jp'],
        cc: ['manager@example.lg.jp'],
        subject: SUBJECT,
        text: TEXT,
      });
      await mailer.send({
        messageKey: 'INC-2026-0001.assigned',
        to: ['reporter@example.lg.jp'],
        subject: '【opsdesk】INC-2026-0001 担当者を割り当てました / Assigned',
        text: '担当者: 山田 / Assignee: Yamada',
      });

      const list = await getJson<ApiMessage[]>(`${sink.webUrl}api/messages`);
      expect(list).toHaveLength(2);
      // newest first
      expect(list[0].subject).toBe('【opsdesk】INC-2026-0001 担当者を割り当てました / Assigned');
      const received = list[1];
      expect(received.subject).toBe(SUBJECT);
      expect(received.to).toEqual(['reporter@example.lg.jp']);
      expect(received.cc).toEqual(['manager@example.lg.jp']);
      expect(received.from).toContain('運用保守デスク');
      expect(received.messageId).toBe('<INC-2026-0001.received@opsdesk.local>');
      expect(received.text).toContain('担当者から 30 分以内にご連絡します。');
      expect(received.date).not.toBeNull();
      expect(received.envelopeTo.sort()).toEqual(['manager@example.lg.jp', 'reporter@example.lg.jp']);

      const files = (await fs.readdir(path.join(storeDir, 'mail'))).filter((f) => f.endsWith('.eml'));
      expect(files.sort()).toEqual([`${list[1].id}.eml`, `${list[0].id}.eml`]);

      const index = await request(sink.webUrl);
      expect(index.status).toBe(200);
      expect(index.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(index.headers['content-security-policy']).toContain("default-src 'none'");
      expect(index.body).toContain('受信メール');
      expect(index.body).toContain('Received mail');
      expect(index.body).toContain('【opsdesk】INC-2026-0001 障害を受け付けました / Incident received');
      expect(index.body.indexOf('担当者を割り当てました')).toBeLessThan(index.body.indexOf('障害を受け付けました'));

      const detail = await request(`${sink.webUrl}messages/${received.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).toContain('障害報告を受け付けました。受付番号: INC-2026-0001');
      expect(detail.body).toContain('&lt;INC-2026-0001.received@opsdesk.local&gt;');

      const raw = await request(`${sink.webUrl}messages/${received.id}/raw`);
      expect(raw.status).toBe(200);
      expect(raw.headers['content-type']).toBe('message/rfc822');
      expect(raw.body).toMatch(/^Subject: =\?UTF-8\?[BQ]\?/im);
      expect(raw.body).toMatch(/^Message-ID: <INC-2026-0001\.received@opsdesk\.local>\r?$/m);
    } finally {
      mailer.close();
      await sink.stop();
    }

    // restart on new ports with the same store
    sink = await start();
    try {
      const again = await getJson<ApiMessage[]>(`${sink.webUrl}api/messages`);
      expect(again.map((m) => m.subject)).toEqual(['【opsdesk】INC-2026-0001 担当者を割り当てました / Assigned', SUBJECT]);
      const page = await request(sink.webUrl);
      expect(page.body).toContain(SUBJECT);

      const cleared = await request(`${sink.webUrl}api/messages`, { method: 'DELETE' });
      expect(cleared.status).toBe(200);
      expect(JSON.parse(cleared.body)).toEqual({ deleted: 2 });
      expect(await getJson<ApiMessage[]>(`${sink.webUrl}api/messages`)).toEqual([]);
      expect((await fs.readdir(path.join(storeDir, 'mail'))).filter((f) => f.endsWith('.eml'))).toEqual([]);
      expect((await request(sink.webUrl)).body).toContain('受信メールはありません');
    } finally {
      await sink.stop();
    }
  });

  it('escapes HTML from subjects, addresses and bodies; shows HTML bodies only in a sandboxed srcdoc iframe', async () => {
    const sink = await start();
    const mailer = createSmtpMailer({ smtpUrl: sink.smtpUrl, from: '"<img src=x onerror=alert(1)>" <evil@example.com>' });
    try {
      await mailer.send({
        messageKey: 'xss-test',
        to: ['reporter@example.lg.jp'],
        subject: '<script>alert("件名")</script> & <b>太字</b>',
        text: 'テキスト <script>alert(2)</script>',
        html: '<p>本文</p><script>alert(3)</script><img src="https://tracker.example/p.gif">',
      });
      const [m] = await getJson<ApiMessage[]>(`${sink.webUrl}api/messages`);
      expect(m.subject).toBe('<script>alert("件名")</script> & <b>太字</b>');

      const index = await request(sink.webUrl);
      expect(index.body).toContain('&lt;script&gt;alert(&quot;件名&quot;)&lt;/script&gt; &amp; &lt;b&gt;太字&lt;/b&gt;');
      expect(index.body).not.toMatch(/<script/i);
      expect(index.body).not.toContain('<b>太字');
      expect(index.body).not.toMatch(/<img/i);

      const detail = await request(`${sink.webUrl}messages/${m.id}`);
      expect(detail.status).toBe(200);
      expect(detail.body).not.toMatch(/<script/i);
      expect(detail.body).not.toMatch(/<img/i);
      expect(detail.body).toMatch(/<iframe sandbox="" [^>]*srcdoc="&lt;p&gt;本文&lt;\/p&gt;&lt;script&gt;alert\(3\)&lt;\/script&gt;/);
      expect(detail.body).toContain('テキスト &lt;script&gt;alert(2)&lt;/script&gt;');
    } finally {
      mailer.close();
      await sink.stop();
    }
  });

  it('answers only loopback Host names (DNS rebinding), 404s unknown ids and refuses to bind elsewhere', async () => {
    const sink = await start();
    try {
      const rebinding = await request(`${sink.webUrl}api/messages`, { headers: { Host: 'attacker.example:80' } });
      expect(rebinding.status).toBe(403);
      const local = await request(`${sink.webUrl}api/messages`, { headers: { Host: `localhost:${new URL(sink.webUrl).port}` } });
      expect(local.status).toBe(200);
      expect((await request(`${sink.webUrl}messages/does-not-exist`)).status).toBe(404);
      expect((await request(`${sink.webUrl}messages/..%2F..%2Fetc%2Fpasswd/raw`)).status).toBe(404);
    } finally {
      await sink.stop();
    }
    await expect(startMailSink({ smtpPort: 0, httpPort: 0, storeDir, host: '0.0.0.0' })).rejects.toThrow(/loopback/);
  });
});
