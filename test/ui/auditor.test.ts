import { readFileSync } from 'node:fs';
import type { TestSystem } from '../support/test-system';
import { shot, waitUntil, withSystemAndBrowser } from './browser';

/**
 * The auditor's views (issue 8): a case's workflow history as a readable timeline, its raw JSON,
 * replay against the current code, the record/history consistency check; the audit log with
 * filters, its CSV, and the hash-chain check. Screenshots go to test/artifacts/screenshots/.
 */
describe('web UI: auditor views', () => {
  let system: TestSystem;
  let incident: string;

  const sessions = withSystemAndBrowser(async (started) => {
    ({ system } = started);
    const alert = await system.request('POST', '/api/alerts', {
      headers: { authorization: 'Bearer opsdesk-demo-alerts' },
      body: { source: 'test', hostname: 'vm-zeimu01', alertName: 'DiskFull', severity: 'major', summary: 'ディスク使用率95%', detectedAt: new Date().toISOString() },
    });
    if (alert.status >= 300) throw new Error(`alert: ${alert.status} ${alert.text}`);
    incident = alert.body.results[0].caseNumber;
  });

  const as = async (username: string) => (await sessions.as(username)).page;

  test('the auditor reads a case\'s workflow history, downloads it, replays it (OK) and checks consistency', async () => {
    const page = await as('audit1');
    await page.goto(`${system.baseUrl}/cases/${incident}`);
    const panel = page.getByRole('region', { name: 'ワークフロー履歴' });
    await panel.getByRole('heading', { name: 'ワークフロー履歴' }).waitFor();
    expect(await page.getByText('準備中').count()).toBe(0);
    const timeline = panel.getByRole('list', { name: '履歴（時系列）' });
    await timeline.waitFor({ timeout: 30_000 });
    expect(await timeline.getByRole('listitem').count()).toBeGreaterThan(2);
    expect(await timeline.getByText('開始', { exact: true }).count()).toBeGreaterThan(0);
    // Read-only for the auditor: none of the desk's actions.
    for (const action of ['保留にする', '対応内容に記録する']) expect(await page.getByText(action, { exact: true }).count()).toBe(0);

    const [download] = await Promise.all([page.waitForEvent('download'), panel.getByRole('button', { name: '履歴JSONをダウンロード' }).click()]);
    expect(download.suggestedFilename()).toMatch(new RegExp(`^${incident}_.+\\.history\\.json$`));
    const raw = JSON.parse(readFileSync(await download.path(), 'utf8'));
    expect(Array.isArray(raw.events)).toBe(true);
    expect(raw.events[0].eventType).toMatch(/WORKFLOW_EXECUTION_STARTED/);

    await panel.getByRole('button', { name: '再生検証', exact: true }).click();
    const ok = panel.getByRole('status').filter({ hasText: '再生検証: OK' });
    await ok.waitFor({ timeout: 60_000 });
    expect(await ok.textContent()).toMatch(/イベント \d+ 件、所要 \d+ ms/);

    await panel.getByRole('button', { name: '整合性確認', exact: true }).click();
    await panel.getByRole('status').filter({ hasText: /整合性確認: (一致|不一致)/ }).waitFor({ timeout: 30_000 });
    await shot(page, 'case-auditor-history');

    await page.getByRole('button', { name: 'English' }).click();
    const english = page.getByRole('region', { name: 'Workflow history' });
    await english.getByRole('heading', { name: 'Workflow history' }).waitFor();
    await english.getByText('Replay: OK').waitFor();
    await shot(page, 'case-auditor-history-en');
    await page.getByRole('button', { name: '日本語' }).click();
  });

  test('the audit log reads in Japanese: labelled actions, details without JSON, control characters made visible; one replay is one row (issue 22)', async () => {
    const op1 = await system.login('op1');
    const hostile = await system.request('POST', '/api/cases/INC%07X/notes', { token: op1, body: { text: 'x' } });
    expect(hostile.status).toBe(400);
    const auditor = await system.login('audit1');
    const replayRows = async () => (await system.request('GET', `/api/audit?target=case:${incident}&limit=200`, { token: auditor })).body.items.filter((e: any) => /replay/.test(e.action)).map((e: any) => e.action);
    const before = await replayRows();
    expect((await system.request('POST', `/api/cases/${incident}/replay?source=live`, { token: auditor })).status).toBe(200);
    expect(await replayRows()).toEqual(['case.history.replay', ...before]);

    const page = await as('audit1');
    await page.goto(`${system.baseUrl}/audit?actor=op1`);
    const rows = page.locator('table.audit-table tbody tr');
    await rows.first().waitFor();
    await rows.filter({ hasText: 'ログイン' }).first().waitFor();
    const noteRow = rows.filter({ hasText: '対応内容の記録' }).first();
    await noteRow.waitFor();
    expect(await noteRow.locator('td:nth-child(5)').textContent()).toBe('case:INC\\u0007X');
    const details = (await rows.locator('td:nth-child(7)').allTextContents()).join('\n');
    expect(details).toContain('依頼内容: ');
    expect(details).not.toMatch(/[{}"]/);
    for (const code of await rows.locator('td:nth-child(4)').allTextContents()) expect(code).not.toMatch(/^[a-z_]+(\.[a-z_]+)+$/);
    await shot(page, 'audit-log-readable');
  });

  test('the audit log: filter by actor, export CSV, verify the chain', async () => {
    const page = await as('audit1');
    await page.getByRole('link', { name: '監査ログ' }).click();
    await page.getByRole('heading', { name: '監査ログ', level: 1 }).waitFor();
    await page.getByLabel('操作者（ユーザー名）').fill('audit1');
    await page.getByRole('button', { name: '検索', exact: true }).click();
    expect(page.url()).toContain('actor=audit1');
    await page.getByRole('heading', { name: /検索結果 [1-9]\d* 件/ }).waitFor();
    // The unfiltered page may still be on screen for a moment: wait for the filtered rows.
    await waitUntil(async () => {
      const actors = await page.locator('table.audit-table tbody tr td:nth-child(3)').allTextContents();
      return actors.length > 0 && actors.every((actor) => actor.includes('audit1'));
    }, 'only audit1 rows are listed');
    const rows = page.locator('table.audit-table tbody tr');
    expect(await rows.count()).toBeGreaterThan(0);
    for (const text of await rows.locator('td:nth-child(3)').allTextContents()) expect(text).toContain('audit1');
    await shot(page, 'audit-log');

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV出力' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^opsdesk-audit-\d{8}\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.charCodeAt(0)).toBe(0xfeff);
    expect(csv).toContain('audit1');

    await page.getByRole('button', { name: 'チェーン検証' }).click();
    await page.getByRole('status').filter({ hasText: 'チェーン検証: OK' }).waitFor({ timeout: 30_000 });
    await shot(page, 'audit-log-verified');

    // Other roles have no menu entry and are refused the page.
    const ga = await as('ga1');
    expect(await ga.getByRole('link', { name: '監査ログ' }).count()).toBe(0);
    await ga.goto(`${system.baseUrl}/audit`);
    await ga.getByRole('heading', { name: 'この画面は利用できません' }).waitFor();
  });
});
