import { FlowDriver } from '../support/flow';
import { DESK_ADDRESS, encodedWord, inCharset, messageId, quotedPrintable, startDeskSink } from '../support/desk-mail';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * Mail in, through the real SMTP listener of the embedded mail sink, into PostgreSQL's mail_inbox
 * and on to real Temporal: R-DESK-1 (every inquiry in one place), R-CONTACT-1 (mail is the
 * evidence), R-FLOW-1 (the monitoring system's alert mail).
 */
describe('R-DESK-1 / R-CONTACT-1 / R-FLOW-1: the desk mailbox', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let desk: Awaited<ReturnType<typeof startDeskSink>>;

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
    desk = await startDeskSink(system, { maxMessageBytes: 25 * 1024 * 1024 });
  });
  afterAll(async () => {
    await desk?.stop();
    await system?.close();
  });

  async function inbox() {
    return (await flow.as('op1', 'GET', '/api/desk/mail-inbox')).body.items as Array<{ messageId: string; outcome: string; caseNumber: string | null; detail: any }>;
  }

  async function delivered(id: string) {
    await desk.intake.drain();
    const row = (await inbox()).find((r) => `<${r.messageId}>` === id);
    if (!row) throw new Error(`${id} is not in the inbox`);
    return row;
  }

  async function caseCount(kind: string) {
    return (await flow.as('op1', 'GET', `/api/cases?kind=${kind}`)).body.total as number;
  }

  function isoJpMail(id: string) {
    const subject = encodedWord('税務システムの帳票が出力できません', 'ISO-2022-JP');
    const body = inCharset('税務課の田中です。\r\n本日10時頃から、住民税の帳票が出力できません。\r\nエラー画面を添付します。\r\n', 'ISO-2022-JP');
    const file = Buffer.from('エラーコード: E-4012\n', 'utf8').toString('base64');
    return Buffer.from([
      `From: ${encodedWord('田中 一郎', 'ISO-2022-JP')} <tanaka@vendor-a.example.jp>`,
      `To: ${DESK_ADDRESS}`,
      `Subject: ${subject}`,
      `Message-ID: ${id}`,
      'Date: Mon, 07 Dec 2026 10:05:00 +0900',
      'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="b1"',
      '',
      '--b1',
      'Content-Type: text/plain; charset=ISO-2022-JP',
      'Content-Transfer-Encoding: 7bit',
      '',
      body,
      '--b1',
      'Content-Type: text/plain; charset=UTF-8',
      'Content-Transfer-Encoding: base64',
      "Content-Disposition: attachment; filename*=UTF-8''%E3%82%A8%E3%83%A9%E3%83%BC%E5%86%85%E5%AE%B9.txt",
      '',
      file,
      '--b1--',
      '',
    ].join('\r\n'), 'binary');
  }

  function plainMail(headers: Record<string, string>, body = 'お世話になっております。\r\n', contentType = 'text/plain; charset=UTF-8') {
    const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
    return [...lines, 'MIME-Version: 1.0', `Content-Type: ${contentType}`, 'Content-Transfer-Encoding: 8bit', '', body].join('\r\n');
  }

  let firstInquiry = '';

  test('R-DESK-1: an ISO-2022-JP mail with an attachment becomes an inquiry with readable Japanese and the file', async () => {
    const id = messageId('isojp');
    await desk.send(isoJpMail(id), 'tanaka@vendor-a.example.jp');
    const row = await delivered(id);
    expect(row.outcome).toBe('inquiry');
    expect(row.caseNumber).toMatch(/^INQ-\d{4}-\d{4}$/);
    firstInquiry = row.caseNumber!;
    const detail = (await flow.as('op1', 'GET', `/api/inquiries/${firstInquiry}`)).body;
    expect(detail.subject).toBe('税務システムの帳票が出力できません');
    expect(detail.description).toContain('住民税の帳票が出力できません');
    expect(detail.inquiry).toMatchObject({ channel: 'mail', category: 'other', asker: { name: '田中 一郎', email: 'tanaka@vendor-a.example.jp' }, mailMessageId: id });
    expect(detail.attachments).toEqual([expect.objectContaining({ filename: 'エラー内容.txt', source: 'mail' })]);
    const file = await fetch(`${system.baseUrl}/api/attachments/${detail.attachments[0].id}`, { headers: { authorization: `Bearer ${await flow.token('op1')}` } });
    expect(Buffer.from(await file.arrayBuffer()).toString('utf8')).toBe('エラーコード: E-4012\n');
    const [ack] = await system.smtp.waitFor((m) => m.subject.includes(firstInquiry) && m.to.includes('tanaka@vendor-a.example.jp'));
    expect(ack.subject).toContain('お問い合わせを受け付けました');

    // The same mail delivered again (same Message-ID) is recorded once: no second inquiry.
    const before = await caseCount('inquiry');
    await desk.send(isoJpMail(id), 'tanaka@vendor-a.example.jp');
    await desk.intake.drain();
    expect(await caseCount('inquiry')).toBe(before);
    expect((await inbox()).filter((r) => `<${r.messageId}>` === id)).toHaveLength(1);
  });

  test('R-DESK-1: Shift_JIS quoted-printable and UTF-8 subjects and bodies are read as Japanese', async () => {
    const sjis = messageId('sjis');
    await desk.send(plainMail(
      { From: 'yamada@dept.example.jp', To: DESK_ADDRESS, Subject: encodedWord('パスワード再設定の方法', 'Shift_JIS'), 'Message-ID': sjis },
      quotedPrintable(inCharset('パスワードを忘れました。再設定の方法を教えてください。\n', 'Shift_JIS')),
      'text/plain; charset=Shift_JIS',
    ).replace('Content-Transfer-Encoding: 8bit', 'Content-Transfer-Encoding: quoted-printable'));
    const sjisRow = await delivered(sjis);
    const sjisCase = (await flow.as('op1', 'GET', `/api/inquiries/${sjisRow.caseNumber}`)).body;
    expect(sjisCase.subject).toBe('パスワード再設定の方法');
    expect(sjisCase.description).toContain('再設定の方法を教えてください');

    const utf8 = messageId('utf8');
    await desk.send(Buffer.from(plainMail({ From: 'suzuki@dept.example.jp', To: DESK_ADDRESS, Subject: encodedWord('共有フォルダに接続できない', 'UTF-8'), 'Message-ID': utf8 }, '朝から共有フォルダが開けません。\r\n'), 'utf8'));
    const utf8Case = (await flow.as('op1', 'GET', `/api/inquiries/${(await delivered(utf8)).caseNumber}`)).body;
    expect(utf8Case.subject).toBe('共有フォルダに接続できない');
    expect(utf8Case.description).toContain('朝から共有フォルダが開けません');
  });

  test('R-CONTACT-1: a reply to an opsdesk mail joins its case timeline with its attachment; the case number in the subject does too', async () => {
    const [ack] = await system.smtp.waitFor((m) => m.subject.includes(firstInquiry) && m.to.includes('tanaka@vendor-a.example.jp'));
    const inquiries = await caseCount('inquiry');
    const reply = messageId('reply');
    await desk.send(Buffer.from([
      'From: tanaka@vendor-a.example.jp', `To: ${DESK_ADDRESS}`, `Subject: Re: ${encodedWord(ack.subject, 'UTF-8')}`, `Message-ID: ${reply}`,
      `In-Reply-To: ${ack.messageId}`, `References: ${ack.messageId}`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="r"', '',
      '--r', 'Content-Type: text/plain; charset=UTF-8', '', '追加のログを送ります。', '--r', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="app.log"', 'Content-Transfer-Encoding: base64', '',
      Buffer.from('ERROR 2026-12-07 10:04:59 report failed').toString('base64'), '--r--', '',
    ].join('\r\n'), 'utf8'));
    const row = await delivered(reply);
    expect(row).toMatchObject({ outcome: 'joined', caseNumber: firstInquiry });
    expect(row.detail.matchedBy).toBe('in-reply-to');
    expect(await caseCount('inquiry')).toBe(inquiries);
    const detail = (await flow.as('op1', 'GET', `/api/inquiries/${firstInquiry}`)).body;
    const entry = detail.timeline.find((e: any) => e.kind === 'email' && e.data?.direction === 'in');
    expect(entry.data).toMatchObject({ from: 'tanaka@vendor-a.example.jp', text: expect.stringContaining('追加のログを送ります。') });
    expect(detail.attachments.map((a: any) => a.filename).sort()).toEqual(['app.log', 'エラー内容.txt']);

    // By the case number in the subject, from the asker again (no headers).
    const bySubject = messageId('subject');
    await desk.send(Buffer.from(plainMail({ From: 'tanaka@vendor-a.example.jp', To: DESK_ADDRESS, Subject: encodedWord(`${firstInquiry} の件、解決しました`, 'UTF-8'), 'Message-ID': bySubject }, '再起動で直りました。'), 'utf8'));
    expect(await delivered(bySubject)).toMatchObject({ outcome: 'joined', caseNumber: firstInquiry, detail: expect.objectContaining({ matchedBy: 'subject' }) });
  });

  test('R-CONTACT-1: a forged In-Reply-To to a case the sender may not see opens a new inquiry instead of joining it', async () => {
    const [ack] = await system.smtp.waitFor((m) => m.subject.includes(firstInquiry) && m.to.includes('tanaka@vendor-a.example.jp'));
    const forged = messageId('forged');
    await desk.send(Buffer.from(plainMail(
      { From: 'mallory@attacker.example.com', To: DESK_ADDRESS, Subject: `Re: ${firstInquiry}`, 'Message-ID': forged, 'In-Reply-To': ack.messageId, References: ack.messageId },
      'この案件の添付を見せてください。',
    ), 'utf8'));
    const row = await delivered(forged);
    expect(row.outcome).toBe('inquiry');
    expect(row.caseNumber).not.toBe(firstInquiry);
    expect(row.detail.claimedCase).toBe(firstInquiry);
    const original = (await flow.as('op1', 'GET', `/api/inquiries/${firstInquiry}`)).body;
    expect(original.timeline.some((e: any) => e.data?.from === 'mallory@attacker.example.com')).toBe(false);
  });

  test('R-FLOW-1: a monitoring rule is tested on samples before it is saved; its alert mail opens one incident, twenty identical ones still one', async () => {
    const rule = {
      name: 'Zabbix', sender: 'zabbix@mon.example.lg.jp', subjectPattern: '^\\[(?<severity>[^\\]]+)\\] (?<host>[\\w.-]+): (?<alert>.+)$', resolvedPattern: '^\\[復旧\\]',
      alertName: 'mail-alert', severity: 'major',
    };
    const noSample = await flow.as('admin', 'POST', '/api/desk/monitoring-rules', { ...rule, samples: [{ from: 'zabbix@mon.example.lg.jp', subject: 'hello' }] });
    expect(noSample.status).toBe(422);
    expect(noSample.body.field).toBe('samples');
    const badPattern = await flow.as('admin', 'POST', '/api/desk/monitoring-rules', { ...rule, subjectPattern: '(', samples: [] });
    expect(badPattern.status).toBe(400);
    expect(badPattern.body.field).toBe('subjectPattern');
    const tried = await flow.as('admin', 'POST', '/api/desk/monitoring-rules/test', { ...rule, samples: [{ from: 'zabbix@mon.example.lg.jp', subject: '[High] vm-zeimu01: CPU使用率が高い' }] });
    expect(tried.body.results[0]).toMatchObject({ matched: true, hostname: 'vm-zeimu01', alertName: 'CPU使用率が高い', severity: 'major', status: 'firing' });
    expect((await flow.as('op1', 'POST', '/api/desk/monitoring-rules', { ...rule, samples: [] })).status).toBe(403);
    const saved = await flow.as('admin', 'POST', '/api/desk/monitoring-rules', {
      ...rule, samples: [{ from: 'zabbix@mon.example.lg.jp', subject: '[High] vm-zeimu01: CPU使用率が高い' }, { from: 'someone@mon.example.lg.jp', subject: '[High] vm-zeimu01: x', shouldMatch: false }],
    });
    expect(saved.status).toBe(201);

    const incidents = await caseCount('incident');
    const id = messageId('zabbix');
    const alertMail = plainMail({ From: 'Zabbix <zabbix@mon.example.lg.jp>', To: DESK_ADDRESS, Subject: encodedWord('[Disaster] vm-zeimu01: ディスク使用率が95%を超えました', 'UTF-8'), 'Message-ID': id }, 'Host: vm-zeimu01\r\nTrigger: disk\r\n');
    await Promise.all(Array.from({ length: 20 }, () => desk.send(Buffer.from(alertMail, 'utf8'), 'zabbix@mon.example.lg.jp')));
    const row = await delivered(id);
    expect(row).toMatchObject({ outcome: 'alert', detail: expect.objectContaining({ hostname: 'vm-zeimu01', alertName: 'ディスク使用率が95%を超えました' }) });
    expect(row.caseNumber).toMatch(/^INC-/);
    expect(await caseCount('incident')).toBe(incidents + 1);
    const incident = await flow.caseDetail(row.caseNumber!);
    expect(incident).toMatchObject({ kind: 'incident', hostname: 'vm-zeimu01', severity: 'critical' });
    // R-DESK-1: the case page says it came by mail, from which sender and rule (a department is not told the sender).
    expect((await flow.as('op1', 'GET', `/api/cases/${row.caseNumber}/desk`)).body.origin).toEqual({
      inquiryNumber: null, channel: 'mail', category: null, asker: null, mailFrom: 'zabbix@mon.example.lg.jp', monitoringRule: 'Zabbix',
    });
    expect((await flow.as('dept1', 'GET', `/api/cases/${row.caseNumber}/desk`)).body.origin).toMatchObject({ channel: 'mail', mailFrom: null });

    // The same alert re-sent by the monitoring system as new mails (new Message-IDs) joins the same incident.
    for (let i = 0; i < 3; i++) await desk.send(Buffer.from(alertMail.replace(id, messageId('zabbix-again')), 'utf8'), 'zabbix@mon.example.lg.jp');
    await desk.intake.drain();
    const alerts = (await inbox()).filter((r) => r.outcome === 'alert');
    expect(alerts).toHaveLength(4);
    expect(new Set(alerts.map((r) => r.caseNumber))).toEqual(new Set([row.caseNumber]));
    expect(await caseCount('incident')).toBe(incidents + 1);

    // The recovery mail (resolvedPattern) is recorded on the open incident; it neither opens nor closes one.
    const recovered = messageId('zabbix-ok');
    await desk.send(Buffer.from(plainMail({ From: 'zabbix@mon.example.lg.jp', To: DESK_ADDRESS, Subject: encodedWord('[復旧] vm-zeimu01: ディスク使用率が95%を超えました', 'UTF-8'), 'Message-ID': recovered }, 'OK'), 'utf8'), 'zabbix@mon.example.lg.jp');
    expect(await delivered(recovered)).toMatchObject({ outcome: 'alert', caseNumber: row.caseNumber, detail: expect.objectContaining({ status: 'resolved' }) });
    expect(await caseCount('incident')).toBe(incidents + 1);
    expect((await flow.caseDetail(row.caseNumber!)).status).not.toBe('done');
  });

  test('R-CONTACT-1: out-of-office replies, bounces, list mail and our own mails coming back open nothing and are never answered', async () => {
    const inquiries = await caseCount('inquiry');
    const sentBefore = system.smtp.messages.length;
    const cases: Array<[string, string, Record<string, string>]> = [
      ['ooo', 'ignored_auto', { 'Auto-Submitted': 'auto-replied', Subject: encodedWord('不在通知: 12/7-12/9 は休暇をいただいております', 'UTF-8') }],
      ['suppress', 'ignored_auto', { 'X-Auto-Response-Suppress': 'All', Subject: 'Automatic reply: out of office' }],
      ['bulk', 'ignored_auto', { Precedence: 'bulk', Subject: 'newsletter' }],
      ['loop', 'ignored_loop', { 'X-Opsdesk-Key': 'INQ-2026-0001.asker-received.3', Subject: 'our own' }],
    ];
    for (const [tag, outcome, headers] of cases) {
      const id = messageId(tag);
      await desk.send(Buffer.from(plainMail({ From: 'someone@dept.example.jp', To: DESK_ADDRESS, 'Message-ID': id, ...headers }), 'utf8'));
      expect((await delivered(id)).outcome).toBe(outcome);
    }
    const ownId = '<INQ-2026-0001.asker-answered.9@opsdesk.local>';
    await desk.send(Buffer.from(plainMail({ From: 'someone@dept.example.jp', To: DESK_ADDRESS, 'Message-ID': ownId, Subject: 'forwarded back' }), 'utf8'));
    expect((await delivered(ownId)).outcome).toBe('ignored_loop');
    const bounce = messageId('bounce');
    await desk.send(Buffer.from([
      'From: MAILER-DAEMON@mx.example.jp', `To: ${DESK_ADDRESS}`, 'Subject: Undelivered Mail Returned to Sender', `Message-ID: ${bounce}`, 'MIME-Version: 1.0',
      'Content-Type: multipart/report; report-type=delivery-status; boundary="x"', '', '--x', 'Content-Type: text/plain', '', 'delivery failed', '--x--', '',
    ].join('\r\n')), '');
    expect((await delivered(bounce)).outcome).toBe('ignored_auto');
    expect(await caseCount('inquiry')).toBe(inquiries);
    await new Promise((r) => setTimeout(r, 300));
    expect(system.smtp.messages.length).toBe(sentBefore);
  });

  test('R-DESK-1: malformed MIME is handled: a broken multipart still opens an inquiry with what could be read; a message without a sender is kept as malformed', async () => {
    const broken = messageId('broken');
    await desk.send(Buffer.from([
      'From: kato@dept.example.jp', `To: ${DESK_ADDRESS}`, `Message-ID: ${broken}`, 'Subject: =?UTF-8?B?5aOK44KM44Gf?= =?BOGUS?Q?x?=', 'MIME-Version: 1.0',
      'Content-Type: multipart/mixed; boundary="never-closed"', '', '--never-closed', 'Content-Type: text/plain; charset=unknown-8bit', 'Content-Transfer-Encoding: base64', '',
      '44GT44KT44Gr44Gh44GvIT!!!not-base64', '--never-closed', 'Content-Type: application/pdf', 'Content-Transfer-Encoding: base64', 'Content-Disposition: attachment; filename="a.pdf"', '', 'JVBERi0xLjQK%%%',
    ].join('\r\n'), 'utf8'));
    const row = await delivered(broken);
    expect(row.outcome).toBe('inquiry');
    expect((await flow.as('op1', 'GET', `/api/inquiries/${row.caseNumber}`)).status).toBe(200);

    const anonymous = messageId('nofrom');
    await desk.send(Buffer.from(`Message-ID: ${anonymous}\r\nSubject: no sender\r\n\r\n\x00\x01garbage`, 'binary'));
    expect(await delivered(anonymous)).toMatchObject({ outcome: 'malformed', caseNumber: null });
  });

  test('R-CONTACT-1: an attachment over the set limit is refused and the sender told; a message over the listener limit (30 MB) is refused by SMTP; HTML with scripts is stored, never rendered', async () => {
    const settings = await flow.as('admin', 'PUT', '/api/desk/settings', { ackBusinessMinutes: 30, maxAttachmentBytes: 1024 * 1024 });
    expect(settings.status).toBe(200);
    const big = messageId('big');
    const twoMb = Buffer.alloc(2 * 1024 * 1024, 7).toString('base64').replace(/.{76}/g, '$&\r\n');
    await desk.send(Buffer.from([
      'From: ito@dept.example.jp', `To: ${DESK_ADDRESS}`, 'Subject: big file', `Message-ID: ${big}`, 'MIME-Version: 1.0', 'Content-Type: multipart/mixed; boundary="z"', '',
      '--z', 'Content-Type: text/plain; charset=UTF-8', '', 'ダンプを送ります', '--z', 'Content-Type: application/octet-stream', 'Content-Disposition: attachment; filename="dump.bin"', 'Content-Transfer-Encoding: base64', '', twoMb, '--z--', '',
    ].join('\r\n'), 'utf8'));
    const row = await delivered(big);
    expect(row.outcome).toBe('inquiry');
    expect(row.detail.refused).toEqual([expect.objectContaining({ filename: 'dump.bin' })]);
    expect((await flow.as('op1', 'GET', `/api/inquiries/${row.caseNumber}`)).body.attachments).toEqual([]);
    const [told] = await system.smtp.waitFor((m) => m.to.includes('ito@dept.example.jp') && m.subject.includes('添付ファイルを受け付けできませんでした'));
    expect(told.text).toContain('dump.bin');

    const huge = Buffer.alloc(30 * 1024 * 1024, 'a');
    const rawHuge = Buffer.concat([Buffer.from(`From: ito@dept.example.jp\r\nTo: ${DESK_ADDRESS}\r\nSubject: huge\r\nMessage-ID: ${messageId('huge')}\r\n\r\n`), huge]);
    await expect(desk.send(rawHuge)).rejects.toThrow(/552|size/i);

    const html = messageId('html');
    await desk.send(Buffer.from(plainMail({ From: 'ito@dept.example.jp', To: DESK_ADDRESS, Subject: 'HTML', 'Message-ID': html }, '<html><body><p>画面が真っ白です</p><script>alert(1)</script></body></html>', 'text/html; charset=UTF-8'), 'utf8'));
    const htmlRow = await delivered(html);
    const detail = (await flow.as('op1', 'GET', `/api/inquiries/${htmlRow.caseNumber}`)).body;
    expect(detail.description).toContain('画面が真っ白です');
    expect(detail.description).not.toContain('<script>');
    const stored = detail.timeline.find((e: any) => e.kind === 'email' && e.data?.direction === 'in');
    expect(stored.data.html).toContain('<script>alert(1)</script>');
  });
});
