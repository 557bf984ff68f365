import type { Browser } from 'playwright-core';
import { ensureUiBuilt, launch, shot, signIn, waitUntil } from '../ui/browser';
import { FlowDriver } from '../support/flow';
import { monitoringToolsMissing, prometheusApi, startMonitoredSystem, type MonitoredSystem } from './support';
import { eventually } from '../support/eventually';

const describeWithStack = monitoringToolsMissing() ? describe.skip : describe;

jest.setTimeout(120_000);

describeWithStack('R-MON-1..3: the 監視 page shows each device\'s state, RTT and charts from Prometheus (Japanese first, role-checked)', () => {
  let mon: MonitoredSystem;
  let browser: Browser;

  beforeAll(async () => {
    ensureUiBuilt();
    mon = await startMonitoredSystem();
    browser = await launch();
  });
  afterAll(async () => {
    await browser?.close();
    await mon?.close();
  });

  test('R-MON-1: an operator sees lo-page01 応答あり with its RTT and charts; a department of another system does not see it', async () => {
    const flow = new FlowDriver(mon.system);
    const tax = (await flow.as('admin', 'GET', '/api/departments')).body.find((d: any) => d.code === 'tax').id as string;
    const created = await flow.as('admin', 'POST', '/api/assets', { hostname: 'lo-page01', kind: 'vm', subPlatform: 'virtualization', address: '127.0.0.1', businessSystems: ['税務システム'], departmentIds: [tax] });
    expect(created.status).toBe(201);
    await eventually('lo-page01 probed', async () => (await prometheusApi(mon.stack, `/api/v1/query?query=${encodeURIComponent('probe_success{hostname="lo-page01"}')}`)).result.length > 0);
    await new Promise((r) => setTimeout(r, 2_000)); // a few samples for the charts

    const { page, errors, context } = await signIn(browser, mon.system.baseUrl, 'op1');
    await page.getByRole('link', { name: '監視' }).first().click();
    await page.waitForURL((url) => url.pathname === '/monitoring');
    const row = page.getByRole('row', { name: /lo-page01/ });
    await waitUntil(async () => (await row.count()) > 0 && /応答あり/.test(await row.first().innerText()), 'lo-page01 応答あり');
    expect(await row.first().innerText()).toMatch(/\d+\.\d+ ms/);
    await row.first().getByRole('link', { name: 'lo-page01' }).click();
    await page.getByRole('heading', { name: /lo-page01 — グラフ/ }).waitFor();
    await waitUntil(async () => (await page.locator('svg[role="img"]').count()) >= 2, 'the ping and RTT charts');
    await page.getByRole('button', { name: '7 日間' }).click();
    await waitUntil(async () => (await page.locator('svg[role="img"]').count()) >= 2, 'the 7-day charts');
    expect(await page.getByRole('heading', { name: /閾値/ }).count()).toBe(1);
    await shot(page, 'monitoring-page-operator');
    expect(errors).toEqual([]);
    await context.close();

    const other = await signIn(browser, mon.system.baseUrl, 'dept2');
    await other.page.goto(`${mon.system.baseUrl}/monitoring`);
    await other.page.getByRole('heading', { name: '監視', level: 1 }).waitFor();
    await new Promise((r) => setTimeout(r, 500));
    expect(await other.page.getByText('lo-page01').count()).toBe(0);
    expect(await other.page.getByRole('heading', { name: /閾値/ }).count()).toBe(0);
    await other.context.close();
  });
  test('R-MON-1: an admin sets the severity of a hypervisor event threshold and switches a kind off for a class on the 監視 page (no "for" time for one-shot events)', async () => {
    const flow = new FlowDriver(mon.system);
    const find = async (kind: string, assetKind: string) =>
      (await flow.as('admin', 'GET', '/api/monitoring/thresholds')).body.find((t: any) => t.kind === kind && t.assetKind === assetKind);
    const vmOff = await find('vm_powered_off', 'vm');
    const { page, errors, context } = await signIn(browser, mon.system.baseUrl, 'admin');
    await page.goto(`${mon.system.baseUrl}/monitoring`);
    await page.getByRole('heading', { name: /閾値/ }).waitFor();
    const row = page.getByRole('row', { name: /分類 vm.*VM の想定外の電源オフ/ });
    await waitUntil(async () => (await row.count()) === 1, 'the vm_powered_off row of class vm');
    expect(await row.getByText('継続秒').count()).toBe(0);
    await row.getByRole('combobox', { name: 'VM の想定外の電源オフ の重大度' }).selectOption('critical');
    await row.getByRole('checkbox', { name: 'VM の想定外の電源オフ を監視する' }).uncheck();
    await row.getByRole('button', { name: '保存' }).click();
    await waitUntil(async () => (await find('vm_powered_off', 'vm')).version > vmOff.version, 'the saved threshold');
    expect(await find('vm_powered_off', 'vm')).toMatchObject({ severity: 'critical', enabled: false, forSeconds: vmOff.forSeconds });
    await waitUntil(async () => /（無効）/.test(await page.getByRole('row', { name: /分類 vm.*VM の想定外の電源オフ/ }).innerText()), 'the row marked off');
    await shot(page, 'monitoring-page-admin-thresholds');
    expect(errors).toEqual([]);
    await context.close();
  });
});
