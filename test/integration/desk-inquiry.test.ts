import { FlowDriver } from '../support/flow';
import { startTestSystem, type TestSystem } from '../support/test-system';

/**
 * R-DESK-1: inquiries (問い合わせ) on real Temporal, PostgreSQL and SMTP: one desk receives them,
 * acknowledges, answers or escalates to technical support, the asker is told by mail at each step
 * and confirms or reopens; an inquiry becomes an incident or is linked to an open case.
 */
describe('R-DESK-1: inquiries, the third kind of case', () => {
  let system: TestSystem;
  let flow: FlowDriver;

  beforeAll(async () => {
    system = await startTestSystem();
    flow = new FlowDriver(system);
  });
  afterAll(async () => {
    await system?.close();
  });

  const asker = { askerName: '業務ベンダー 佐藤', askerEmail: 'sato@vendor.example.jp', askerOrganisation: '税務システム保守事業者' };
  const askerMails = (number: string) => system.smtp.messages.filter((m) => m.subject.includes(number) && m.to.includes('sato@vendor.example.jp'));

  /** The desk view of a case once `ready` holds (the SLA is recorded right after the number). */
  async function waitForDesk(number: string, ready: (detail: any) => boolean) {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const detail = (await flow.as('op1', 'GET', `/api/inquiries/${number}`)).body;
      if (ready(detail) || Date.now() > deadline) return detail;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  async function openInquiry(body: Record<string, unknown> = {}, as = 'op1') {
    const response = await flow.as(as, 'POST', '/api/inquiries', { subject: '税務システムの画面表示が遅い', text: '今朝から一覧画面の表示に30秒かかります。', category: 'fault_report', affected: 'vm-zeimu01', ...asker, ...body });
    expect(response.status).toBe(201);
    expect(response.body.caseNumber).toMatch(/^INQ-\d{4}-\d{4}$/);
    return response.body.caseNumber as string;
  }

  test('R-DESK-1: bad input is refused with 4xx naming the field; roles follow the route policy', async () => {
    const missing = await flow.as('op1', 'POST', '/api/inquiries', { subject: 'x', text: 'y', category: 'question' });
    expect(missing.status).toBe(400);
    expect(missing.body.field).toBe('askerName');
    const category = await flow.as('op1', 'POST', '/api/inquiries', { subject: 'x', text: 'y', category: 'complaint', askerName: 'a' });
    expect(category.status).toBe(400);
    expect(category.body.field).toBe('category');
    const email = await flow.as('op1', 'POST', '/api/inquiries', { subject: 'x', text: 'y', category: 'question', askerName: 'a', askerEmail: 'not-an-address' });
    expect(email.status).toBe(400);
    expect(email.body.field).toBe('askerEmail');
    const self = await flow.as('dept1', 'POST', '/api/inquiries', { subject: 'x', text: 'y', category: 'question', askerName: '他人' });
    expect(self.status).toBe(400);
    expect(self.body.field).toBe('askerName');
    const attachment = await flow.as('op1', 'POST', '/api/inquiries', { subject: 'x', text: 'y', category: 'question', askerName: 'a', attachments: [{ filename: 'a.txt', contentType: 'text/plain', contentBase64: '***' }] });
    expect(attachment.status).toBe(400);
    expect(attachment.body.field).toMatch(/attachments/);
    const auditor = await flow.as('audit1', 'POST', '/api/inquiries', { subject: 'x', text: 'y', category: 'question', askerName: 'a' });
    expect(auditor.status).toBe(403);
    const badId = await flow.as('op1', 'GET', '/api/inquiries/not-a-case');
    expect(badId.status).toBe(400);
  });

  test('R-DESK-1: acknowledged within the desk SLA, escalated with a reason, answered by technical support; the asker is told each step, reopens, then confirms; a later inquiry in other words finds it as a similar closed case with its fix (R-REC-6)', async () => {
    const number = await openInquiry({ attachments: [{ filename: '画面.txt', contentType: 'text/plain', contentBase64: Buffer.from('遅い画面のメモ').toString('base64') }] });
    let detail = await waitForDesk(number, (d) => !!d.sla);
    expect(detail).toMatchObject({ kind: 'inquiry', status: 'received', hostname: 'vm-zeimu01', kindLabel: { ja: '問い合わせ' } });
    expect(detail.inquiry).toMatchObject({ channel: 'phone', category: 'fault_report', asker: { name: '業務ベンダー 佐藤', email: 'sato@vendor.example.jp' } });
    expect(detail.sla).toMatchObject({ kind: 'desk', breached: false });
    expect(detail.attachments).toEqual([expect.objectContaining({ filename: '画面.txt', size: Buffer.from('遅い画面のメモ').length })]);
    const file = await fetch(`${system.baseUrl}/api/attachments/${detail.attachments[0].id}`, { headers: { authorization: `Bearer ${await flow.token('op1')}` } });
    expect(file.headers.get('content-type')).toBe('application/octet-stream');
    expect(Buffer.from(await file.arrayBuffer()).toString()).toBe('遅い画面のメモ');
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('お問い合わせを受け付けました') && m.to.includes('sato@vendor.example.jp'));

    const ack = await flow.openTask(number, 'inquiry_acknowledge', 'op1');
    expect(ack.dueAt).toBe(detail.sla.dueAt);
    // An operator duty: general affairs cannot take the desk's step (403 from the shared task policy).
    const refused = await flow.as('ga1', 'POST', `/api/tasks/${ack.id}/complete`, { outcome: 'acknowledged' });
    expect(refused.status).toBe(403);
    await flow.complete(number, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
    detail = await flow.waitForStatus(number, 'in_progress');
    expect(detail.sla.stoppedAt).not.toBeNull();

    // Escalation needs a reason (422 naming note), then goes to technical support.
    const respond = await flow.openTask(number, 'inquiry_respond', 'op1');
    const noReason = await flow.as('op1', 'POST', `/api/tasks/${respond.id}/complete`, { outcome: 'escalate' });
    expect(noReason.status).toBe(422);
    expect(noReason.body.field).toBe('note');
    await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'escalate', note: 'DBの負荷確認が必要', data: { assignee: 'op2' } });
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('技術サポートへ引き継ぎました'));
    const technical = await flow.openTask(number, 'inquiry_technical', 'op2');
    expect(technical.suggested).toMatchObject({ assignee: 'op2', reason: 'DBの負荷確認が必要' });
    await flow.complete(number, 'inquiry_technical', 'op2', { outcome: 'answer', data: { answer: 'インデックスを再作成しました。' } });
    const [answer] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('お問い合わせへの回答'));
    expect(answer.text).toContain('インデックスを再作成しました。');
    await flow.waitForStatus(number, 'verifying');

    // The asker says it is not solved: the desk records it (reason required), and round two.
    await flow.complete(number, 'inquiry_confirm', 'op1', { outcome: 'reopened', note: 'まだ遅いとの返信' });
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('お問い合わせの再対応'));
    await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'answer', data: { answer: 'キャッシュを削除しました。' } });
    await flow.complete(number, 'inquiry_confirm', 'op1', { outcome: 'confirmed' });
    detail = await flow.waitForStatus(number, 'done');
    expect(detail.resolution).toBe('answered');
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('お問い合わせを完了しました'));
    // "Has this happened before?": a new inquiry in other words finds this closed one and what fixed it.
    const again = await openInquiry({ subject: '税務システムの一覧画面の表示が遅いです', text: '一覧画面がなかなか表示されません。', affected: 'vm-zeimu01' });
    const similar = (await flow.as('op1', 'GET', `/api/cases/${again}/similar`)).body.items;
    expect(similar[0]).toMatchObject({ caseNumber: number, kind: 'inquiry' });
    expect(similar[0].fixedBy.map((f: { what: string }) => f.what)).toEqual(expect.arrayContaining(['キャッシュを削除しました。']));
    const steps = askerMails(number).map((m) => m.subject.replace(/^.*INQ-\d{4}-\d{4} /, '').split(' / ')[0]);
    expect(steps).toEqual(['お問い合わせを受け付けました', '技術サポートへ引き継ぎました', 'お問い合わせへの回答', 'お問い合わせの再対応', 'お問い合わせへの回答', 'お問い合わせを完了しました']);
  });

  test('R-DESK-1: an inquiry converted into an incident: the new case links back and the asker is told its number', async () => {
    const number = await openInquiry({ subject: '税務システムに接続できない' });
    await flow.complete(number, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
    const respond = await flow.openTask(number, 'inquiry_respond', 'op1');
    const noSeverity = await flow.as('op1', 'POST', `/api/tasks/${respond.id}/complete`, { outcome: 'convert_incident' });
    expect(noSeverity.status).toBe(422);
    expect(noSeverity.body.field).toBe('data.severity');
    await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'convert_incident', data: { severity: 'major' } });
    const detail = await flow.waitForStatus(number, 'done');
    expect(detail.resolution).toBe('converted');
    const inquiry = (await flow.as('op1', 'GET', `/api/inquiries/${number}`)).body;
    const [link] = inquiry.links;
    expect(link).toMatchObject({ relation: 'converted', direction: 'to', kind: 'incident' });
    const incident = (await flow.as('op1', 'GET', `/api/cases/${link.caseNumber}/desk`)).body;
    expect(incident).toMatchObject({ kind: 'incident', hostname: 'vm-zeimu01', status: 'received', subject: '税務システムに接続できない' });
    expect(incident.links).toEqual([expect.objectContaining({ relation: 'converted', direction: 'from', caseNumber: number })]);
    expect(incident.timeline.some((e: { messageJa: string }) => e.messageJa.includes(`問い合わせ ${number} から切り替えた`))).toBe(true);
    const [told] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('案件として対応します'));
    expect(told.text).toContain(link.caseNumber);

    // A second inquiry about the same problem is linked to that open incident; an unknown number is refused first.
    const second = await openInquiry({ subject: '税務システムが使えない（別の課から）' });
    await flow.complete(second, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
    await flow.complete(second, 'inquiry_respond', 'op1', { outcome: 'link', data: { caseNumber: 'INC-2099-9999' } });
    await flow.complete(second, 'inquiry_respond', 'op1', { outcome: 'link', data: { caseNumber: link.caseNumber } });
    const linked = await flow.waitForStatus(second, 'done');
    expect(linked.resolution).toBe('linked');
    expect(linked.timeline.some((e: { messageJa: string }) => e.messageJa.includes('INC-2099-9999 には関連付けできません'))).toBe(true);
    const after = (await flow.as('op1', 'GET', `/api/cases/${link.caseNumber}/desk`)).body;
    expect(after.links.map((l: { caseNumber: string }) => l.caseNumber).sort()).toEqual([number, second].sort());
  });

  test('R-DESK-1: a department asks for itself and sees only its own inquiries; the desk list shows waiting inquiries with their SLA', async () => {
    const own = await flow.as('dept1', 'POST', '/api/inquiries', { subject: 'データベースの申請方法は？', text: 'DBを1つ使いたいのですが、どう申請すればよいですか。', category: 'question' });
    expect(own.status).toBe(201);
    const number = own.body.caseNumber as string;
    const mine = await flow.as('dept1', 'GET', `/api/inquiries/${number}`);
    expect(mine.status).toBe(200);
    expect(mine.body.inquiry).toMatchObject({ channel: 'ui', asker: { name: expect.any(String), departmentId: expect.any(String) } });
    expect((await flow.as('dept2', 'GET', `/api/inquiries/${number}`)).status).toBe(403);
    const listed = await flow.as('dept2', 'GET', '/api/inquiries');
    expect(listed.status).toBe(200);
    const list = listed.body.items.map((i: { number: string }) => i.number);
    expect(list).not.toContain(number);
    // The SLA is written by the workflow just after registration: the list shows it once it is there.
    let row: { dueAt: string | null; sla: { dueAt: string } | null } | undefined;
    for (let i = 0; i < 50 && !row?.sla; i++) {
      if (i > 0) await new Promise((resolve) => setTimeout(resolve, 100));
      const desk = (await flow.as('op1', 'GET', '/api/inquiries?open=true')).body.items as Array<{ number: string; dueAt: string | null; sla: { dueAt: string } | null }>;
      row = desk.find((i) => i.number === number);
    }
    expect(row).toMatchObject({ status: 'received', channel: 'ui', category: 'question' });
    expect(row!.dueAt).toBe(row!.sla!.dueAt);

    // The asker (a department user of that department) confirms the answer itself through the workflow's validated Update.
    await flow.complete(number, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
    const early = await flow.as('dept1', 'POST', `/api/inquiries/${number}/confirm`, { outcome: 'confirmed' });
    expect(early.status).toBe(409);
    await flow.complete(number, 'inquiry_respond', 'op1', { outcome: 'answer', data: { answer: '作業依頼（DB提供）から申請してください。' } });
    await flow.openTask(number, 'inquiry_confirm', 'op1');
    const noNote = await flow.as('dept1', 'POST', `/api/inquiries/${number}/confirm`, { outcome: 'reopened' });
    expect(noNote.status).toBe(422);
    expect(noNote.body.field).toBe('note');
    expect((await flow.as('op1', 'POST', `/api/inquiries/${number}/confirm`, { outcome: 'confirmed' })).status).toBe(403);
    const confirmed = await flow.as('dept1', 'POST', `/api/inquiries/${number}/confirm`, { outcome: 'confirmed' });
    expect(confirmed.status).toBe(200);
    expect((await flow.waitForStatus(number, 'done')).resolution).toBe('answered');
  });

  test('R-CONTACT-1: a call logged on a case offers the follow-up mail pre-filled; the case shows calls not yet followed by a mail', async () => {
    const number = await openInquiry({ subject: '電話での問い合わせ' });
    const call = await flow.as('op1', 'POST', `/api/cases/${number}/calls`, { counterpart: '佐藤様', summary: '再起動で解消する見込みと説明' });
    expect(call.status).toBe(201);
    expect(call.body.followup).toMatchObject({ to: 'sato@vendor.example.jp', summary: '再起動で解消する見込みと説明', counterpart: '佐藤様' });
    let detail = (await flow.as('op1', 'GET', `/api/inquiries/${number}`)).body;
    expect(detail.callsWithoutMail).toEqual([expect.objectContaining({ id: call.body.callId, counterpart: '佐藤様' })]);
    const sent = await flow.as('op1', 'POST', `/api/cases/${number}/calls/followup`, { callId: call.body.callId });
    expect(sent.status).toBe(200);
    const [mail] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('電話連絡の内容'));
    expect(mail.to).toEqual(['sato@vendor.example.jp']);
    detail = (await flow.as('op1', 'GET', `/api/inquiries/${number}`)).body;
    expect(detail.callsWithoutMail).toEqual([]);
  });
});
