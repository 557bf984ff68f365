import type { Browser } from 'playwright-core';
import { FlowDriver } from '../support/flow';
import type { TestSystem } from '../support/test-system';
import { shot, withSystemAndBrowser } from './browser';

/**
 * R-REC-6 and R-DESK-1 on the case page of any case (here an incident converted from an
 * inquiry): who asked and by which channel, and "has this happened before?" — the similar closed
 * case with what fixed it.
 */
describe('web UI: the desk panels of the case page (R-REC-6, R-DESK-1)', () => {
  let system: TestSystem;
  let flow: FlowDriver;
  let earlier: string;
  let incident: string;

  const sessions = withSystemAndBrowser(async (started: { system: TestSystem; browser: Browser }) => {
    ({ system } = started);
    flow = new FlowDriver(system);
    const ask = async (subject: string, text: string) => {
      const created = await flow.as('op1', 'POST', '/api/inquiries', {
        subject, text, category: 'fault_report', affected: 'vm-zeimu01', askerName: '帳票ベンダー 中村', askerEmail: 'nakamura@chohyo.example.jp', askerOrganisation: '帳票システム保守事業者',
      });
      if (created.status !== 201) throw new Error(`inquiry: ${created.status} ${created.text}`);
      const number = created.body.caseNumber as string;
      await flow.complete(number, 'inquiry_acknowledge', 'op1', { outcome: 'acknowledged' });
      return number;
    };
    // Closed earlier: the same device and nearly the same words, answered by a restart.
    earlier = await ask('帳票サーバーが応答しません', '帳票の出力画面がタイムアウトします。');
    await flow.complete(earlier, 'inquiry_respond', 'op1', { outcome: 'answer', data: { answer: '帳票サービスを再起動しました。' } });
    await flow.complete(earlier, 'inquiry_confirm', 'op1', { outcome: 'confirmed' });
    await flow.waitForStatus(earlier, 'done');
    // Now: the same symptom, converted into an incident.
    const now = await ask('帳票サーバーが応答しない', '帳票の出力画面がまたタイムアウトします。');
    await flow.complete(now, 'inquiry_respond', 'op1', { outcome: 'convert_incident', data: { severity: 'major' } });
    await flow.waitForStatus(now, 'done');
    incident = (await flow.as('op1', 'GET', `/api/inquiries/${now}`)).body.links[0].caseNumber as string;
  });

  test('R-REC-6 / R-DESK-1: the incident page shows the asker and the channel, and the similar closed case with its fix', async () => {
    const { page } = await sessions.as('op1');
    await page.goto(`${system.baseUrl}/cases/${incident}`);
    const origin = page.getByRole('region', { name: '問い合わせ元' });
    await origin.waitFor();
    const originText = await origin.textContent();
    expect(originText).toContain('帳票ベンダー 中村');
    expect(originText).toContain('電話');
    const similar = page.getByRole('region', { name: '過去の類似案件' });
    await similar.getByRole('link', { name: earlier }).waitFor();
    expect(await similar.textContent()).toContain('帳票サービスを再起動しました。');
    await shot(page, 'case-page-desk-panels');
  });
});
