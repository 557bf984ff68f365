import { ImapFlow } from 'imapflow';
import { createTransport } from 'nodemailer';
import { ImapReader } from '../../src/mail/inbound/imap-reader';
import { MailIntake } from '../../src/mail/inbound/mail-intake.service';
import { encodedWord, messageId } from '../support/desk-mail';
import { FlowDriver } from '../support/flow';
import { startGreenMail, type GreenMail } from '../support/greenmail';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * R-DESK-1 / R-CONTACT-1 in production: the desk mailbox read over IMAP from a real IMAP server
 * (GreenMail, started by the test on loopback). A mail is moved to the processed folder only after
 * its inbox row is written; a reader killed between reading and recording, or between recording
 * and moving, loses and duplicates nothing.
 */
describe('R-DESK-1: the desk mailbox over IMAP (real IMAP server)', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let mail: GreenMail;
  let intake: MailIntake;

  beforeAll(async () => {
    system = await startTestSystem();
    mail = await startGreenMail();
    flow = new FlowDriver(system);
    intake = system.app.get(MailIntake);
  }, 120_000);
  afterAll(async () => {
    await system?.close();
    await mail?.stop();
  });

  const reader = (record: ConstructorParameters<typeof ImapReader>[0]['record']) =>
    new ImapReader({ host: '127.0.0.1', port: mail.imapPort, secure: false, user: mail.user, pass: mail.password, pollMs: 60_000, record });

  async function deliver(subject: string, id = messageId('imap')) {
    const transport = createTransport({ host: '127.0.0.1', port: mail.smtpPort, secure: false, ignoreTLS: true, logger: false });
    try {
      await transport.sendMail({ envelope: { from: 'kimura@dept.example.jp', to: [mail.address] }, raw: [
        'From: kimura@dept.example.jp', `To: ${mail.address}`, `Subject: ${encodedWord(subject, 'UTF-8')}`, `Message-ID: ${id}`,
        'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', `${subject} の件でご相談です。`, '',
      ].join('\r\n') });
    } finally {
      transport.close();
    }
    return id;
  }

  /** Message counts of the inbox and the processed folder, asked by a client of its own. */
  async function counts() {
    const client = new ImapFlow({ host: '127.0.0.1', port: mail.imapPort, secure: false, auth: { user: mail.user, pass: mail.password }, logger: false });
    await client.connect();
    try {
      const messages = async (path: string) => {
        const status = await client.status(path, { messages: true });
        return status ? status.messages ?? 0 : 0;
      };
      const list = await client.list();
      return { inbox: await messages('INBOX'), processed: list.some((f) => f.path === 'Processed') ? await messages('Processed') : 0 };
    } finally {
      await client.logout();
    }
  }

  async function waitForInbox(n: number) {
    const deadline = Date.now() + 10_000;
    while ((await counts()).inbox < n && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
  }

  async function inboxRows() {
    return (await flow.as('op1', 'GET', '/api/desk/mail-inbox')).body.items as Array<{ messageId: string; transport: string; outcome: string; caseNumber: string | null }>;
  }

  async function inquiryCount() {
    return (await flow.as('op1', 'GET', '/api/cases?kind=inquiry')).body.total as number;
  }

  test('R-DESK-1: mail in the IMAP inbox becomes inquiries and is moved to the processed folder after it is recorded', async () => {
    const id = await deliver('VPN接続について');
    await waitForInbox(1);
    const imap = reader((raw, meta) => intake.record(raw, meta));
    await imap.start();
    await imap.stop();
    await intake.drain();
    expect(await counts()).toEqual({ inbox: 0, processed: 1 });
    const [row] = (await inboxRows()).filter((r) => `<${r.messageId}>` === id);
    expect(row).toMatchObject({ transport: 'imap', outcome: 'inquiry' });
    const detail = (await flow.as('op1', 'GET', `/api/inquiries/${row.caseNumber}`)).body;
    expect(detail.subject).toBe('VPN接続について');
  });

  test('R-CONTACT-1: a reader killed between reading and recording, then one killed between recording and moving, lose and duplicate nothing', async () => {
    const before = await inquiryCount();
    const ids = [await deliver('プリンタが使えない'), await deliver('アカウントの追加'), await deliver('バックアップの確認')];
    await waitForInbox(3);

    // 1. Killed after reading, before anything is recorded: the mails stay in the inbox.
    const first: ImapReader = reader(() => {
      first.kill();
      return Promise.reject(new Error('killed before recording'));
    });
    await first.start().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(await counts()).toMatchObject({ inbox: 3 });
    expect((await inboxRows()).filter((r) => ids.includes(`<${r.messageId}>`))).toHaveLength(0);

    // 2. Killed after recording the first mail, before moving it.
    const second: ImapReader = reader(async (raw, meta) => {
      await intake.record(raw, meta);
      second.kill();
      throw new Error('killed');
    });
    await second.start().catch(() => undefined);
    await new Promise((r) => setTimeout(r, 300));
    expect(await counts()).toMatchObject({ inbox: 3 });
    expect((await inboxRows()).filter((r) => ids.includes(`<${r.messageId}>`))).toHaveLength(1);

    // 3. A healthy reader: every mail recorded once, moved, one inquiry each.
    const third = reader((raw, meta) => intake.record(raw, meta));
    await third.start();
    await third.stop();
    await intake.drain();
    expect(await counts()).toMatchObject({ inbox: 0 });
    const rows = (await inboxRows()).filter((r) => ids.includes(`<${r.messageId}>`));
    expect(rows).toHaveLength(3);
    expect(rows.every((r) => r.outcome === 'inquiry' && r.transport === 'imap')).toBe(true);
    expect(new Set(rows.map((r) => r.caseNumber)).size).toBe(3);
    expect(await inquiryCount()).toBe(before + 3);
  });

  test('R-DESK-1: new mail at a quiet inbox is noticed at once while the reader waits (IDLE), without a poll and without imapflow\'s 15 s auto-IDLE delay', async () => {
    const recorded = new Map<string, number>();
    const imap = reader(async (raw, meta) => {
      const result = await intake.record(raw, meta);
      recorded.set(result.messageKey, Date.now());
      return result;
    });
    await imap.start();
    try {
      // The reader found the inbox empty and waits: the next mail must come in well before 15 s.
      await new Promise((r) => setTimeout(r, 1_000));
      const sentAt = Date.now();
      const id = await deliver('IDLEで届くメール');
      const deadline = Date.now() + 20_000;
      while (!recorded.has(id.replace(/^<|>$/g, '')) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      const pickup = recorded.get(id.replace(/^<|>$/g, ''))! - sentAt;
      console.log(`[R-DESK-1] IMAP pickup after IDLE on a quiet inbox: ${pickup} ms`);
      expect(pickup).toBeLessThan(5_000);
      await intake.drain();
      expect((await inboxRows()).find((r) => `<${r.messageId}>` === id)).toMatchObject({ transport: 'imap', outcome: 'inquiry' });
    } finally {
      await imap.stop();
    }
  });
});
