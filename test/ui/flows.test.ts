import type { TestSystem } from '../support/test-system';
import { completeWith, findTask, jstInput, openTask, shot, withSystemAndBrowser } from './browser';

/**
 * R-FLOW-1 and R-FLOW-2 driven entirely through the web UI, on the real system (PostgreSQL,
 * Temporal, SMTP) serving ui/dist: each person in their own browser tab.
 */
describe('web UI: both flows end to end in the browser', () => {
  let system: TestSystem;

  const sessions = withSystemAndBrowser((started) => {
    ({ system } = started);
  });

  const as = (username: string) => sessions.as(username);

  test('R-FLOW-2: a work request from dept1 through ga1 and op1 to 完了, every step in the UI', async () => {
    const base = system.baseUrl;
    const dept1 = await as('dept1');
    const ga1 = await as('ga1');
    const op1 = await as('op1');

    // 1. dept1 asks for a VM. The form checks like the API before anything is sent.
    const d = dept1.page;
    await d.getByRole('link', { name: '作業依頼' }).click();
    await d.getByRole('heading', { name: '作業依頼の作成' }).waitFor();
    await d.getByText(/本日受け付けられた場合、\d{4}\/\d{2}\/\d{2}\(.\) 17:15 まで（受付から3営業日）/).waitFor();
    await d.getByRole('button', { name: '依頼を提出する' }).click();
    await d.getByText('「依頼の種類」を選択してください。').waitFor();
    await d.getByText('「件名」を入力してください。').waitFor();
    await d.getByLabel('依頼の種類', { exact: true }).selectOption({ label: '仮想マシンの払出し' });
    await d.getByLabel('件名', { exact: true }).fill('税務システム検証用VMの払出し');
    await d.getByLabel('仮想マシン名', { exact: true }).fill('Vm_Bad');
    await d.getByLabel('vCPU数', { exact: true }).fill('100');
    await d.getByRole('button', { name: '依頼を提出する' }).click();
    await d.getByText(/「仮想マシン名」は英小文字で始まり/).waitFor();
    await d.getByText('「メモリ(GiB)」を入力してください。').waitFor();
    await shot(d, 'work-request-form-errors');
    // The API's checker reports one format problem at a time: once the name is right, the vCPUs.
    await d.getByLabel('仮想マシン名', { exact: true }).fill('vm-zeimu-test');
    await d.getByRole('button', { name: '依頼を提出する' }).click();
    await d.getByText('「vCPU数」は64以下にしてください。').waitFor();
    // The department changes its mind: a firewall change, done by hand with a checklist (R-MNT-3).
    await d.getByLabel('依頼の種類', { exact: true }).selectOption({ label: 'ネットワーク機器の設定変更' });
    await d.getByLabel('件名', { exact: true }).fill('税務システム用ファイアウォールの通信許可追加');
    await d.getByLabel('対象機器', { exact: true }).fill('fw01');
    await d.getByLabel('変更内容', { exact: true }).fill('10.20.1.0/24 から 10.30.5.10:443 への通信を許可');
    await d.getByLabel('変更理由', { exact: true }).fill('電子申請システムとの連携開始のため');
    await d.getByLabel('補足', { exact: true }).fill('検証環境として12月中に利用します。');
    await shot(d, 'work-request-form');
    await d.getByRole('button', { name: '依頼を提出する' }).click();
    await d.getByRole('status').filter({ hasText: /作業依頼 REQ-\d{4}-\d{4} を提出しました/ }).waitFor();
    const heading = await d.getByRole('heading', { level: 1 }).textContent();
    const number = /REQ-\d{4}-\d{4}/.exec(heading ?? '')![0];
    await d.getByRole('cell', { name: '税務システム用ファイアウォールの通信許可追加' }).waitFor();

    // 2. ga1 accepts it: the three-business-day clock starts.
    const g = ga1.page;
    let item = await openTask(g, base, number, '作業依頼の受付');
    await item.getByText('10.20.1.0/24 から 10.30.5.10:443 への通信を許可').waitFor();
    await shot(g, 'my-tasks-accept-request');
    await completeWith(g, item, '受け付ける');

    // 3. op1 plans the work to start in two seconds (the durable timer fires at once).
    const o = op1.page;
    item = await openTask(o, base, number, '作業計画の作成');
    await completeWithout(item, '計画を提出', ['「作業開始日時」を入力してください。', '「作業内容」を入力してください。', '「サービス停止を伴う」を選択してください。']);
    const now = Date.now();
    await item.getByLabel('作業開始日時', { exact: true }).fill(jstInput(now + 2_000, true));
    await item.getByLabel('作業終了日時', { exact: true }).fill(jstInput(now + 3_600_000));
    await item.getByLabel('作業内容', { exact: true }).fill('fw01 の設定をバックアップ後、許可ルールを追加して疎通を確認する');
    await item.getByRole('radio', { name: '伴わない' }).check();
    await completeWith(o, item, '計画を提出');

    // 4. ga1 confirms the plan.
    item = await openTask(g, base, number, '作業計画の承認');
    await item.getByText('サービス停止なし').waitFor();
    await completeWith(g, item, '承認');

    // 5. op1 executes (after the planned start) with the checklist, then verifies.
    item = await openTask(o, base, number, '作業の実施');
    const checks = item.getByRole('group', { name: '作業チェックリスト' }).getByRole('checkbox');
    expect(await checks.count()).toBe(4);
    for (const box of await checks.all()) await box.check();
    await item.getByLabel('作業結果', { exact: true }).fill('ルール #120 を追加、10.30.5.10:443 への疎通を確認');
    await shot(o, 'my-tasks-execute-work');
    await completeWith(o, item, '作業完了');
    item = await openTask(o, base, number, '作業後の動作確認');
    await completeWith(o, item, '正常');

    // 6. ga1 asks the department to verify (preselected), dept1 verifies, ga1 approves.
    item = await openTask(g, base, number, '所管課への動作確認依頼');
    await expectChecked(item.getByRole('checkbox', { name: /税務課/ }));
    await completeWith(g, item, '依頼する');
    item = await openTask(d, base, number, '所管課の動作確認');
    await completeWith(d, item, '問題なし');
    item = await openTask(g, base, number, '完了承認');
    await completeWith(g, item, '承認');

    // 7. The record is complete: 完了, approver, completion date; the plan and checklist are in it.
    await g.goto(`${base}/cases/${number}`);
    const sheet = g.locator('table.record-sheet');
    await sheet.getByText('完了', { exact: true }).waitFor();
    await expectRow(sheet, '承認者', '総務 花子');
    await expectRow(sheet, '対応担当者', '運用 一郎');
    await expectRow(sheet, '対応完了日', /\d{4}\/\d{2}\/\d{2}\(.\) \d{2}:\d{2}/);
    await sheet.getByText('許可ルールを追加して疎通を確認する').waitFor();
    await g.getByText(/チェックリスト 4\/4/).first().waitFor();
    await g.getByText('期限内に達成').waitFor();
    await shot(g, 'case-work-request-done');
  }, 180_000);

  test('R-FLOW-1: an incident from an alert to approval in the UI; refusals are shown in plain words', async () => {
    const base = system.baseUrl;
    const alert = await system.request('POST', '/api/alerts', {
      headers: { authorization: 'Bearer opsdesk-demo-alerts' },
      body: { source: 'test', hostname: 'vm-zeimu01', alertName: 'HostDown', severity: 'critical', summary: '税務システムのVMが応答しません', detectedAt: new Date().toISOString() },
    });
    expect(alert.status).toBe(202);
    const number = alert.body.results[0].caseNumber as string;
    const op1 = await as('op1');
    const op2 = await as('op2');
    const ga1 = await as('ga1');
    const dept1 = await as('dept1');
    const o = op1.page;

    // On site: op1 and op2 both open the step; op2 is second and is told why it was refused.
    let item = await openTask(o, base, number, '現地到着・一次切り分け開始');
    await item.getByText('この作業の期限').waitFor();
    await shot(o, 'my-tasks-incident');
    const late = await openTask(op2.page, base, number, '現地到着・一次切り分け開始');
    await completeWith(o, item, '現地で対応開始');
    await late.getByRole('button', { name: '現地で対応開始' }).click();
    await late.getByRole('alert').filter({ hasText: '状態が変わったため受け付けられませんでした' }).waitFor();
    await late.getByText('この作業は既に完了しているか、受け付けられない状態です').waitFor();
    await shot(op2.page, 'my-tasks-refused-409');

    // The desk's actions on the case page: a note, a phone call reported by e-mail, hold and resume.
    await o.goto(`${base}/cases/${number}`);
    await o.getByText('対応内容に記録する').click();
    await o.getByLabel('記録する内容').fill('ゲストOSのコンソールにカーネルパニックの表示あり');
    await o.getByRole('button', { name: '記録する', exact: true }).click();
    await o.getByRole('status').filter({ hasText: '対応内容に記録しました。' }).waitFor();
    await o.locator('ol.timeline').getByText('ゲストOSのコンソールにカーネルパニックの表示あり').waitFor();
    await o.getByText('連絡の記録（電話・対面など）').click();
    await o.getByLabel('相手の区分').selectOption({ label: '総務課' });
    await o.getByLabel('相手先（氏名・所属）').fill('総務課 佐藤様');
    await o.getByLabel('内容', { exact: true }).fill('現地到着と一次切り分け開始を連絡');
    await o.getByRole('button', { name: '連絡を記録する' }).click();
    await o.getByRole('status').filter({ hasText: '連絡を記録し、総務課へ報告メールを送信しました。' }).waitFor();
    await system.smtp.waitFor((m) => m.subject.includes(number) && m.subject.includes('電話連絡の内容'));
    await o.getByText('保留にする', { exact: true }).first().click();
    await o.getByLabel('待っている相手').selectOption({ label: 'メーカーの対応待ち' });
    await o.getByLabel('理由', { exact: true }).fill('部品の到着待ち');
    await o.getByRole('button', { name: '保留にする' }).click();
    await o.getByRole('status').filter({ hasText: '案件を保留にしました。' }).waitFor();
    await o.locator('.case-badges').getByText('保留中').waitFor();
    await o.getByText('保留中のため完了できません。再開してから対応してください。').waitFor();
    await shot(o, 'case-incident-on-hold');
    await o.getByLabel('理由', { exact: true }).fill('部品到着');
    await o.getByRole('button', { name: '再開する' }).click();
    await o.getByRole('status').filter({ hasText: '案件を再開しました。' }).waitFor();
    await o.locator('.case-badges').getByText('対応中').waitFor();

    // Triage, with the form's own checks first.
    item = await openTask(o, base, number, '切り分け結果の報告');
    await completeWithout(item, '現地で復旧した', ['「切り分け結果」を入力してください。', '「影響範囲」を入力してください。', '「サービス停止の有無」を選択してください。']);
    await item.getByLabel('切り分け結果', { exact: true }).fill('VMのゲストOSがハングアップ。再起動で復旧');
    await item.getByLabel('影響範囲', { exact: true }).fill('税務システム（約10分間）');
    await item.getByRole('radio', { name: 'あり（停止した）' }).check();
    // Issue 21: the platform is down at the moment of sending. The API's answer then (proven against
    // a killed Temporal in test/operability/outage.test.ts) is replayed here once: the person reads
    // that nothing was saved, keeps what they typed, and sends it again.
    let refusedOnce = false;
    await o.route('**/api/tasks/*/complete', async (route) => {
      if (refusedOnce) return route.continue();
      refusedOnce = true;
      await route.fulfill({
        status: 503, headers: { 'retry-after': '5' }, contentType: 'application/json',
        body: JSON.stringify({ statusCode: 503, error: 'Service Unavailable', message: '基盤に接続できないため保存されていません（ワークフロー基盤（Temporal）に接続できません）。しばらくしてから再度実行してください。 / Not saved: the workflow engine (Temporal) cannot be reached. Nothing was changed; please try again in a moment.' }),
      });
    });
    await item.getByRole('button', { name: '現地で復旧した', exact: true }).click();
    const down = item.getByRole('alert').filter({ hasText: '保存されていません。入力内容はこの画面に残っています。' });
    await down.getByText('基盤に接続できないため保存されていません').waitFor();
    expect(await item.getByLabel('切り分け結果', { exact: true }).inputValue()).toBe('VMのゲストOSがハングアップ。再起動で復旧');
    await shot(o, 'my-tasks-platform-down-503');
    await down.getByRole('button', { name: 'もう一度送信する' }).click();
    await o.getByRole('status').filter({ hasText: 'を完了しました' }).waitFor({ timeout: 30_000 });
    await o.unroute('**/api/tasks/*/complete');
    item = await openTask(o, base, number, '基盤の動作確認');
    await completeWith(o, item, '正常');

    // General affairs asks the department the inventory names; it verifies; general affairs approves.
    const g = ga1.page;
    item = await openTask(g, base, number, '所管課への動作確認依頼');
    await expectChecked(item.getByRole('checkbox', { name: /税務課/ }));
    expect(await item.getByRole('checkbox', { name: /市民課/ }).isChecked()).toBe(false);
    await shot(g, 'my-tasks-request-verification');
    await completeWith(g, item, '依頼する');
    item = await openTask(dept1.page, base, number, '所管課の動作確認');
    await completeWith(dept1.page, item, '問題なし');

    // Approval from the case page itself; rejecting without a reason is stopped by the form.
    await g.goto(`${base}/cases/${number}`);
    const form = g.getByRole('form', { name: '完了承認' });
    await form.getByRole('button', { name: '差し戻し' }).click();
    await form.getByText('この結果を選ぶときは、理由（コメント）を入力してください。').waitFor();
    await shot(g, 'case-incident-approval');
    await form.getByRole('button', { name: '承認' }).click();
    await g.getByRole('status').filter({ hasText: '「完了承認」を完了しました' }).waitFor();
    const sheet = g.locator('table.record-sheet');
    await sheet.getByText('完了', { exact: true }).waitFor();
    await expectRow(sheet, '承認者', '総務 花子');
    await sheet.getByText('税務システム（約10分間）').waitFor();
    await g.locator('ol.timeline').getByText(/警報を受信: HostDown @ vm-zeimu01/).waitFor();
    await shot(g, 'case-incident-done');
  }, 180_000);

  test('R-FLOW-2: general affairs returns a request for more information; the department edits and resubmits it', async () => {
    const base = system.baseUrl;
    const submitted = await system.request('POST', '/api/work-requests', {
      token: await system.login('dept1'),
      body: { type: 'vm.resize', subject: '税務VMのメモリ増設', params: { vmName: 'vm-zeimu01', memoryGiB: 16 } },
    });
    expect(submitted.status).toBe(201);
    const number = submitted.body.caseNumber as string;
    const g = (await as('ga1')).page;
    let item = await openTask(g, base, number, '作業依頼の受付');
    await completeWithout(item, '差し戻し（情報不足）', ['この結果を選ぶときは、理由（コメント）を入力してください。']);
    await item.getByLabel('コメント', { exact: true }).fill('希望する作業日と、CPUも増やすかを記入してください。');
    await completeWith(g, item, '差し戻し（情報不足）');

    const d = (await as('dept1')).page;
    item = await openTask(d, base, number, '依頼内容の修正・再提出');
    const params = item.getByRole('group', { name: /パラメータ/ });
    expect(await params.getByLabel('仮想マシン名', { exact: true }).inputValue()).toBe('vm-zeimu01');
    expect(await params.getByLabel('変更後のメモリ(GiB)', { exact: true }).inputValue()).toBe('16');
    await params.getByLabel('変更後のvCPU数', { exact: true }).fill('65');
    await completeWithout(item, '再提出', ['「変更後のvCPU数」は64以下にしてください。']);
    await params.getByLabel('変更後のvCPU数', { exact: true }).fill('4');
    await item.getByLabel('件名', { exact: true }).fill('税務VMのメモリ・CPU増設');
    await shot(d, 'my-tasks-resubmit');
    await completeWith(d, item, '再提出');

    item = await findTask(g, base, number, '作業依頼の受付');
    await item.getByText('税務VMのメモリ・CPU増設').waitFor();
    await item.getByRole('button', { name: /対応する/ }).click();
    await item.getByText('4', { exact: true }).waitFor();
  }, 120_000);
});

async function completeWithout(item: ReturnType<import('playwright-core').Page['locator']>, outcome: string, messages: string[]) {
  await item.getByRole('button', { name: outcome, exact: true }).click();
  for (const message of messages) await item.getByText(message).first().waitFor({ timeout: 5_000 });
}

async function expectChecked(box: ReturnType<import('playwright-core').Page['locator']>) {
  await box.waitFor();
  expect(await box.isChecked()).toBe(true);
}

async function expectRow(sheet: ReturnType<import('playwright-core').Page['locator']>, header: string, value: string | RegExp) {
  const cell = sheet.locator('th', { hasText: header }).locator('xpath=following-sibling::td[1]');
  const text = (await cell.textContent()) ?? '';
  if (typeof value === 'string') expect(text).toContain(value);
  else expect(text).toMatch(value);
}
