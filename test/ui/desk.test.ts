import type { Browser } from 'playwright-core';
import { FlowDriver } from '../support/flow';
import type { TestSystem } from '../support/test-system';
import { shot, waitUntil, withSystemAndBrowser } from './browser';

/**
 * R-DESK-1 in the browser: the desk page lists the inquiries waiting with their acknowledgement
 * due, opens one with its text (plain, never HTML), acknowledges it and replies from the page (the
 * mail goes out and lands on the timeline); the case page offers the desk's decisions.
 */
describe('web UI: the desk page (R-DESK-1)', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let number: string;

  const sessions = withSystemAndBrowser(async (started: { system: TestSystem; browser: Browser }) => {
    ({ system } = started);
    flow = new FlowDriver(system);
    const created = await flow.as('op1', 'POST', '/api/inquiries', {
      subject: '財務会計システムにログインできない', text: '<script>alert(1)</script>パスワードを入れても画面が戻ります。', category: 'question',
      askerName: '財政課 山本', askerEmail: 'yamamoto@zaisei.example.lg.jp',
    });
    if (created.status !== 201) throw new Error(`inquiry: ${created.status} ${created.text}`);
    number = created.body.caseNumber as string;
  });

  test('R-DESK-1: inquiries waiting with their SLA; acknowledge, reply and answer from the page, the text shown as plain text', async () => {
    const { page } = await sessions.as('op1');
    await page.goto(`${system.baseUrl}/desk`);
    const row = page.locator('tr', { hasText: number });
    await row.waitFor();
    expect(await row.textContent()).toContain('財政課 山本');
    await row.getByRole('button', { name: '財務会計システムにログインできない' }).click();
    const panel = page.getByRole('region', { name: new RegExp(number) });
    await panel.waitFor();
    expect(await panel.locator('pre.plaintext').first().textContent()).toContain('<script>alert(1)</script>');
    await shot(page, 'desk-page');

    await panel.getByRole('button', { name: '受付確認' }).click();
    await panel.getByText('受付確認しました。').waitFor();
    await waitUntil(async () => (await flow.caseDetail(number)).status === 'in_progress', 'the inquiry acknowledged');

    await panel.getByRole('textbox', { name: /返信/ }).fill('現在確認しております。しばらくお待ちください。');
    await panel.getByRole('button', { name: '返信を送る' }).click();
    await panel.getByText('返信メールを送信しました。').waitFor();
    const [mail] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('運用保守デスクからのご連絡'));
    expect(mail.to).toEqual(['yamamoto@zaisei.example.lg.jp']);
    expect(mail.text).toContain('現在確認しております。');
    const detail = await flow.caseDetail(number);
    expect(detail.timeline.some((e: { kind: string; messageJa: string }) => e.kind === 'email' && e.messageJa.includes('運用保守デスクからのご連絡'))).toBe(true);
    expect(detail.timeline.some((e: { messageJa: string }) => e.messageJa.includes('問い合わせ元へ返信'))).toBe(true);

    // The desk's decision from the same page: answer (convert and link are outcomes of the same form).
    await panel.getByText('「回答する」を選ぶ場合の入力').click();
    await panel.getByRole('textbox', { name: '回答', exact: true }).fill('パスワードを再設定しました。');
    expect(await panel.getByRole('button', { name: '障害対応に切り替える', exact: true }).count()).toBe(1);
    expect(await panel.getByRole('button', { name: '対応中の案件に関連付ける', exact: true }).count()).toBe(1);
    await panel.getByRole('button', { name: '回答する', exact: true }).click();
    await panel.getByText('対応を記録しました。').waitFor();
    await waitUntil(async () => (await flow.caseDetail(number)).status === 'verifying', 'the inquiry answered');
    const [answer] = await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('お問い合わせへの回答'));
    expect(answer.text).toContain('パスワードを再設定しました。');
  });
});
