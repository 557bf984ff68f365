import type { Browser } from 'playwright-core';
import { MONTH, seed } from '../reports/history';
import type { TestSystem } from '../support/test-system';
import { shot, waitUntil, withSystemAndBrowser } from './browser';

/** The report page (R-RPT-1..5): the sections and charts on screen, the comments and the approval inline. */
describe('web UI: the monthly report page', () => {
  let system: TestSystem;
  let reportId: string;
  let _browser: Browser;
  let gaToken: string;

  // The worker renders in this process (CPU-bound for a moment): a kept-alive socket may be reset meanwhile, so ask again.
  const status = async () =>
    ((await system.request('GET', `/api/reports/monthly/${reportId}`, { token: gaToken }).catch(() => ({ body: { status: '', openTask: null } }))).body ?? { status: '', openTask: null }) as { status: string; openTask: { type: string } | null };

  const sessions = withSystemAndBrowser(async (started) => {
    ({ system, browser: _browser } = started);
    await seed(system.config.databaseUrl);
    gaToken = await system.login('ga1');
    const r = await system.request('POST', '/api/reports/monthly', { token: gaToken, body: { month: MONTH } });
    if (r.status !== 201) throw new Error(`report: ${r.status} ${r.text}`);
    reportId = r.body.reportId;
    await waitUntil(async () => (await status()).openTask?.type === 'report_comments', 'report waits for comments', 90_000);
  });

  test('R-RPT-1: a figure\'s source rows open as a readable table (Japanese headers first, JST times, GiB beside bytes), not raw JSON', async () => {
    const { page } = await sessions.as('ga1');
    await page.goto(`${system.baseUrl}/reports?id=${reportId}`);
    await page.getByRole('row', { name: /rpt-vm01 CPU ピーク/ }).getByRole('button').click();
    const dialog = page.getByRole('dialog', { name: '出典の行' });
    await dialog.getByRole('columnheader', { name: /ピーク\(%\)/ }).waitFor();
    for (const header of ['日付', '機器', '指標', '平均(%)', 'サンプル数', '採取日時']) await dialog.getByRole('columnheader', { name: new RegExp(header.replace(/[()%]/g, '\\$&')) }).waitFor();
    await waitUntil(async () => (await dialog.locator('tbody tr').count()) === 31, 'the 31 days of rpt-vm01\'s CPU');
    const fifth = dialog.locator('tbody tr', { hasText: '2026-10-05' });
    await waitUntil(async () => /CPU/.test(await fifth.innerText()) && /95/.test(await fifth.innerText()), 'the CPU peak of 5 October');
    expect(await dialog.locator('pre').count()).toBe(0);
    await shot(page, 'report-trace-table');
    await dialog.getByRole('button', { name: '閉じる' }).click();
    await page.getByRole('row', { name: /バックアップストア 前月比/ }).getByRole('button').click();
    await waitUntil(async () => /462,782,726,144（431 GiB）/.test(await page.getByRole('dialog', { name: '出典の行' }).innerText()), 'bytes shown with their GiB');
  }, 120_000);

  test('R-RPT-1..5: operators read the sections and charts and write the comments; general affairs approves on the page', async () => {
    const { page } = await sessions.as('op1');
    await page.goto(`${system.baseUrl}/reports?id=${reportId}`);
    for (const heading of ['仮想マシンの運用実績（R-RPT-1）', '基盤の運用実績（R-RPT-2）', 'キャパシティ（R-RPT-3）', '作業実績（R-RPT-4）', '未解決の課題（R-RPT-5）']) {
      await page.getByRole('heading', { name: heading }).waitFor();
    }
    await waitUntil(async () => (await page.locator('figure.report-chart svg').count()) === 4, 'four charts on the page');
    const boxes = page.getByLabel('所見');
    await waitUntil(async () => (await boxes.count()) === 5, 'five comment boxes');
    for (let i = 0; i < 5; i += 1) await boxes.nth(i).fill(`所見 ${i + 1}`);
    await shot(page, 'report-comments');
    await page.getByRole('button', { name: '所見を提出' }).click();
    await waitUntil(async () => (await status()).status === 'approval', 'report waits for approval', 30_000);

    const ga = await sessions.as('ga1');
    await ga.page.goto(`${system.baseUrl}/reports?id=${reportId}`);
    await ga.page.getByRole('button', { name: '承認する' }).click();
    await waitUntil(async () => (await status()).status === 'approved', 'report approved', 60_000);
    await ga.page.reload();
    await ga.page.getByRole('heading', { name: /承認済み/ }).waitFor();
    await shot(ga.page, 'report-approved');
  }, 180_000);
});
