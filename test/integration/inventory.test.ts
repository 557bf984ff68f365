import type { ExecutionContext } from '@nestjs/common';
import { AlertSourceGuard } from '../../src/alert-sources/alert-source.guard';
import { AlertSourcesService } from '../../src/alert-sources/alert-sources.service';
import { DomainError } from '../../src/common/errors';
import { InventoryService } from '../../src/inventory/inventory.service';
import { startTestSystem, type TestSystem } from '../support/test-system';

describe('R-SCOPE-1: inventory (CMDB), departments and alert sources on real servers', () => {
  let system: TestSystem;
  let admin: string;
  let op1: string;
  let ga1: string;
  let dept1: string;
  let departments: Record<string, { id: string; code: string; nameJa: string; nameEn: string; email: string }>;

  const vendorDesk = { name: 'ストレージ 保守窓口', email: 'storage-support@storage-vendor.example.jp', phone: '0120-000-333' };

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    [admin, op1, ga1, dept1] = await Promise.all(['admin', 'op1', 'ga1', 'dept1'].map((u) => system.login(u)));
    const list = await system.request('GET', '/api/departments', { token: dept1 });
    departments = Object.fromEntries(list.body.map((d: { code: string }) => [d.code, d]));
  });
  afterAll(async () => {
    await system.close();
  });

  const assetCount = async () => (await system.request('GET', '/api/assets?limit=1', { token: admin })).body.total as number;

  test('the demo inventory exists after an embedded start, linked to the demo departments', async () => {
    const response = await system.request('GET', '/api/assets?limit=200', { token: dept1 });
    expect(response.status).toBe(200);
    const byName = Object.fromEntries(response.body.items.map((a: { hostname: string }) => [a.hostname, a]));
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining(['esx01', 'esx02', 'sw-core01', 'fw01', 'stor01', 'db01', 'bk01', 'vm-zeimu01', 'vm-shimin01', 'db-zeimu']),
    );
    expect(byName.esx01).toMatchObject({ kind: 'hypervisor_host', subPlatform: 'virtualization', protected: true });
    expect(byName.esx01.vendorDesk).toMatchObject({ name: '仮想化基盤 ハードウェア保守窓口', email: expect.stringMatching(/@.+\.example\.jp$/), phone: expect.any(String) });
    expect(byName['vm-zeimu01']).toMatchObject({ kind: 'vm', businessSystems: ['税務システム'], departments: [expect.objectContaining({ code: 'tax', nameJa: '税務課' })] });
    expect(byName['vm-shimin01'].departments.map((d: { code: string }) => d.code)).toEqual(['citizen']);
    expect(byName['db-zeimu']).toMatchObject({ kind: 'vm', subPlatform: 'database' });
  });

  test('the OpenAPI document lists the inventory, department and alert-source routes', async () => {
    const docs = await system.request('GET', '/api/docs-json');
    expect(Object.keys(docs.body.paths)).toEqual(
      expect.arrayContaining(['/api/assets', '/api/assets/{id}', '/api/departments', '/api/departments/{id}', '/api/alert-sources', '/api/alert-sources/{id}']),
    );
    expect(docs.body.components.schemas.CreateAssetDto.properties.kind.enum).toContain('hypervisor_host');
  });

  test('departments are listed to any signed-in user with id, code, names and mailbox', async () => {
    const response = await system.request('GET', '/api/departments', { token: dept1 });
    expect(response.status).toBe(200);
    expect(response.body).toEqual(
      expect.arrayContaining([
        { id: expect.any(String), code: 'tax', nameJa: '税務課', nameEn: 'Taxation Division', email: 'zeimu@example.lg.jp' },
        { id: expect.any(String), code: 'citizen', nameJa: '市民課', nameEn: 'Citizen Services Division', email: 'shimin@example.lg.jp' },
      ]),
    );
    expect((await system.request('GET', '/api/departments')).status).toBe(401);
  });

  test('an operator registers an asset (hostname stored lower-case); anyone signed in reads it', async () => {
    const created = await system.request('POST', '/api/assets', {
      token: op1,
      body: {
        hostname: ' STOR02 ',
        kind: 'storage',
        subPlatform: 'virtualization',
        address: '10.10.1.22',
        businessSystems: ['税務システム', '住民記録システム'],
        departmentIds: [departments.tax.id, departments.citizen.id],
        vendorDesk,
        notes: '増設ストレージ',
      },
    });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      id: expect.any(String),
      hostname: 'stor02',
      kind: 'storage',
      address: '10.10.1.22',
      protected: false,
      vendorDesk,
      notes: '増設ストレージ',
      departments: [expect.objectContaining({ code: 'citizen' }), expect.objectContaining({ code: 'tax' })],
    });
    const read = await system.request('GET', `/api/assets/${created.body.id}`, { token: dept1 });
    expect(read).toMatchObject({ status: 200, body: { hostname: 'stor02', businessSystems: ['税務システム', '住民記録システム'] } });
    expect((await system.request('GET', '/api/assets/00000000-0000-4000-8000-000000000000', { token: dept1 })).status).toBe(404);
    expect((await system.request('GET', '/api/assets/not-a-uuid', { token: dept1 })).status).toBe(400);
  });

  test('only admins and operators change the inventory: a department user gets 403 and nothing is written', async () => {
    const before = await assetCount();
    const body = { hostname: 'vm-zeimu02', kind: 'vm', subPlatform: 'virtualization' };
    const refused = await system.request('POST', '/api/assets', { token: dept1, body });
    expect(refused.status).toBe(403);
    expect((await system.request('POST', '/api/assets', { token: ga1, body })).status).toBe(403);
    const esx01 = (await system.request('GET', '/api/assets?q=esx01', { token: dept1 })).body.items[0];
    expect((await system.request('PATCH', `/api/assets/${esx01.id}`, { token: dept1, body: { notes: 'x' } })).status).toBe(403);
    expect(await assetCount()).toBe(before);
    const byAdmin = await system.request('POST', '/api/assets', { token: admin, body });
    expect(byAdmin.status).toBe(201);
    expect(byAdmin.body).toMatchObject({ hostname: 'vm-zeimu02', address: null, businessSystems: [], departments: [], vendorDesk: null, notes: null });
  });

  test('bad input gets a 400 naming the field, and nothing is written', async () => {
    const before = await assetCount();
    const good = { hostname: 'bk02', kind: 'backup_server', subPlatform: 'backup' };
    const cases: Array<[Record<string, unknown>, string]> = [
      [{ ...good, hostname: undefined }, 'hostname'],
      [{ ...good, hostname: 'bad host!' }, 'hostname'],
      [{ ...good, hostname: 'a'.repeat(254) }, 'hostname'],
      [{ ...good, hostname: 42 }, 'hostname'],
      [{ ...good, kind: 'mainframe' }, 'kind'],
      [{ ...good, subPlatform: 'network' }, 'subPlatform'],
      [{ ...good, address: 'http://10.0.0.1/' }, 'address'],
      [{ ...good, businessSystems: 'tax' }, 'businessSystems'],
      [{ ...good, businessSystems: [''] }, 'businessSystems'],
      [{ ...good, businessSystems: ['x'.repeat(101)] }, 'businessSystems'],
      [{ ...good, departmentIds: ['tax'] }, 'departmentIds'],
      [{ ...good, vendorDesk: { name: 'desk', email: 'not-an-email' } }, 'vendorDesk.email'],
      [{ ...good, vendorDesk: { email: 'desk@example.jp' } }, 'vendorDesk.name'],
      [{ ...good, vendorDesk: { name: 'desk', email: 'desk@example.jp', phone: 'call me' } }, 'vendorDesk.phone'],
      [{ ...good, vendorDesk: { name: 'desk', email: 'desk@example.jp', fax: '03' } }, 'vendorDesk.fax'],
      [{ ...good, vendorDesk: 'desk@example.jp' }, 'vendorDesk'],
      [{ ...good, protected: 'yes' }, 'protected'],
      [{ ...good, notes: 'x'.repeat(4001) }, 'notes'],
      [{ ...good, owner: 'me' }, 'owner'],
    ];
    for (const [body, field] of cases) {
      const response = await system.request('POST', '/api/assets', { token: op1, body });
      expect({ field, status: response.status, named: response.body.field }).toEqual({ field, status: 400, named: field });
      expect(response.body.message).toContain(field);
    }
    const esx02 = (await system.request('GET', '/api/assets?q=esx02', { token: op1 })).body.items[0];
    const patchCases: Array<[Record<string, unknown>, string]> = [
      [{ hostname: null }, 'hostname'],
      [{ kind: null }, 'kind'],
      [{ protected: null }, 'protected'],
      [{ departmentIds: [departments.tax.id, departments.tax.id] }, 'departmentIds'],
    ];
    for (const [body, field] of patchCases) {
      const response = await system.request('PATCH', `/api/assets/${esx02.id}`, { token: op1, body });
      expect({ field, status: response.status, named: response.body.field }).toEqual({ field, status: 400, named: field });
    }
    expect(await assetCount()).toBe(before);
    const unchanged = await system.request('GET', `/api/assets/${esx02.id}`, { token: op1 });
    expect(unchanged.body).toMatchObject({ hostname: 'esx02', kind: 'hypervisor_host', protected: true });
  });

  test('a duplicate hostname is 409, case-insensitively, on create and on rename', async () => {
    const before = await assetCount();
    const dup = await system.request('POST', '/api/assets', { token: op1, body: { hostname: 'ESX01', kind: 'hypervisor_host', subPlatform: 'virtualization' } });
    expect(dup.status).toBe(409);
    expect(dup.body.message).toContain('esx01');
    const esx02 = (await system.request('GET', '/api/assets?q=esx02', { token: op1 })).body.items[0];
    expect((await system.request('PATCH', `/api/assets/${esx02.id}`, { token: op1, body: { hostname: 'Esx01' } })).status).toBe(409);
    expect(await assetCount()).toBe(before);
  });

  test('unknown departmentIds are 422 naming departmentIds, and nothing is written', async () => {
    const before = await assetCount();
    const missing = '11111111-2222-4333-8444-555555555555';
    const response = await system.request('POST', '/api/assets', {
      token: op1,
      body: { hostname: 'vm-ghost01', kind: 'vm', subPlatform: 'virtualization', departmentIds: [departments.tax.id, missing] },
    });
    expect(response).toMatchObject({ status: 422, body: { statusCode: 422, field: 'departmentIds' } });
    expect(response.body.message).toContain(missing);
    expect(await assetCount()).toBe(before);
    const esx02 = (await system.request('GET', '/api/assets?q=esx02', { token: op1 })).body.items[0];
    const patch = await system.request('PATCH', `/api/assets/${esx02.id}`, { token: op1, body: { departmentIds: [missing] } });
    expect(patch).toMatchObject({ status: 422, body: { field: 'departmentIds' } });
    expect((await system.request('GET', `/api/assets/${esx02.id}`, { token: op1 })).body.departments).toHaveLength(2);
  });

  test('PATCH changes only the fields given; null clears the nullable ones; departmentIds replace the set', async () => {
    const created = await system.request('POST', '/api/assets', {
      token: op1,
      body: { hostname: 'vm-patch01', kind: 'vm', subPlatform: 'virtualization', address: '10.20.9.1', notes: 'before', vendorDesk, departmentIds: [departments.tax.id] },
    });
    const id = created.body.id;
    const patched = await system.request('PATCH', `/api/assets/${id}`, {
      token: admin,
      body: { notes: null, vendorDesk: null, protected: true, departmentIds: [departments.citizen.id], businessSystems: ['住民記録システム'] },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({
      hostname: 'vm-patch01', kind: 'vm', address: '10.20.9.1', notes: null, vendorDesk: null, protected: true,
      businessSystems: ['住民記録システム'], departments: [expect.objectContaining({ code: 'citizen' })],
    });
    expect(patched.body.departments).toHaveLength(1);
    expect(Date.parse(patched.body.updatedAt)).toBeGreaterThanOrEqual(Date.parse(created.body.updatedAt));
    const renamed = await system.request('PATCH', `/api/assets/${id}`, { token: op1, body: { hostname: 'VM-Patch02', kind: 'database_server', subPlatform: 'database' } });
    expect(renamed.body).toMatchObject({ hostname: 'vm-patch02', kind: 'database_server', subPlatform: 'database', protected: true });
    expect((await system.request('PATCH', '/api/assets/00000000-0000-4000-8000-000000000000', { token: op1, body: { notes: 'x' } })).status).toBe(404);
  });

  test('the list filters by q (hostname or business system), kind, subPlatform and department, and pages with a total', async () => {
    const get = async (query: string) => {
      const response = await system.request('GET', `/api/assets?${query}`, { token: dept1 });
      expect(response.status).toBe(200);
      return response.body as { items: Array<{ hostname: string; departments: Array<{ code: string }> }>; total: number; limit: number; offset: number };
    };
    const hostnames = (page: { items: Array<{ hostname: string }> }) => page.items.map((a) => a.hostname);

    expect(hostnames(await get('q=ESX'))).toEqual(['esx01', 'esx02']);
    expect(hostnames(await get(`q=${encodeURIComponent('住民記録')}&kind=vm`))).toEqual(['vm-shimin01']);
    expect(hostnames(await get('kind=hypervisor_host'))).toEqual(['esx01', 'esx02']);
    expect(hostnames(await get('subPlatform=backup'))).toEqual(['bk01']);
    expect(hostnames(await get('q=%25'))).toEqual([]); // a literal %, not a wildcard

    const tax = await get(`departmentId=${departments.tax.id}&kind=vm`);
    expect(hostnames(tax)).toEqual(expect.arrayContaining(['vm-zeimu01', 'db-zeimu']));
    expect(hostnames(tax)).not.toContain('vm-shimin01');
    const esx = await get(`departmentId=${departments.citizen.id}&q=esx01`);
    expect(esx.items[0].departments.map((d) => d.code)).toEqual(['citizen', 'tax']); // all its departments, not only the filtered one

    const all = await get('limit=200');
    const page1 = await get('limit=3&offset=0');
    const page2 = await get('limit=3&offset=3');
    expect(page1).toMatchObject({ total: all.total, limit: 3, offset: 0 });
    expect(page1.items).toHaveLength(3);
    expect([...hostnames(page1), ...hostnames(page2)]).toEqual(hostnames(all).slice(0, 6));
    expect(all.total).toBe(all.items.length);

    for (const [query, field] of [['limit=0', 'limit'], ['limit=abc', 'limit'], ['offset=-1', 'offset'], ['kind=router', 'kind'], ['departmentId=tax', 'departmentId'], ['sort=x', 'sort']]) {
      const response = await system.request('GET', `/api/assets?${query}`, { token: dept1 });
      expect({ query, status: response.status, field: response.body.field }).toEqual({ query, status: 400, field });
    }
  });

  test('findByHostname: case-insensitive, host:port, FQDN first label, with departments for the incident workflow', async () => {
    const inventory = system.app.get(InventoryService);
    const hostnameOf = async (name: string) => (await inventory.findByHostname(name))?.hostname ?? null;

    const vm = await inventory.findByHostname('vm-zeimu01');
    expect(vm?.departments.getItems().map((d) => d.code)).toEqual(['tax']);
    expect(vm?.vendorDesk?.email).toMatch(/@/);

    expect(await hostnameOf('ESX01')).toBe('esx01');
    expect(await hostnameOf(' esx01 ')).toBe('esx01');
    expect(await hostnameOf('esx01:9100')).toBe('esx01');
    expect(await hostnameOf('esx01.infra.example.lg.jp')).toBe('esx01');
    expect(await hostnameOf('ESX01.infra.example.lg.jp:9100')).toBe('esx01');
    expect(await hostnameOf('esx01.')).toBe('esx01');
    expect(await hostnameOf('https://esx01.infra.example.lg.jp:443/ui')).toBe('esx01');
    expect(await hostnameOf('10.10.2.11:9187')).toBe('db01'); // by address when unique
    expect(await hostnameOf('esx09')).toBeNull();
    expect(await hostnameOf('esx0')).toBeNull();
    expect(await hostnameOf('vm-zeimu01x.example.lg.jp')).toBeNull();
    expect(await hostnameOf('')).toBeNull();

    // a registered FQDN is found by its full name and, when unique, by its short name
    const created = await system.request('POST', '/api/assets', {
      token: op1,
      body: { hostname: 'ap01.tax.example.lg.jp', kind: 'vm', subPlatform: 'virtualization', departmentIds: [departments.tax.id] },
    });
    expect(created.status).toBe(201);
    expect(await hostnameOf('AP01.tax.example.lg.jp')).toBe('ap01.tax.example.lg.jp');
    expect(await hostnameOf('ap01')).toBe('ap01.tax.example.lg.jp');
    const found = await inventory.findByHostname('ap01:8080');
    expect(found?.departments.getItems().map((d) => d.code)).toEqual(['tax']);
  });

  test('departments: only admins add and change them; codes are unique (409); input is validated', async () => {
    const body = { code: 'welfare', nameJa: '福祉課', nameEn: 'Welfare Division', email: 'fukushi@example.lg.jp' };
    expect((await system.request('POST', '/api/departments', { token: op1, body })).status).toBe(403);
    expect((await system.request('POST', '/api/departments', { token: ga1, body })).status).toBe(403);
    const created = await system.request('POST', '/api/departments', { token: admin, body });
    expect(created).toMatchObject({ status: 201, body: { id: expect.any(String), ...body } });
    expect((await system.request('POST', '/api/departments', { token: admin, body: { ...body, nameJa: '別' } })).status).toBe(409);

    const patched = await system.request('PATCH', `/api/departments/${created.body.id}`, { token: admin, body: { nameEn: 'Social Welfare Division' } });
    expect(patched).toMatchObject({ status: 200, body: { code: 'welfare', nameJa: '福祉課', nameEn: 'Social Welfare Division' } });
    expect((await system.request('PATCH', `/api/departments/${created.body.id}`, { token: admin, body: { code: 'tax' } })).status).toBe(409);
    expect((await system.request('PATCH', `/api/departments/${created.body.id}`, { token: dept1, body: { nameEn: 'x' } })).status).toBe(403);
    expect((await system.request('PATCH', '/api/departments/00000000-0000-4000-8000-000000000000', { token: admin, body: { nameEn: 'x' } })).status).toBe(404);

    for (const [bad, field] of [
      [{ ...body, code: 'Has Space' }, 'code'],
      [{ ...body, email: 'nope' }, 'email'],
      [{ ...body, nameJa: '' }, 'nameJa'],
      [{ ...body, nameEn: 'x'.repeat(101) }, 'nameEn'],
      [{ ...body, phone: '03' }, 'phone'],
    ] as Array<[Record<string, unknown>, string]>) {
      const response = await system.request('POST', '/api/departments', { token: admin, body: bad });
      expect({ field, status: response.status, named: response.body.field }).toEqual({ field, status: 400, named: field });
    }
    const list = await system.request('GET', '/api/departments', { token: dept1 });
    expect(list.body.filter((d: { code: string }) => d.code === 'welfare')).toHaveLength(1);

    // the new department can own assets right away
    const asset = await system.request('POST', '/api/assets', {
      token: op1,
      body: { hostname: 'vm-fukushi01', kind: 'vm', subPlatform: 'virtualization', departmentIds: [created.body.id] },
    });
    expect(asset.body.departments).toEqual([{ id: created.body.id, code: 'welfare', nameJa: '福祉課', nameEn: 'Social Welfare Division', email: 'fukushi@example.lg.jp' }]);
  });

  test('alert sources: an admin creates one, its token authenticates until revoked; others get 403', async () => {
    const sources = system.app.get(AlertSourcesService);

    expect((await system.request('GET', '/api/alert-sources', { token: ga1 })).status).toBe(403);
    expect((await system.request('POST', '/api/alert-sources', { token: op1, body: { name: 'x' } })).status).toBe(403);

    const created = await system.request('POST', '/api/alert-sources', { token: admin, body: { name: 'prometheus-alertmanager' } });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ id: expect.any(String), name: 'prometheus-alertmanager', createdBy: 'admin', revokedAt: null, lastUsedAt: null });
    expect(created.body.token).toMatch(/^[A-Za-z0-9_-]{43}$/); // 32 random bytes, base64url
    expect(created.body.tokenHash).toBeUndefined();
    const { id, token } = created.body as { id: string; token: string };

    expect((await system.request('POST', '/api/alert-sources', { token: admin, body: { name: 'prometheus-alertmanager' } })).status).toBe(409);
    const invalidName = await system.request('POST', '/api/alert-sources', { token: admin, body: { name: '' } });
    expect(invalidName).toMatchObject({ status: 400, body: { field: 'name' } });

    const source = await sources.authenticate(token);
    expect(source).toMatchObject({ id, name: 'prometheus-alertmanager' });
    const listed = await system.request('GET', '/api/alert-sources', { token: admin });
    expect(listed.body.find((s: { id: string }) => s.id === id)).toMatchObject({ lastUsedAt: expect.any(String) });
    expect(JSON.stringify(listed.body)).not.toContain(token);
    expect(listed.body.some((s: Record<string, unknown>) => 'tokenHash' in s || 'token' in s)).toBe(false);

    await expect(sources.authenticate('made-up-token')).rejects.toMatchObject({ kind: 'unauthenticated' });
    await expect(sources.authenticate('')).rejects.toBeInstanceOf(DomainError);
    // a user's bearer token is not an alert source token
    await expect(sources.authenticate(admin)).rejects.toMatchObject({ kind: 'unauthenticated' });

    // the guard the alert intake route uses: Authorization: Bearer <alert source token>
    const guard = system.app.get(AlertSourceGuard);
    const contextWith = (authorization?: string) => {
      const request: Record<string, unknown> = { headers: authorization ? { authorization } : {} };
      const context = { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
      return { request, context };
    };
    const allowed = contextWith(`Bearer ${token}`);
    await expect(guard.canActivate(allowed.context)).resolves.toBe(true);
    expect(allowed.request.alertSource).toMatchObject({ id, name: 'prometheus-alertmanager' });
    await expect(guard.canActivate(contextWith().context)).rejects.toMatchObject({ kind: 'unauthenticated' });
    await expect(guard.canActivate(contextWith(`Bearer ${admin}`).context)).rejects.toMatchObject({ kind: 'unauthenticated' });

    expect((await system.request('DELETE', `/api/alert-sources/${id}`, { token: ga1 })).status).toBe(403);
    expect((await system.request('DELETE', `/api/alert-sources/${id}`, { token: admin })).status).toBe(204);
    await expect(sources.authenticate(token)).rejects.toMatchObject({ kind: 'unauthenticated' });
    await expect(guard.canActivate(contextWith(`Bearer ${token}`).context)).rejects.toMatchObject({ kind: 'unauthenticated' });
    const after = await system.request('GET', '/api/alert-sources', { token: admin });
    expect(after.body.find((s: { id: string }) => s.id === id).revokedAt).toEqual(expect.any(String));
    expect((await system.request('DELETE', '/api/alert-sources/00000000-0000-4000-8000-000000000000', { token: admin })).status).toBe(404);
  });

  test('the demo alert source accepts DEMO_ALERT_TOKEN, and ensuring it again changes nothing', async () => {
    const sources = system.app.get(AlertSourcesService);
    const demo = await sources.authenticate(system.config.demoAlertToken);
    expect(demo.name).toBe('demo-monitoring');
    expect(await sources.ensureDemoAlertSource(system.config.demoAlertToken)).toBe(false);
    expect((await sources.list()).filter((s) => s.name === 'demo-monitoring')).toHaveLength(1);
  });
});
