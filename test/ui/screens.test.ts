import type { Page } from 'playwright-core';
import { FlowDriver } from '../support/flow';
import type { TestSystem } from '../support/test-system';
import { completeWith, findTask, openTask, shot, withSystemAndBrowser } from './browser';

/**
 * Issue 22, points 2, 4 and 5 in real Chromium: the dashboard's words, the SLA on screen (what
 * governs a step without a due time, 達成 after the on-site SLA is met, why a due is next-day) and
 * the wording and dates (the maker desk e-mail only for メーカー対応が必要, results as results, one
 * date format, Japanese date inputs).
 */
describe('web UI: the people\'s screens (issue 22: SLA, wording and dates)', () => {
  let system: TestSystem;

  const sessions = withSystemAndBrowser((started) => {
    ({ system } = started);
  });
  const as = (username: string) => sessions.as(username);

  /** Every date and time on the page in the one format: no ISO, no `… JST`, no 年月日, no AM/PM. */
  async function expectOneDateFormat(page: Page) {
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/);
    expect(text).not.toMatch(/\d{4}年\d{1,2}月\d{1,2}日/);
    expect(text).not.toMatch(/\b\d{1,2}:\d{2}\s?(AM|PM)\b/);
    expect(text).not.toMatch(/\d{2}:\d{2} JST/);
    expect(text).toMatch(/\d{4}\/\d{2}\/\d{2}\([日月火水木金土]\) \d{2}:\d{2}/);
  }

  /** The reception hours of the default calendar (weekday 08:30–17:15 JST), holidays aside. */
  function outOfHours(at: number): boolean {
    const jst = new Date(at + 9 * 3_600_000);
    const minutes = jst.getUTCHours() * 60 + jst.getUTCMinutes();
    return jst.getUTCDay() === 0 || jst.getUTCDay() === 6 || minutes < 510 || minutes >= 1035;
  }

  test('R-SLA-1/R-SLA-2/R-UI: an incident on screen: the SLA reads 達成 once met with no next target, steps after it say what governs them, results read as results, one date format', async () => {
    const detectedAt = Date.now();
    const created = await system.request('POST', '/api/alerts', {
      headers: { authorization: 'Bearer opsdesk-demo-alerts' },
      body: { source: 'test', hostname: 'vm-zeimu01', alertName: 'HostDown', severity: 'major', summary: '税務システムのVMが応答しません', detectedAt: new Date(detectedAt).toISOString() },
    });
    expect(created.status).toBe(202);
    const number = created.body.results[0].caseNumber as string;
    const flow = new FlowDriver(system);
    const op1 = await as('op1');
    const o = op1.page;
    const base = system.baseUrl;

    // The queue: the on-site step's due, and why it is next-day when the alert came out of hours.
    const onSite = await findTask(o, base, number, '現地到着・一次切り分け開始');
    const dueKind = await onSite.locator('.due-kind').innerText();
    expect(dueKind).toContain('この作業の期限');
    if (outOfHours(detectedAt)) expect(dueKind).toContain('受付時間外の検知のため次の営業日');
    await expectOneDateFormat(o);

    // The case page before anyone is on site: the next target is named; an out-of-hours due says why.
    await o.goto(`${base}/cases/${number}`);
    const panel = o.locator('section.sla-panel');
    await panel.getByText('次の目標').waitFor();
    await panel.getByText('障害のSLAは現地到着・一次切り分け開始までです').waitFor();
    if (outOfHours(detectedAt)) await panel.getByText(/受付時間外（.*）の検知のため、期限は次の営業日の受付開始後/).waitFor();
    await shot(o, 'sla-panel-running');

    // On site: the SLA is met. The bar must not say 未到達 any more.
    await flow.complete(number, 'acknowledge', 'op1', { outcome: 'on_site' });
    await o.reload();
    await panel.getByText('期限内に達成').waitFor();
    await panel.getByText('期限（達成）').waitFor();
    expect(await panel.innerText()).not.toContain('未到達');
    await panel.locator('dd').filter({ hasText: /^なし/ }).waitFor();
    await expectOneDateFormat(o);
    await shot(o, 'sla-panel-met');

    // Triage: the maker desk e-mail is not part of a 現地で復旧した report; it sits, folded, beside メーカー対応が必要.
    const triage = await openTask(o, base, number, '切り分け結果の報告');
    await triage.getByLabel('切り分け結果', { exact: true }).waitFor();
    expect(await triage.getByLabel('メーカー保守窓口のメール').isVisible()).toBe(false);
    await shot(o, 'triage-without-maker-email');
    await triage.getByText('「メーカー対応が必要」を選ぶ場合の入力').click();
    await triage.getByLabel('メーカー保守窓口のメール').waitFor();
    await shot(o, 'triage-maker-email-opened');
    await triage.getByLabel('切り分け結果', { exact: true }).fill('VMのゲストOSがハングアップ。再起動で復旧');
    await triage.getByLabel('影響範囲', { exact: true }).fill('税務システム（約10分間）');
    await triage.getByRole('radio', { name: 'なし' }).check();
    await completeWith(o, triage, '現地で復旧した');
    await flow.complete(number, 'verify_platform', 'op1', { outcome: 'ok' });

    // ga1 asks the department in the UI: the notice and the completed-task table say 依頼済み.
    const ga1 = await as('ga1');
    const g = ga1.page;
    const ask = await openTask(g, base, number, '所管課への動作確認依頼');
    await completeWith(g, ask, '依頼する');
    await g.getByRole('status').filter({ hasText: '結果: 依頼済み' }).waitFor();

    // dept1's queue: the verification step has no due time, and says what governs it.
    const dept1 = await as('dept1');
    const verify = await findTask(dept1.page, base, number, '所管課の動作確認');
    await verify.getByText('この手順はSLA対象外').waitFor();
    await verify.getByText('障害のSLAは現地到着まで（達成済み）').waitFor();
    expect(await dept1.page.locator('main').innerText()).not.toContain('期限の定めなし');
    await shot(dept1.page, 'queue-department-no-sla-reason');

    await g.goto(`${base}/cases/${number}`);
    const done = g.locator('tr').filter({ hasText: '所管課への動作確認依頼' }).first();
    await done.getByText('依頼済み').waitFor();
    expect(await done.innerText()).not.toContain('依頼する');
    await expectOneDateFormat(g);
    await shot(g, 'case-completed-tasks-results');
  }, 180_000);

  test('R-UI: date and time inputs show YYYY/MM/DD HH:mm (24-hour) whatever the browser locale, and read Japanese typing', async () => {
    const op1 = await as('op1');
    const o = op1.page;
    await o.goto(`${system.baseUrl}/incidents/new`);
    const input = o.getByLabel('検知日時');
    await input.waitFor();
    expect(await input.getAttribute('type')).toBe('text');
    expect(await input.getAttribute('placeholder')).toBe('YYYY/MM/DD HH:mm');
    await input.fill('２０２６／１２／７　９：０５');
    await input.blur();
    expect(await input.inputValue()).toBe('2026/12/07 09:05');
    expect(await o.locator('input[type="date"], input[type="time"], input[type="datetime-local"]').count()).toBe(0);
    await shot(o, 'date-input-japanese');
  });

  test('R-UI: the dashboard names unfinished cases 未完了, so 対応中 means only the status; trends per week, SLA met % per month and open by age are drawn', async () => {
    await system.request('POST', '/api/alerts', {
      headers: { authorization: 'Bearer opsdesk-demo-alerts' },
      body: { source: 'test', hostname: 'vm-zeimu01', alertName: 'DiskFull', severity: 'minor', summary: 'ディスク使用率90%', detectedAt: new Date().toISOString() },
    });
    const ga1 = await as('ga1');
    const g = ga1.page;
    await g.goto(`${system.baseUrl}/dashboard`);
    await g.getByText('未完了の障害').waitFor();
    await g.getByText('未完了の作業依頼').waitFor();
    expect(await g.locator('main').innerText()).not.toContain('対応中の障害');
    // Trends from GET /api/cases/trends, drawn as SVG with names and the figures as a table.
    await g.getByRole('img', { name: '週ごとの受付件数（直近12週、月曜始まり）' }).waitFor();
    await g.getByRole('img', { name: '月ごとのSLA達成率（計測終了した月で集計）' }).waitFor();
    const age = g.getByRole('img', { name: '未完了の案件の経過日数（発生から）' });
    await age.waitFor();
    expect(await age.locator('rect').count()).toBeGreaterThan(0);
    await g.getByText('数値を表で見る').click();
    await g.getByRole('cell', { name: /^経過 1日未満: [1-9]\d* 件$/ }).waitFor();
    await shot(g, 'dashboard-words');
  });

});
