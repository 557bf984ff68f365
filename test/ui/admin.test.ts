import { readFileSync } from 'node:fs';
import type { Page } from 'playwright-core';
import type { TestSystem } from '../support/test-system';
import { shot, waitUntil, withSystemAndBrowser } from './browser';
import { withDatabase } from '../support/databases';

/**
 * Issue 22, point 6, in real Chromium: the pages that were missing. Admins manage users and
 * departments on screen; inventory items are edited and retired (廃止) without losing history;
 * 作業履歴 sorts by column, keeps named searches and exports 影響範囲, サービス停止 and 対応内容; a
 * department sees its own requests, with a way to make the first one. Screenshots: test/artifacts/.
 */
describe('web UI: admin pages, inventory upkeep, 作業履歴 sorting and saved searches, a department\'s requests', () => {
  let system: TestSystem;
  const as = async (username: string) => (await sessions.as(username)).page;
  const login = (username: string, password: string) => system.request('POST', '/api/auth/login', { body: { username, password } });
  const row = (page: Page, text: string) => page.locator('tbody tr').filter({ has: page.getByRole('cell', { name: text, exact: true }) });
  const acceptNextDialog = (page: Page) => page.once('dialog', (d) => void d.accept());

  const sessions = withSystemAndBrowser(async (started) => {
    ({ system } = started);
    // Three incidents of 税務課 in 2020 written straight into the record (no workflow needed to sort them).
    await withDatabase(system.config.databaseUrl, async (db) => {
      const cases = [
        ['INC-2020-80002', 'minor', 'done', '2020-04-01T01:00:00Z', { scope: '帳票出力', serviceStopped: false }],
        ['INC-2020-80001', 'critical', 'in_progress', '2020-04-02T01:00:00Z', { scope: '税務システム全体', serviceStopped: true }],
        ['INC-2020-80003', 'major', 'received', '2020-04-03T01:00:00Z', {}],
      ] as const;
      for (const [n, severity, status, at, impact] of cases) {
        const { rows } = await db.query(
          `insert into case_record (id, number, kind, workflow_id, run_id, subject, occurred_at, status, severity, impact, department_ids,
                                    hostname, unregistered_device, alert_count, breached, created_at, updated_at)
           values (gen_random_uuid(), $1, 'incident', 'wf-' || $1, 'run-' || $1, '税務システム障害 ' || $1, $2, $3, $4, $5,
                   array[(select department_id from app_user where username = 'dept1')], 'vm-zeimu01', false, 1, false, now(), now())
           returning id`,
          [n, at, status, severity, JSON.stringify(impact)],
        );
        await db.query(
          `insert into case_timeline (id, case_id, key, at, kind, message_ja, message_en) values
             (gen_random_uuid(), $1, $2 || '-1', $3::timestamptz + interval '5 minutes', 'status', '対応中になりました', 'In progress'),
             (gen_random_uuid(), $1, $2 || '-2', $3::timestamptz + interval '30 minutes', 'note', 'ディスクを交換しました', 'Replaced the disk')`,
          [rows[0].id, n, at],
        );
      }
    });
  });

  test('only admins get 利用者管理 and 所管課管理 in the menu, and others are turned away from the pages', async () => {
    const admin = await as('admin');
    const menu = admin.getByRole('navigation', { name: 'メインメニュー' });
    await menu.getByRole('link', { name: '利用者管理' }).waitFor();
    await menu.getByRole('link', { name: '所管課管理' }).waitFor();
    const ga = await as('ga1');
    await ga.getByRole('navigation', { name: 'メインメニュー' }).getByRole('link', { name: '作業履歴' }).waitFor();
    expect(await ga.getByRole('link', { name: '利用者管理' }).count()).toBe(0);
    await ga.goto(`${system.baseUrl}/admin/users`);
    await ga.getByRole('heading', { name: 'この画面は利用できません' }).waitFor();
  });

  test('利用者管理: an admin registers a user with a role, disables and enables it, resets its password and lifts a lockout', async () => {
    const page = await as('admin');
    await page.getByRole('link', { name: '利用者管理' }).click();
    await page.getByRole('heading', { name: '利用者管理' }).waitFor();
    await row(page, 'dept1').waitFor();

    // Refused on the page, naming the boxes to fix.
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByText('「ユーザー名」を入力してください。').waitFor();
    await page.getByText('「役割」を選択してください。').waitFor();
    await page.getByText('パスワードは12文字以上で入力してください。').waitFor();

    await page.getByLabel('ユーザー名').fill('dept3');
    await page.getByLabel('氏名').fill('福祉 四郎');
    await page.getByLabel('メールアドレス').fill('dept3@example.lg.jp');
    await page.getByLabel('初期パスワード（12文字以上）').fill('initial-password-1');
    await page.getByRole('checkbox', { name: '業務システム所管課' }).check();
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByText('「所属課」を選択してください。').waitFor();
    await page.getByLabel('所属課').selectOption({ label: '税務課' });
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('status').filter({ hasText: 'dept3 を登録しました。' }).waitFor();
    await row(page, 'dept3').getByText('利用中').waitFor();
    expect(await row(page, 'dept3').textContent()).toContain('税務課');
    expect((await login('dept3', 'initial-password-1')).status).toBe(200);

    // A duplicate user name comes back from the API as a refusal in words.
    await page.getByLabel('ユーザー名').fill('dept3');
    await page.getByLabel('氏名').fill('重複');
    await page.getByLabel('メールアドレス').fill('dup@example.lg.jp');
    await page.getByLabel('初期パスワード（12文字以上）').fill('initial-password-1');
    await page.getByRole('checkbox', { name: '総務課' }).check();
    await page.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('alert').filter({ hasText: 'dept3' }).waitFor();

    acceptNextDialog(page);
    await row(page, 'dept3').getByRole('button', { name: '利用停止' }).click();
    await page.getByRole('status').filter({ hasText: 'dept3 を利用停止にしました。' }).waitFor();
    await row(page, 'dept3').getByText('利用停止', { exact: true }).first().waitFor();
    expect((await login('dept3', 'initial-password-1')).status).toBe(401);
    await shot(page, 'admin-users');
    await row(page, 'dept3').getByRole('button', { name: '利用再開' }).click();
    await page.getByRole('status').filter({ hasText: 'dept3 を利用再開にしました。' }).waitFor();
    expect((await login('dept3', 'initial-password-1')).status).toBe(200);

    await row(page, 'dept3').getByRole('button', { name: 'パスワード再設定' }).click();
    await page.getByLabel('dept3 の新しいパスワード（12文字以上）').fill('short');
    await page.getByRole('button', { name: '再設定する' }).click();
    await page.getByText('パスワードは12文字以上で入力してください。').waitFor();
    await page.getByLabel('dept3 の新しいパスワード（12文字以上）').fill('a-new-password-22');
    await page.getByRole('button', { name: '再設定する' }).click();
    await page.getByRole('status').filter({ hasText: 'dept3 のパスワードを再設定しました。' }).waitFor();
    expect((await login('dept3', 'initial-password-1')).status).toBe(401);
    expect((await login('dept3', 'a-new-password-22')).status).toBe(200);

    // Five wrong passwords lock an account (op2 here: dept3 has used its sign-in attempts); the admin sees it and lifts the lock.
    for (let i = 0; i < 5; i++) expect((await login('op2', 'wrong-password-x')).status).toBe(401);
    expect((await login('op2', 'opsdesk-demo')).status).toBe(401);
    await page.reload();
    await row(page, 'op2').getByText('ロック中').waitFor();
    await shot(page, 'admin-users-locked');
    await row(page, 'op2').getByRole('button', { name: 'ロック解除' }).click();
    await page.getByRole('status').filter({ hasText: 'op2 のロックを解除しました。' }).waitFor();
    await row(page, 'op2').getByText('ロック中').waitFor({ state: 'detached' });
    expect((await login('op2', 'opsdesk-demo')).status).toBe(200);
  });

  test('所管課管理: an admin adds a department and corrects its names, and it is offered for new users and inventory items at once', async () => {
    const page = await as('admin');
    await page.getByRole('link', { name: '所管課管理' }).click();
    await page.getByRole('heading', { name: '所管課管理' }).waitFor();
    await row(page, 'tax').waitFor();
    const add = page.getByRole('region', { name: '所管課を登録する' });
    await add.getByRole('button', { name: '登録する' }).click();
    await add.getByText('「コード（英小文字）」を入力してください。').waitFor();
    await add.getByLabel('コード（英小文字）').fill('welfare');
    await add.getByLabel('名称').fill('福祉課');
    await add.getByLabel('英語名').fill('Welfare');
    await add.getByLabel('共有メールアドレス').fill('fukushi@example.lg.jp');
    await add.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('status').filter({ hasText: '福祉課 を登録しました。' }).waitFor();
    await row(page, 'welfare').getByRole('button', { name: /編集/ }).click();
    const edit = page.getByRole('form', { name: '福祉課 を編集' });
    await edit.getByLabel('英語名').fill('Welfare Division');
    await edit.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('status').filter({ hasText: '福祉課 を更新しました。' }).waitFor();
    await row(page, 'welfare').getByRole('cell', { name: 'Welfare Division' }).waitFor();
    await shot(page, 'admin-departments');
    // A duplicate code is refused at the code box.
    await add.getByLabel('コード（英小文字）').fill('welfare');
    await add.getByLabel('名称').fill('福祉課（重複）');
    await add.getByLabel('英語名').fill('Dup');
    await add.getByLabel('共有メールアドレス').fill('dup@example.lg.jp');
    await add.getByRole('button', { name: '登録する' }).click();
    await page.getByRole('alert').filter({ hasText: 'welfare' }).waitFor();

    await page.getByRole('link', { name: '利用者管理' }).click();
    await page.getByRole('checkbox', { name: '業務システム所管課' }).check();
    expect(await page.getByLabel('所属課').locator('option').allTextContents()).toContain('福祉課');
    // Without signing in again, the inventory form offers the new department too.
    await page.getByRole('link', { name: '構成管理' }).click();
    await page.getByRole('region', { name: '機器を登録する' }).getByRole('checkbox', { name: '福祉課' }).waitFor();
  });

  test('R-SCOPE-1 構成管理: an item is edited, then retired (廃止): it leaves the list and the incident picker and comes back on request', async () => {
    const admin = await system.login('admin');
    const created = await system.request('POST', '/api/assets', { token: admin, body: { hostname: 'vm-retire01', kind: 'vm', subPlatform: 'virtualization', businessSystems: ['旧税務システム'] } });
    expect(created.status).toBe(201);
    const page = await as('op1');
    await page.getByRole('link', { name: '構成管理' }).click();
    await page.getByLabel('ホスト名・業務システム名で検索').fill('vm-retire01');
    await page.getByRole('button', { name: '検索', exact: true }).click();
    await page.getByRole('heading', { name: '機器 1 台' }).waitFor();
    await shot(page, 'inventory-search');
    await page.getByRole('button', { name: /^編集.*vm-retire01/ }).click();
    const edit = page.getByRole('region', { name: 'vm-retire01 を編集' });
    await edit.getByLabel('IPアドレスまたはDNS名').fill('not an address');
    await edit.getByRole('button', { name: '保存する' }).click();
    await edit.getByText('IPアドレスまたはDNS名を入力してください。').waitFor();
    await edit.getByLabel('IPアドレスまたはDNS名').fill('10.10.9.9');
    await edit.getByLabel('備考').fill('2026年度末で廃止予定');
    await edit.getByRole('checkbox', { name: '税務課' }).check();
    await shot(page, 'inventory-edit');
    await edit.getByRole('button', { name: '保存する' }).click();
    await page.getByRole('status').filter({ hasText: 'vm-retire01 を更新しました。' }).waitFor();
    const itemRow = page.locator('tbody tr').filter({ hasText: 'vm-retire01' });
    await itemRow.getByText('2026年度末で廃止予定').waitFor();
    expect(await itemRow.textContent()).toContain('10.10.9.9');
    expect(await itemRow.textContent()).toContain('税務課');

    acceptNextDialog(page);
    await page.getByRole('button', { name: /^廃止.*vm-retire01/ }).click();
    await page.getByRole('status').filter({ hasText: 'vm-retire01 を廃止にしました。履歴には残ります。' }).waitFor();
    await page.getByRole('heading', { name: '機器 0 台' }).waitFor();
    await page.getByRole('checkbox', { name: '廃止した機器も表示' }).check();
    await itemRow.getByText('廃止', { exact: true }).waitFor();
    await shot(page, 'inventory-retired');

    // The incident form offers the devices in service only.
    await page.getByRole('link', { name: '障害報告' }).click();
    await page.locator('#asset-hosts option[value="vm-zeimu01"]').waitFor({ state: 'attached' });
    expect(await page.locator('#asset-hosts option[value="vm-retire01"]').count()).toBe(0);

    await page.getByRole('link', { name: '構成管理' }).click();
    await page.getByRole('checkbox', { name: '廃止した機器も表示' }).check();
    await page.getByRole('button', { name: /^利用中に戻す.*vm-retire01/ }).click();
    await page.getByRole('status').filter({ hasText: 'vm-retire01 を利用中に戻しました。' }).waitFor();
    const back = await system.request('GET', `/api/assets/${created.body.id}`, { token: admin });
    expect(back.body).toMatchObject({ retired: false, address: '10.10.9.9', notes: '2026年度末で廃止予定' });
  });

  test('作業履歴: sorting by 重要度, 発生日時, 案件番号 and 対応状況 is done by the API, and a named search is kept for the user', async () => {
    const page = await as('ga1');
    await page.goto(`${system.baseUrl}/cases?q=inc-2020-800`);
    await page.getByRole('heading', { name: '検索結果 3 件' }).waitFor();
    const numbers = async () => page.locator('tbody tr td:first-child a').allTextContents();
    expect(await numbers()).toEqual(['INC-2020-80003', 'INC-2020-80001', 'INC-2020-80002']); // newest first

    // The default order (-occurredAt) leaves `sort` out of the address.
    const sortedBy = async (header: string, expected: string[], param: string | null, ariaSort: 'ascending' | 'descending') => {
      await page.getByRole('button', { name: header }).click();
      await page.waitForURL((url) => url.searchParams.get('sort') === param);
      await page.locator('tbody tr').first().getByRole('link', { name: expected[0], exact: true }).waitFor();
      expect(await numbers()).toEqual(expected);
      expect(await page.getByRole('columnheader', { name: new RegExp(header) }).getAttribute('aria-sort')).toBe(ariaSort);
    };
    await sortedBy('重要度・依頼種別', ['INC-2020-80001', 'INC-2020-80003', 'INC-2020-80002'], '-severity', 'descending');
    await shot(page, 'work-history-sorted');
    await sortedBy('重要度・依頼種別', ['INC-2020-80002', 'INC-2020-80003', 'INC-2020-80001'], 'severity', 'ascending');
    await sortedBy('案件番号', ['INC-2020-80001', 'INC-2020-80002', 'INC-2020-80003'], 'number', 'ascending');
    await sortedBy('対応状況', ['INC-2020-80003', 'INC-2020-80001', 'INC-2020-80002'], 'status', 'ascending');
    await sortedBy('発生日時', ['INC-2020-80003', 'INC-2020-80001', 'INC-2020-80002'], null, 'descending');
    await sortedBy('発生日時', ['INC-2020-80002', 'INC-2020-80001', 'INC-2020-80003'], 'occurredAt', 'ascending');
    // A new search keeps the chosen order.
    await page.getByRole('button', { name: '検索', exact: true }).click();
    expect(new URL(page.url()).searchParams.get('sort')).toBe('occurredAt');

    await page.getByRole('button', { name: '重要度・依頼種別' }).click();
    await page.waitForURL((url) => url.searchParams.get('sort') === '-severity');
    await page.getByLabel('今の条件に名前を付けて保存').fill('2020年の障害（緊急順）');
    await page.getByRole('button', { name: '保存', exact: true }).click();
    await page.getByRole('status').filter({ hasText: '検索条件「2020年の障害（緊急順）」を保存しました。' }).waitFor();
    await page.goto(`${system.baseUrl}/cases`);
    await page.getByRole('button', { name: '2020年の障害（緊急順）', exact: true }).click();
    await page.waitForURL((url) => url.searchParams.get('sort') === '-severity' && url.searchParams.get('q') === 'inc-2020-800');
    // The search box shows the saved words once the page has followed the address.
    await waitUntil(async () => (await page.locator('input[name="q"]').inputValue()) === 'inc-2020-800', 'the search box shows the saved words');
    await page.getByRole('heading', { name: '検索結果 3 件' }).waitFor();
    await page.locator('tbody tr').first().getByRole('link', { name: 'INC-2020-80001', exact: true }).waitFor();
    await shot(page, 'work-history-saved-search');

    // Kept per user: another person on the same browser profile does not get ga1's searches.
    const other = await as('op1');
    await other.goto(`${system.baseUrl}/cases`);
    await other.getByRole('heading', { name: '保存した検索条件' }).waitFor();
    expect(await other.getByRole('button', { name: '2020年の障害（緊急順）', exact: true }).count()).toBe(0);

    await page.getByRole('button', { name: '「2020年の障害（緊急順）」を削除' }).click();
    await page.getByRole('status').filter({ hasText: '削除しました' }).waitFor();
    expect(await page.getByRole('button', { name: '2020年の障害（緊急順）', exact: true }).count()).toBe(0);
  });

  test('R-REC-5/R-REC-6: the 作業履歴 CSV has 影響範囲, サービス停止 and 対応内容 (the number of entries and the latest one)', async () => {
    const page = await as('ga1');
    await page.goto(`${system.baseUrl}/cases?q=inc-2020-800&sort=number`);
    await page.getByRole('heading', { name: '検索結果 3 件' }).waitFor();
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'CSV出力（Excel用）' }).click()]);
    const lines = readFileSync(await download.path()).toString('utf8').slice(1).split('\r\n');
    expect(lines[0]).toBe('"案件番号","種別","件名","対応状況","終了区分","重要度","依頼種別","対象機器","発生日時","対応担当者","SLA期限","SLA超過","承認者","対応完了日","所管課","影響範囲","サービス停止","対応内容（記録件数）","対応内容（最新の記録）"');
    expect(lines.slice(1, 4).map((l) => l.slice(1, 15))).toEqual(['INC-2020-80001', 'INC-2020-80002', 'INC-2020-80003']); // in the chosen order
    expect(lines[1]).toMatch(/"税務課","税務システム全体","あり","2","2020\/04\/02 10:30 ディスクを交換しました"$/);
    expect(lines[2]).toMatch(/"帳票出力","なし","2","2020\/04\/01 10:30 ディスクを交換しました"$/);
    expect(lines[3]).toMatch(/"税務課","","","2","2020\/04\/03 10:30 ディスクを交換しました"$/);
  });

  test('自課の依頼: a department with no requests is told so and offered 作業依頼の作成; one with a request sees it', async () => {
    const dept2 = await as('dept2');
    await dept2.getByRole('link', { name: '自課の依頼' }).click();
    await dept2.getByText('まだ作業依頼はありません。').waitFor();
    await shot(dept2, 'my-requests-empty');
    await dept2.getByRole('link', { name: '作業依頼の作成' }).click();
    await dept2.waitForURL(/\/requests\/new$/);
    // The menu marks 作業依頼, not 自課の依頼, on the form.
    await dept2.getByRole('navigation', { name: 'メインメニュー' }).locator('a.active').filter({ hasText: /^作業依頼$/ }).waitFor();
    expect(await dept2.getByRole('link', { name: '自課の依頼' }).getAttribute('class')).not.toContain('active');

    const submitted = await system.request('POST', '/api/work-requests', {
      token: await system.login('dept1'),
      body: { type: 'network.change', subject: '税務システム用ファイアウォールの通信許可追加', params: { device: 'fw01', change: '通信許可ルールの追加', reason: '新システムとの連携' } },
    });
    expect(submitted.status).toBe(201);
    const dept1 = await as('dept1');
    await dept1.getByRole('link', { name: '自課の依頼' }).click();
    await dept1.getByRole('heading', { name: '税務課の作業依頼' }).waitFor();
    const open = dept1.getByRole('region', { name: /対応中の依頼 1 件/ });
    await open.getByRole('link', { name: submitted.body.caseNumber }).waitFor();
    expect(await dept1.getByText('まだ作業依頼はありません。').count()).toBe(0);
    // Its incidents are not requests: the 2020 incidents of 税務課 are not listed here.
    expect(await dept1.getByText('INC-2020-80001').count()).toBe(0);
    await shot(dept1, 'my-requests');
  });
});
