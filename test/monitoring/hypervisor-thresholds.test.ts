import type { SimulatedHypervisor } from '../../src/providers/simulator/simulated-hypervisor';
import { startOperationsSystem, uniq, type OperationsSystem } from '../operations/support';
import { FlowDriver } from '../support/flow';
import { eventually } from '../support/eventually';

/**
 * R-MON-1: the hypervisor's events (host down, a VM powered off outside opsdesk, HA, alarms, a
 * datastore filling) take the threshold → alert → incident path: thresholds of their own kinds,
 * per device class with per-device overrides, set by an admin through the same API as the
 * Prometheus thresholds. Events come from the embedded SIMULATOR through the hypervisor port.
 */

jest.setTimeout(180_000);


describe('R-MON-1: hypervisor events are judged by thresholds (data, per class, per device)', () => {
  let ops: OperationsSystem;
  let sim: SimulatedHypervisor;
  let flow: FlowDriver;
  const sql = <T = any>(query: string, params: unknown[] = []) => ops.em().execute<T[]>(query, params);
  const alertsFor = async (hostname: string) =>
    (await sql<{ signal: any; workflow_id: string }>(
      `select signal, workflow_id from alert_inbox where source_name = 'hypervisor:simulator' and signal->>'hostname' = ? order by id`, [hostname],
    ));
  const as = (user: string, method: string, path: string, body?: unknown) => flow.as(user, method, path, body);
  const classThreshold = async (kind: string, assetKind: string) => {
    const list = await as('admin', 'GET', '/api/monitoring/thresholds');
    expect(list.status).toBe(200);
    const found = list.body.find((t: any) => t.kind === kind && t.assetKind === assetKind);
    expect(found).toBeDefined();
    return found as { id: string; severity: string; value: number; description: string };
  };
  const patch = async (id: string, body: Record<string, unknown>) => {
    const answer = await as('admin', 'PATCH', `/api/monitoring/thresholds/${id}`, body);
    expect(answer.status).toBe(200);
    return answer.body;
  };

  beforeAll(async () => {
    ops = await startOperationsSystem({ env: { PLATFORM_EVENT_POLL_MS: '200', PLATFORM_CAPACITY_EVERY_MS: '300' } });
    sim = ops.operations.hypervisor as SimulatedHypervisor;
    flow = new FlowDriver(ops.system);
    await eventually('the first cursor', async () => (await sql(`select cursor from platform_event_cursor where adapter = 'simulator' and cursor is not null`)).length);
  }, 90_000);
  afterAll(() => ops?.close());

  test('R-MON-1: every event kind has default class thresholds an admin sees beside the Prometheus ones; a fractional alarm level is refused naming the field', async () => {
    for (const [kind, assetKind] of [['hypervisor_host_down', 'hypervisor_host'], ['vm_powered_off', 'vm'], ['hypervisor_ha_event', 'hypervisor_host'], ['hypervisor_alarm', 'storage'], ['datastore_percent', 'storage']]) {
      await classThreshold(kind, assetKind);
    }
    expect((await classThreshold('datastore_percent', 'storage')).description).toBe('データストア使用率 85 % 以上');
    expect((await classThreshold('hypervisor_alarm', 'hypervisor_host')).description).toBe('ハイパーバイザーのアラーム（黄・赤）');
    const bad = await as('admin', 'PATCH', `/api/monitoring/thresholds/${(await classThreshold('hypervisor_alarm', 'vm')).id}`, { value: 1.5 });
    expect(bad.status).toBe(422);
    expect(JSON.stringify(bad.body)).toContain('value');
  });

  test('R-MON-1: a VM powered off outside opsdesk → an incident at the severity an admin set, its first mail naming the threshold', async () => {
    const vmOff = await classThreshold('vm_powered_off', 'vm');
    const changed = await patch(vmOff.id, { severity: 'critical' });
    expect(changed.version).toBeGreaterThan(1);
    const theirs = `vm-${uniq()}`;
    await sim.provision({ name: theirs, cpu: 1, memoryGiB: 1, diskGiB: 40, os: 'rhel9' }, { key: `REQ-S-${uniq()}:provision` });
    await sim.powerOffOutside(theirs);
    const [alert] = await eventually('the power-off alert', async () => {
      const rows = await alertsFor(theirs);
      return rows.length ? rows : undefined;
    });
    expect(alert.signal).toMatchObject({ alertName: 'VmPoweredOffOutsideOpsdesk', severity: 'critical' });
    expect(alert.signal.summary).toContain(`閾値超過: VM の想定外の電源オフ（機器分類 vm の閾値・第 ${changed.version} 版・重大度 critical）`);
    const [mail] = await ops.system.smtp.waitFor((m) => m.subject.includes('障害を受け付けました') && m.text.includes(theirs), { timeoutMs: 60_000 });
    expect(mail.text).toContain('閾値超過: VM の想定外の電源オフ');
    const number = /INC-\d{4}-\d{4}/.exec(mail.subject)![0];
    expect(await flow.caseDetail(number)).toMatchObject({ kind: 'incident', severity: 'critical', hostname: theirs });
  });

  test('R-MON-1: a kind switched off for a class raises nothing, a device override still raises for its device; an alarm threshold of "red only" drops yellow ones', async () => {
    const hostDown = await classThreshold('hypervisor_host_down', 'hypervisor_host');
    await patch(hostDown.id, { enabled: false });
    const special = `esx-${uniq()}`;
    const asset = await as('admin', 'POST', '/api/assets', { hostname: special, kind: 'hypervisor_host', subPlatform: 'virtualization' });
    expect(asset.status).toBe(201);
    const override = await as('admin', 'POST', '/api/monitoring/thresholds', { kind: 'hypervisor_host_down', assetId: asset.body.id, value: 0, severity: 'minor' });
    expect(override.status).toBe(201);
    const alarm = await classThreshold('hypervisor_alarm', 'hypervisor_host');
    await patch(alarm.id, { value: 2, severity: 'major' });

    await sim.emitEvent({ type: 'HostNotRespondingEvent', entity: 'esx02' });
    await sim.emitEvent({ type: 'HostNotRespondingEvent', entity: special });
    await sim.emitEvent({ type: 'AlarmStatusChangedEvent', entity: 'esx02', message: 'Host memory usage', status: 'yellow' });
    await sim.emitEvent({ type: 'AlarmStatusChangedEvent', entity: 'esx02', message: 'Host CPU usage', status: 'red' });
    // Last: once it is in, every event before it has been judged.
    await sim.emitEvent({ type: 'DasHostFailedEvent', entity: 'esx02', message: 'HA detected a host failure' });
    await eventually('the HA alert', async () => (await alertsFor('esx02')).some((r) => r.signal.alertName === 'HaEvent'));

    const esx02 = (await alertsFor('esx02')).map((r) => `${r.signal.alertName}/${r.signal.severity}`).sort();
    expect(esx02).toEqual(['HaEvent/major', 'PlatformAlarm/major']);
    const [own] = await eventually('the override\'s alert', async () => {
      const rows = await alertsFor(special);
      return rows.length ? rows : undefined;
    });
    expect(own.signal).toMatchObject({ alertName: 'HostNotResponding', severity: 'minor' });
    expect(own.signal.summary).toContain(`機器 ${special} 個別の閾値`);
  });

  test('R-MON-1, R-RPT-3: a datastore filling is judged by the datastore_percent threshold (the sampled use against the admin\'s number)', async () => {
    const datastore = await classThreshold('datastore_percent', 'storage');
    expect(await sql(`select 1 from alert_inbox where source_name = 'hypervisor:simulator' and signal->>'alertName' = 'DatastoreUsage' and signal->>'summary' like '%データストア使用率%'`)).toHaveLength(0);
    await patch(datastore.id, { value: 0.01, severity: 'major' });
    const [row] = await eventually('a datastore alert', async () => {
      const rows = await sql<{ signal: any }>(`select signal from alert_inbox where source_name = 'hypervisor:simulator' and signal->>'alertName' = 'DatastoreUsage' and signal->>'summary' like '%データストア使用率 0.01 % 以上%'`);
      return rows.length ? rows : undefined;
    });
    expect(row.signal).toMatchObject({ severity: 'major' });
    expect(row.signal.summary).toMatch(/測定値: \d+\.\d %/);
  });
});
