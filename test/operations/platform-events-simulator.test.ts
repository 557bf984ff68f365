import type { SimulatedHypervisor } from '../../src/providers/simulator/simulated-hypervisor';
import { startOperationsSystem, uniq, type OperationsSystem } from './support';
import { eventually } from '../support/eventually';

/**
 * R-MON-1 and R-RPT-3 on the embedded SIMULATOR: its events go through the same hypervisor port,
 * platform watch and alert intake as vCenter's (test/operations/platform-events-vsphere.test.ts).
 */


describe('R-MON-1, R-RPT-3: the simulator\'s events and capacity through the worker', () => {
  let ops: OperationsSystem;
  let sim: SimulatedHypervisor;
  const sql = <T = any>(query: string, params: unknown[] = []) => ops.em().execute<T[]>(query, params);
  const inboxFor = (hostname: string) =>
    sql<{ workflow_id: string; signal: any; delivered_at: Date | null }>(
      `select workflow_id, signal, delivered_at from alert_inbox where source_name = 'hypervisor:simulator' and signal->>'hostname' = ? order by id`,
      [hostname],
    );

  beforeAll(async () => {
    ops = await startOperationsSystem({ env: { PLATFORM_EVENT_POLL_MS: '200', PLATFORM_CAPACITY_EVERY_MS: '300' } });
    sim = ops.operations.hypervisor as SimulatedHypervisor;
    await eventually('the first cursor', async () => (await sql(`select cursor from platform_event_cursor where adapter = 'simulator' and cursor is not null`)).length);
  }, 60_000);
  afterAll(() => ops?.close());

  test('R-MON-1: the simulator emits events through the hypervisor port: a VM powered off outside opsdesk opens an incident, host not responding, HA and a red datastore alarm become alerts, opsdesk\'s own stop does not', async () => {
    const mine = `vm-${uniq()}`;
    const theirs = `vm-${uniq()}`;
    for (const name of [mine, theirs]) await sim.provision({ name, cpu: 1, memoryGiB: 1, diskGiB: 10, os: 'rhel9' }, { key: `REQ-S-${uniq()}:provision` });
    await sim.setPower(mine, 'off', { key: `REQ-S-${uniq()}:stop` });
    await sim.powerOffOutside(theirs);
    await sim.emitEvent({ type: 'HostNotRespondingEvent', entity: 'esx02' });
    await sim.emitEvent({ type: 'DasHostFailedEvent', entity: 'esx01', message: 'HA detected a host failure' });
    await sim.emitEvent({ type: 'AlarmStatusChangedEvent', entity: 'esx01-local', message: 'Datastore usage on disk', status: 'red' });
    await sim.emitEvent({ type: 'AlarmStatusChangedEvent', entity: 'esx01', message: 'Host memory usage', status: 'yellow' });

    const [alert] = await eventually('the power-off alert', async () => {
      const rows = await inboxFor(theirs);
      return rows.length && rows[0].delivered_at ? rows : undefined;
    });
    expect(alert.signal).toMatchObject({ alertName: 'VmPoweredOffOutsideOpsdesk', severity: 'major', source: 'hypervisor:simulator' });
    await eventually('the incident', async () => (await sql(`select 1 from case_record where workflow_id = ? and kind = 'incident'`, [alert.workflow_id])).length);
    const names = async (host: string) => (await inboxFor(host)).map((r) => `${r.signal.alertName}/${r.signal.severity}`);
    await eventually('every alert', async () => (await sql(`select 1 from alert_inbox where source_name = 'hypervisor:simulator'`)).length >= 5);
    expect(await names('esx02')).toEqual(['HostNotResponding/critical']);
    expect((await names('esx01')).sort()).toEqual(['HaEvent/major', 'PlatformAlarm/warning']);
    expect(await names('esx01-local')).toEqual(['DatastoreUsage/critical']);
    expect(await inboxFor(mine)).toHaveLength(0);
  });

  test('R-RPT-3: the simulator\'s capacity is kept daily (one cluster, a datastore per host) and GET /api/platform keeps saying it is a simulator', async () => {
    await eventually('capacity rows', async () => (await sql(`select 1 from platform_capacity_daily where adapter = 'simulator' and samples >= 2`)).length >= 4);
    const token = await ops.system.login('op1');
    const answer = await ops.system.request('GET', '/api/platform/capacity', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ adapter: 'simulator', simulated: true, clusters: [{ cluster: 'sim-cluster', hosts: 2, cpu: { total: 80 } }] });
    expect(answer.body.labelJa).toContain('シミュレータ');
    const platform = await ops.system.request('GET', '/api/platform', { token });
    expect(platform.body.hypervisor).toMatchObject({ adapter: 'simulator', simulated: true });
  });
});
