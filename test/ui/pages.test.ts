import { readFileSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { FlowDriver } from '../support/flow';
import type { TestSystem } from '../support/test-system';
import { fromJstWall, jstWall } from '../../workflows/shared/jst';
import { shot, withSystemAndBrowser } from './browser';

/**
 * The other pages on real data: who may see what (dept2 never sees dept1's case), the work-history
 * search and its CSV, the dashboard, the maintenance calendar, the admin pages, English, the
 * auditor's read-only view, reporting an incident. Screenshots of each go to test/artifacts/.
 */
describe('web UI: pages, access and exports', () => {
  let system: TestSystem;
  let browser: Browser;
  let flow: FlowDriver;
  let todayRequest: string;
  let stopRequest: string;
  let incident: string;
  let stopStart: Date;

  const sessions = withSystemAndBrowser(async (started) => {
    ({ system, browser } = started);
    flow = new FlowDriver(system);
    // Types done by hand (an automated type would run its operation at the planned time).
    const submit = async (subject: string, device: string) => {
      const r = await flow.as('dept1', 'POST', '/api/work-requests', {
        type: 'network.change', subject, params: { device, change: '通信許可ルールの追加', reason: '新システムとの連携' },
      });
      if (r.status !== 201) throw new Error(`submit: ${r.status} ${r.text}`);
      return r.body.caseNumber as string;
    };
    // A request planned for today (started a few minutes ago) and one that stops a service in 35 days.
    // Both stay inside one Japanese day, so each shows on one day of the calendar at any hour of
    // the run (a plan that runs past midnight shows on both days).
    const now = Date.now();
    const today = jstWall(now);
    const inJapanToday = (daysOn: number, hours: number, minutes = 0) => fromJstWall(today.getUTCFullYear(), today.getUTCMonth() + 1, today.getUTCDate() + daysOn, hours, minutes).getTime();
    todayRequest = await submit('税務システム用ファイアウォールの通信許可追加', 'fw01');
    await flow.complete(todayRequest, 'accept_request', 'ga1', { outcome: 'accepted' });
    await flow.complete(todayRequest, 'plan_work', 'op1', {
      outcome: 'planned',
      data: {
        plannedStart: new Date(Math.max(now - 5 * 60_000, inJapanToday(0, 0))).toISOString(), plannedEnd: new Date(Math.min(now + 2 * 3_600_000, inJapanToday(0, 23, 59))).toISOString(),
        content: '許可ルールを追加し疎通を確認', stopsService: false,
      },
    });
    await flow.complete(todayRequest, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
    stopRequest = await submit('コアスイッチのファームウェア更新', 'sw-core01');
    await flow.complete(stopRequest, 'accept_request', 'ga1', { outcome: 'accepted' });
    stopStart = new Date(inJapanToday(35, 12));
    await flow.complete(stopRequest, 'plan_work', 'op1', {
      outcome: 'planned',
      data: { plannedStart: stopStart.toISOString(), plannedEnd: new Date(stopStart.getTime() + 2 * 3_600_000).toISOString(), content: '業務を停止してファームウェアを更新', stopsService: true },
    });
    await flow.complete(stopRequest, 'confirm_plan', 'ga1', { outcome: 'confirmed' });
    const alert = await system.request('POST', '/api/alerts', {
      headers: { authorization: 'Bearer opsdesk-demo-alerts' },
      body: { source: 'test', hostname: 'vm-zeimu01', alertName: 'DiskFull', severity: 'major', summary: 'ディスク使用率95%', detectedAt: new Date().toISOString() },
    });
    incident = alert.body.results[0].caseNumber;
  });

  const as = async (username: string) => (await sessions.as(username)).page;

  test('the sign-in page is in Japanese and says plainly when the password is wrong', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    sessions.track(context);
    const page = await context.newPage();
    await page.goto(`${system.baseUrl}/cases/${todayRequest}`);
    await page.waitForURL(/\/login\?next=/);
    await page.getByLabel('ユーザー名').fill('dept1');
    await page.getByLabel('パスワード').fill('wrong-password');
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('alert').filter({ hasText: 'ユーザー名またはパスワードが正しくありません。' }).waitFor();
    expect(await page.evaluate('document.fonts.check(\'16px "Noto Sans CJK JP"\')')).toBe(true);
    await shot(page, 'login');
    await page.getByLabel('パスワード').fill('opsdesk-demo');
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('heading', { name: new RegExp(todayRequest) }).waitFor(); // back where it was going
  });

  test('signed in, the first page shows once, with the department named: a menu click right away is not taken back', async () => {
    const context = await browser.newContext({ viewport: { width: 1440, height: 900 }, locale: 'ja-JP', timezoneId: 'Asia/Tokyo' });
    sessions.track(context);
    const page = await context.newPage();
    // A slow answer for the department names was what let the sign-in navigate a second time,
    // after the person had already gone on.
    await page.route('**/api/departments', async (route) => {
      await new Promise((resolve) => setTimeout(resolve, 1_500));
      await route.continue();
    });
    await page.goto(`${system.baseUrl}/login`);
    await page.getByLabel('ユーザー名').fill('dept1');
    await page.getByLabel('パスワード').fill('opsdesk-demo');
    const departmentsAnswered = page.waitForEvent('requestfinished', (request) => new URL(request.url()).pathname === '/api/departments');
    await page.getByRole('button', { name: 'ログイン' }).click();
    await page.getByRole('link', { name: '自課の依頼' }).click();
    await page.getByRole('heading', { name: '税務課の作業依頼' }).waitFor();
    // A late navigation would follow the department names' answer: wait for the answer, then two
    // frames, by which the page has run what the answer set off.
    await departmentsAnswered;
    await page.evaluate('new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)))');
    expect(new URL(page.url()).pathname).toBe('/requests');
    await page.getByRole('heading', { name: '税務課の作業依頼' }).waitFor({ timeout: 1_000 });
  });

  test('dept2 cannot see dept1\'s case: a clear refusal on the page, and not in its lists', async () => {
    const page = await as('dept2');
    await page.goto(`${system.baseUrl}/cases/${todayRequest}`);
    await page.getByRole('heading', { name: 'この案件は参照できません' }).waitFor();
    await page.getByRole('alert').getByText(`${todayRequest} は他の所管課の案件のため、表示する権限がありません。`).waitFor();
    await page.getByRole('alert').getByText('他課の案件は参照できません').waitFor();
    await shot(page, 'case-refused-other-department');
    await page.getByRole('link', { name: '作業履歴', exact: true }).click();
    await page.getByRole('heading', { name: /検索結果 \d+ 件/ }).waitFor();
    expect(await page.locator('main').textContent()).not.toContain(todayRequest);
    await page.getByLabel('番号・件名・対象機器').fill(todayRequest);
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.getByRole('heading', { name: '検索結果 0 件' }).waitFor();
    await page.goto(`${system.baseUrl}/tasks`);
    expect(await page.locator('main').textContent()).not.toContain(todayRequest);
    // dept1 does see it.
    const own = await as('dept1');
    await own.goto(`${system.baseUrl}/cases/${todayRequest}`);
    await own.getByRole('heading', { name: new RegExp(todayRequest) }).waitFor();
  });

  test('作業履歴: search by kind and number, and a CSV that Excel opens (BOM, Japanese headers, CRLF)', async () => {
    const page = await as('ga1');
    await page.goto(`${system.baseUrl}/cases`);
    await page.getByLabel('種別').selectOption({ label: '作業依頼' });
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.getByRole('heading', { name: '検索結果 2 件' }).waitFor();
    expect(page.url()).toContain('kind=work_request');
    await shot(page, 'work-history');
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV出力（Excel用）' }).click()]);
    expect(download.suggestedFilename()).toMatch(/^作業履歴_\d{8}\.csv$/);
    const bytes = readFileSync(await download.path());
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const text = bytes.toString('utf8').slice(1);
    const lines = text.split('\r\n');
    expect(lines[0]).toBe('"案件番号","種別","件名","対応状況","終了区分","重要度","依頼種別","対象機器","発生日時","対応担当者","SLA期限","SLA超過","承認者","対応完了日","所管課","影響範囲","サービス停止","対応内容（記録件数）","対応内容（最新の記録）"');
    expect(text.replace(/\r\n/g, '')).not.toContain('\n');
    expect(lines).toHaveLength(4); // header, two requests, and the final CRLF
    expect(lines.find((l) => l.startsWith(`"${stopRequest}"`))).toMatch(/^"REQ-\d{4}-\d{4}","作業依頼","コアスイッチのファームウェア更新","対応中","","","ネットワーク機器の設定変更","","\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}",.*"税務課","","","\d+","\d{4}\/\d{2}\/\d{2} \d{2}:\d{2} [^"]+"$/);
    // Search by number finds exactly one.
    await page.getByLabel('番号・件名・対象機器').fill(incident);
    await page.getByLabel('種別').selectOption({ label: 'すべて' });
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.getByRole('heading', { name: '検索結果 1 件' }).waitFor();
    await page.getByRole('link', { name: incident }).click();
    await page.getByRole('heading', { name: new RegExp(incident) }).waitFor();
  });

  test('ダッシュボード: counts by status, SLA countdown with text, today\'s planned work', async () => {
    const page = await as('ga1');
    await page.getByRole('link', { name: 'ダッシュボード' }).click();
    const today = page.locator('section', { has: page.getByRole('heading', { name: '本日の作業予定' }) });
    await today.getByRole('link', { name: todayRequest }).waitFor();
    const sla = page.locator('section', { has: page.getByRole('heading', { name: 'SLA期限の近い案件' }) });
    await sla.getByRole('link', { name: incident }).waitFor();
    await sla.getByText('期限内').first().waitFor();
    await sla.getByText(/残り \d+時間/).first().waitFor();
    const counts = page.locator('table.counts');
    expect(await counts.getByRole('link', { name: '作業依頼 対応中: 2' }).count()).toBe(1);
    await shot(page, 'dashboard');
  });

  test('保守カレンダー: this month\'s work, and the service-stopping one marked next time it comes', async () => {
    const page = await as('op1');
    await page.getByRole('link', { name: '保守カレンダー' }).click();
    const calendar = page.locator('table.calendar');
    await calendar.getByRole('link', { name: new RegExp(todayRequest) }).waitFor();
    await shot(page, 'maintenance-calendar');
    const stopMonth = new Date(stopStart.getTime() + 9 * 3_600_000).toISOString().slice(0, 7);
    for (let i = 0; i < 3 && !page.url().includes(stopMonth); i++) await page.getByRole('button', { name: '翌月 →' }).click();
    const stop = calendar.getByRole('link', { name: new RegExp(stopRequest) });
    await stop.waitFor();
    expect(await stop.textContent()).toContain('⚠ 停止');
    const list = page.locator('section', { has: page.getByRole('heading', { name: /の作業予定一覧/ }) });
    await list.getByText('⚠ あり').waitFor();
    await shot(page, 'maintenance-calendar-stop');
  });

  test('管理: inventory (add), business calendar (add and remove a closing day), alert sources (issue and revoke)', async () => {
    const page = await as('admin');
    await page.getByRole('link', { name: '構成管理' }).click();
    await page.getByRole('cell', { name: 'vm-zeimu01 税務システム AP サーバ' }).waitFor();
    const add = page.locator('section', { has: page.getByRole('heading', { name: '機器を登録する' }) });
    await add.getByRole('button', { name: '登録する' }).click();
    await add.getByText('「種類」を選択してください。').waitFor();
    await add.getByLabel('ホスト名', { exact: true }).fill('vm-shimin02');
    await add.getByLabel('種類').selectOption({ label: '仮想マシン' });
    await add.getByLabel('基盤', { exact: true }).selectOption({ label: '仮想化基盤' });
    await add.getByLabel('IPアドレスまたはDNS名').fill('10.20.1.42');
    await add.getByLabel(/業務システム/).fill('住民記録システム');
    await add.getByRole('checkbox', { name: '市民課' }).check();
    await add.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('status').filter({ hasText: 'vm-shimin02 を登録しました。' }).waitFor();
    await page.getByRole('cell', { name: 'vm-shimin02', exact: true }).waitFor();
    // R-RPT-3: the platform's capacity per cluster, as the worker sampled it (here the simulator's one cluster).
    const capacity = page.locator('section', { has: page.getByRole('heading', { name: '仮想化基盤の容量' }) });
    await capacity.getByText('仮想化基盤シミュレータ（実機ではありません）').waitFor();
    await capacity.getByRole('rowheader', { name: 'sim-cluster' }).waitFor();
    await shot(page, 'admin-inventory');

    await page.getByRole('link', { name: '営業日カレンダー' }).click();
    await page.getByRole('cell', { name: '元日' }).first().waitFor();
    const year = new Date().getUTCFullYear() + 1;
    await page.getByLabel('日付', { exact: true }).fill(`${year}-08-14`);
    await page.getByLabel('名称（日本語）').fill('庁舎設備点検');
    await page.getByLabel('名称（英語）').fill('Building inspection');
    await page.getByRole('button', { name: '追加する' }).click();
    await page.getByRole('status').filter({ hasText: `${year}-08-14 を閉庁日に追加しました。` }).waitFor();
    await page.getByRole('cell', { name: '庁舎設備点検' }).waitFor();
    await shot(page, 'admin-business-calendar');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `削除 ${year}-08-14` }).click();
    await page.getByRole('status').filter({ hasText: `${year}-08-14 を閉庁日から外しました。` }).waitFor();

    await page.getByRole('link', { name: '監視連携' }).click();
    await page.getByRole('cell', { name: 'demo-monitoring', exact: true }).waitFor();
    await page.getByLabel('監視システムの名前').fill('zabbix-honcho');
    await page.getByRole('button', { name: 'トークンを発行する' }).click();
    await page.getByText('「zabbix-honcho」のトークンを発行しました。この画面を離れると二度と表示されません。').waitFor();
    const token = await page.locator('code.token').textContent();
    expect(token?.length).toBeGreaterThan(20);
    await shot(page, 'admin-alert-sources');
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: '無効にする zabbix-honcho' }).click();
    await page.getByRole('row', { name: /zabbix-honcho/ }).getByText(/無効（/).waitFor();
    const refused = await system.request('POST', '/api/alerts', { headers: { authorization: `Bearer ${token}` }, body: { source: 'x', hostname: 'esx01', alertName: 'x', severity: 'info', summary: 'x' } });
    expect(refused.status).toBe(401);
  });

  test('English on request: the switch changes the whole page and is remembered', async () => {
    const page = await as('ga1');
    await page.getByRole('button', { name: 'English' }).click();
    await page.getByRole('link', { name: 'My tasks' }).waitFor();
    expect(await page.evaluate('document.documentElement.lang')).toBe('en');
    await page.goto(`${system.baseUrl}/dashboard`);
    await page.getByRole('heading', { name: 'Dashboard' }).waitFor();
    await page.getByRole('heading', { name: 'SLA due soonest' }).waitFor();
    await page.getByText(/\w{3} \d{1,2} \w{3} \d{4}/).first().waitFor();
    await shot(page, 'dashboard-en');
    await page.goto(`${system.baseUrl}/cases/${incident}`);
    await page.getByRole('heading', { name: 'Work record' }).waitFor();
    await shot(page, 'case-en');
    await page.getByRole('button', { name: '日本語' }).click();
    await page.getByRole('heading', { name: '作業履歴' }).waitFor();
  });

  test('the auditor reads a case without any action, and gets its workflow history instead', async () => {
    const page = await as('audit1');
    await page.goto(`${system.baseUrl}/cases/${incident}`);
    await page.getByRole('heading', { name: /ワークフロー履歴/ }).first().waitFor();
    expect(await page.getByText('準備中').count()).toBe(0);
    for (const action of ['保留にする', '対応内容に記録する', '現地で対応開始']) expect(await page.getByText(action, { exact: true }).count()).toBe(0);
    expect(await page.getByRole('link', { name: '自分の作業' }).count()).toBe(0);
    await shot(page, 'case-auditor');
  });

  test('障害報告: an operator reports a fault by hand; an unknown device is flagged', async () => {
    const page = await as('op1');
    await page.getByRole('link', { name: '障害報告' }).click();
    await page.getByRole('button', { name: '障害を登録する' }).click();
    await page.getByText('「重要度」を選択してください。').waitFor();
    await page.getByLabel('対象機器（ホスト名）').fill('pc-zeimu-123');
    await page.getByText('構成管理台帳にない機器です（登録外機器として受け付けます）。').waitFor();
    await page.getByLabel('重要度').selectOption({ label: '重大' });
    await page.getByLabel('件名').fill('税務課の端末から税務システムに接続できない');
    await page.getByLabel('状況').fill('税務課 山田様より電話（10:05）: ログイン画面が表示されない');
    await shot(page, 'report-incident');
    await page.getByRole('button', { name: '障害を登録する' }).click();
    await page.getByRole('status').filter({ hasText: /障害 INC-\d{4}-\d{4} を登録しました。/ }).waitFor();
    await page.getByText(/対象機器 pc-zeimu-123 は構成管理台帳に登録されていません。/).waitFor();
    await shot(page, 'case-reported-incident');
  });

});
