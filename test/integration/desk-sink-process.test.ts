import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTransport } from 'nodemailer';
import { freePort, isPortOpen } from '../../src/embedded/ports';
import { MailIntake } from '../../src/mail/inbound/mail-intake.service';
import { encodedWord, messageId } from '../support/desk-mail';
import { FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * R-DESK-1, embedded default: the mail sink as `npm start` runs it (its own process,
 * dist/src/mail/mail-sink-main.js) writes mail for the desk address into opsdesk's database before
 * it answers 250; the API's intake opens the inquiry. Other mail is only kept in the sink.
 */
describe('R-DESK-1: the embedded mail sink process accepts mail for the desk address', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let sink: ChildProcess | undefined;
  let smtpPort: number;
  const storeDir = mkdtempSync(join(tmpdir(), 'opsdesk-sink-process-'));

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
    smtpPort = await freePort();
    sink = spawn(process.execPath, [join(__dirname, '..', '..', 'dist', 'src', 'mail', 'mail-sink-main.js')], {
      env: { ...process.env, DATABASE_URL: system.config.databaseUrl, OPSDESK_SMTP_PORT: String(smtpPort), OPSDESK_MAIL_WEB_PORT: String(await freePort()), OPSDESK_MAIL_STORE_DIR: storeDir, DESK_MAIL_ADDRESS: 'desk@opsdesk.local' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const deadline = Date.now() + 20_000;
    while (!(await isPortOpen(smtpPort))) {
      if (Date.now() > deadline || sink.exitCode !== null) throw new Error('the mail sink did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  afterAll(async () => {
    if (sink && sink.exitCode === null) {
      const exited = new Promise((r) => sink!.once('exit', r));
      sink.kill('SIGTERM');
      await exited;
    }
    await system?.close();
    rmSync(storeDir, { recursive: true, force: true });
  });

  test('R-DESK-1: a mail to the desk address becomes an inquiry; a mail to anyone else does not', async () => {
    const transport = createTransport({ host: '127.0.0.1', port: smtpPort, secure: false, ignoreTLS: true, logger: false });
    const id = messageId('sink');
    const other = messageId('other');
    const mail = (to: string, mid: string) => Buffer.from([
      'From: mori@dept.example.jp', `To: ${to}`, `Subject: ${encodedWord('共有プリンタの設定方法', 'UTF-8')}`, `Message-ID: ${mid}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', '', '設定方法を教えてください。', '',
    ].join('\r\n'), 'utf8');
    try {
      await transport.sendMail({ envelope: { from: 'mori@dept.example.jp', to: ['desk@opsdesk.local'] }, raw: mail('desk@opsdesk.local', id) });
      await transport.sendMail({ envelope: { from: 'mori@dept.example.jp', to: ['someone@example.lg.jp'] }, raw: mail('someone@example.lg.jp', other) });
    } finally {
      transport.close();
    }
    await system.app.get(MailIntake).drain();
    const rows = (await flow.as('op1', 'GET', '/api/desk/mail-inbox')).body.items as Array<{ messageId: string; outcome: string; caseNumber: string; transport: string }>;
    const row = rows.find((r) => `<${r.messageId}>` === id);
    expect(row).toMatchObject({ outcome: 'inquiry', transport: 'smtp' });
    expect(rows.some((r) => `<${r.messageId}>` === other)).toBe(false);
    expect((await flow.as('op1', 'GET', `/api/inquiries/${row!.caseNumber}`)).body.subject).toBe('共有プリンタの設定方法');
  });
});
