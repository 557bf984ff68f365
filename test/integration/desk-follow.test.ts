import { FlowDriver } from '../support/flow';
import { DESK_ADDRESS, messageId, startDeskSink } from '../support/desk-mail';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * R-DESK-1 / R-CONTACT-1: an inquiry converted into an incident or a work request — the asker
 * follows the new case. Real Temporal, PostgreSQL, the real SMTP catcher for what goes out and the
 * mail sink's real SMTP listener for the asker's reply.
 */
describe('R-DESK-1 / R-CONTACT-1: the asker follows the case an inquiry became', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let desk: Awaited<ReturnType<typeof startDeskSink>>;

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
    desk = await startDeskSink(system);
  });
  afterAll(async () => {
    await desk?.stop();
    await system?.close();
  });

  const ASKER = 'kimura@vendor-b.example.jp';
  const toAsker = (number: string, title: string) => (m: { subject: string; to: string[] }) => m.subject.includes(number) && m.subject.includes(title) && m.to.includes(ASKER);

  async function convertedInquiry(subject: string, outcome: 'convert_incident' | 'convert_work_request', data: Record<string, unknown>) {
    const created = await flow.as('op1', 'POST', '/api/inquiries', {
      subject, text: '朝から帳票サーバーに接続できません。', category: 'fault_report', affected: 'vm-zeimu01',
      askerName: '木村 次郎', askerEmail: ASKER, askerOrganisation: '帳票システム保守事業者',
    });
    expect(created.status).toBe(201);
    const inquiry = created.body.caseNumber as string;
    await flow.complete(inquiry, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
    await flow.complete(inquiry, 'inquiry_respond', 'op1', { outcome, data });
    const done = await flow.waitForStatus(inquiry, 'done');
    expect(done.resolution).toBe('converted');
    const link = (await flow.as('op1', 'GET', `/api/inquiries/${inquiry}`)).body.links.find((l: { relation: string }) => l.relation === 'converted');
    return { inquiry, number: link.caseNumber as string };
  }

  async function inquiryTimeline(inquiry: string) {
    return (await flow.caseDetail(inquiry, 'op1')).timeline as Array<{ messageJa: string; data?: Record<string, unknown> | null }>;
  }

  async function waitForTimeline(inquiry: string, text: string) {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const entries = await inquiryTimeline(inquiry);
      if (entries.some((e) => e.messageJa.includes(text))) return entries;
      if (Date.now() > deadline) throw new Error(`${inquiry}: no timeline entry with "${text}" (${entries.map((e) => e.messageJa).join(' | ')})`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }

  test('R-DESK-1 / R-CONTACT-1: converted into an incident — the asker is mailed its number, its recovery and its closing; the inquiry timeline links each step; a reply to the new case joins it', async () => {
    const { inquiry, number } = await convertedInquiry('帳票サーバーに接続できない', 'convert_incident', { severity: 'major' });
    expect(number).toMatch(/^INC-\d{4}-\d{4}$/);

    // Opened: a mail from the incident itself (its number in the subject), naming the inquiry.
    const [opened] = await system.smtp.waitFor(toAsker(number, 'お問い合わせを案件として受け付けました'));
    expect(opened.text).toContain(inquiry);
    expect(opened.text).toContain('木村 次郎 様');
    await waitForTimeline(inquiry, `切替先の障害対応 ${number}: 受付`);

    // The asker answers that mail: it joins the incident, not the closed inquiry.
    const replyId = messageId('follow-reply');
    await desk.send(Buffer.from([
      `From: 木村 次郎 <${ASKER}>`, `To: ${DESK_ADDRESS}`, `Subject: Re: ${opened.subject}`, `Message-ID: ${replyId}`,
      `In-Reply-To: ${opened.messageId}`, 'MIME-Version: 1.0', 'Content-Type: text/plain; charset=UTF-8', 'Content-Transfer-Encoding: 8bit', '',
      'エラー画面の番号は E-500 でした。', '',
    ].join('\r\n'), 'utf8'), ASKER);
    await desk.intake.drain();
    const row = ((await flow.as('op1', 'GET', '/api/desk/mail-inbox')).body.items as Array<{ messageId: string; outcome: string; caseNumber: string }>).find((r) => `<${r.messageId}>` === replyId);
    expect(row).toMatchObject({ outcome: 'joined', caseNumber: number });

    // The incident runs its course; the asker hears of the recovery and of the closing, once each.
    await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
    await flow.complete(number, 'triage', 'op1', { outcome: 'resolved', data: { findings: '帳票サーバーのサービスを再起動', impactScope: '帳票出力のみ', serviceStopped: false } });
    await flow.complete(number, 'verify_platform', 'op1', { outcome: 'ok' });
    const [resolved] = await system.smtp.waitFor(toAsker(number, 'お問い合わせの案件で対応が済みました'));
    expect(resolved.text).toContain('帳票サーバーのサービスを再起動');
    const request = await flow.openTask(number, 'request_department_verification');
    await flow.complete(number, 'request_department_verification', 'ga1', { outcome: 'requested', data: { departmentIds: request.suggested.departmentIds } });
    if ((request.suggested.departmentIds as string[]).length > 0) await flow.complete(number, 'department_verification', 'dept1', { outcome: 'ok' });
    await flow.complete(number, 'approve_completion', 'ga1', { outcome: 'approved' });
    await flow.waitForStatus(number, 'done');
    const [closed] = await system.smtp.waitFor(toAsker(number, 'お問い合わせの案件が完了しました'));
    expect(closed.text).toContain(inquiry);

    const timeline = await waitForTimeline(inquiry, `切替先の障害対応 ${number}: 完了`);
    const followed = timeline.filter((e) => e.data?.followedCaseNumber === number).map((e) => e.data?.step);
    expect(followed).toEqual(['opened', 'resolved', 'closed']);
    // Exactly one mail per step, all from the incident.
    const steps = system.smtp.messages.filter((m) => m.to.includes(ASKER) && m.subject.includes(number)).map((m) => m.subject.replace(/^.*INC-\d{4}-\d{4} /, '').split(' / ')[0]);
    expect(steps).toEqual(['お問い合わせを案件として受け付けました', 'お問い合わせの案件で対応が済みました', 'お問い合わせの案件が完了しました']);
    // Internal mails of the incident (general affairs, operators) never went to the asker.
    expect(system.smtp.messages.filter((m) => m.to.includes(ASKER) && m.subject.includes('障害を受け付けました'))).toEqual([]);
  });

  test('R-DESK-1 / R-CONTACT-1: converted into a work request for a department — the outside asker is told it opened and, when rejected, that it closed', async () => {
    const departments = (await flow.as('admin', 'GET', '/api/departments')).body;
    const list = (Array.isArray(departments) ? departments : departments.items) as Array<{ id: string }>;
    const { inquiry, number } = await convertedInquiry('帳票レイアウトの変更依頼', 'convert_work_request', { departmentId: list[0].id });
    expect(number).toMatch(/^REQ-\d{4}-\d{4}$/);
    await system.smtp.waitFor(toAsker(number, 'お問い合わせを案件として受け付けました'));
    await flow.complete(number, 'accept_request', 'ga1', { outcome: 'rejected', note: '保守契約の範囲外のため' });
    await flow.waitForStatus(number, 'done');
    const [closed] = await system.smtp.waitFor(toAsker(number, 'お問い合わせの案件が完了しました'));
    expect(closed.text).toContain('却下');
    await waitForTimeline(inquiry, `切替先の作業依頼 ${number}: 完了（rejected）`);
  });
});
