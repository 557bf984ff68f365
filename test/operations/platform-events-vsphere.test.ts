import { startVcsim, vcsimThumbprint, type RunningVcsim } from '../../src/providers/vsphere/vcsim-binary';
import { VimClient } from '../../src/providers/vsphere/vim-client';
import { text } from '../../src/providers/vsphere/vim-xml';
import type { VsphereHypervisor } from '../../src/providers/vsphere/vsphere-hypervisor';
import { cuttableRelay, startOperationsSystem, uniq, type OperationsSystem } from './support';
import { eventually } from '../support/eventually';

/**
 * R-MON-1 and R-RPT-3 on the vSphere adapter, against vcsim (real vim25 SOAP on a loopback port):
 * the worker's platform watch reads vCenter's events with an EventHistoryCollector, hands a VM
 * powered off by someone else (here: a SOAP call straight to vcsim) to the alert intake, where it
 * opens an incident, passes over opsdesk's own power-offs, goes on from its cursor in PostgreSQL
 * after a worker restart without reading an event twice, and samples capacity per cluster daily.
 */

interface CursorRow {
  cursor: string | null;
  events_read: string;
  alerts_raised: string;
  holder: string | null;
}


describe('R-MON-1, R-RPT-3: vCenter events and capacity through the worker (vcsim)', () => {
  let vcsim: RunningVcsim;
  let admin: VimClient;
  let ops: OperationsSystem;
  let relay: Awaited<ReturnType<typeof cuttableRelay>>;

  const sql = <T = any>(query: string, params: unknown[] = []) => ops.em().execute<T[]>(query, params);
  const cursorRow = async () => (await sql<CursorRow>(`select cursor, events_read::text, alerts_raised::text, holder from platform_event_cursor where adapter = 'vsphere'`))[0];
  const vmRef = async (name: string) => (await admin.retrieveAll('VirtualMachine', ['name'])).find((v) => v.props.name === name)!.obj;
  const inboxFor = (hostname: string) =>
    sql<{ workflow_id: string; idempotency_key: string; signal: any; delivered_at: Date | null }>(
      `select workflow_id, idempotency_key, signal, delivered_at from alert_inbox where source_name = 'hypervisor:vsphere' and signal->>'hostname' = ? order by id`,
      [hostname],
    );
  /** Every event vcsim holds after a cursor, read by a collector of the test's own session. */
  async function eventsAfter(cursor: { key: number; time: string }): Promise<number[]> {
    const collector = await admin.createEventCollector(cursor.time);
    const keys: number[] = [];
    for (;;) {
      const page = await admin.readNextEvents(collector, 1000);
      if (page.length === 0) break;
      keys.push(...page.map((e) => Number(text(e.key))).filter((k) => k > cursor.key));
    }
    await admin.destroyCollector(collector);
    return keys;
  }

  beforeAll(async () => {
    vcsim = await startVcsim();
    const thumbprint = await vcsimThumbprint(vcsim.port);
    admin = new VimClient(vcsim.url, { thumbprint });
    await admin.login(vcsim.username, vcsim.password);
    // opsdesk reaches vCenter through a line the test can cut; the test's own session goes straight to vcsim.
    relay = await cuttableRelay(vcsim.port);
    ops = await startOperationsSystem({
      env: {
        HYPERVISOR: 'vsphere',
        VSPHERE_URL: `https://127.0.0.1:${relay.port}/sdk`,
        VSPHERE_USER: vcsim.username,
        VSPHERE_PASSWORD: vcsim.password,
        VSPHERE_THUMBPRINT: thumbprint,
        VSPHERE_TEMPLATES: 'rhel9=DC0_H0_VM0',
        VSPHERE_CLUSTER: 'DC0_C0',
        VSPHERE_VCPU_PER_CORE: '4',
        VSPHERE_TASK_POLL_MS: '20',
        PLATFORM_EVENT_POLL_MS: '200',
        PLATFORM_CAPACITY_EVERY_MS: '300',
      },
    });
    // The collector has started where vCenter's clock stood (its history is not replayed as alerts).
    await eventually('the first cursor', async () => (await cursorRow())?.cursor);
  }, 120_000);

  afterAll(async () => {
    await ops?.close();
    await (ops?.operations.hypervisor as VsphereHypervisor | undefined)?.close();
    await admin?.logout().catch(() => undefined);
    await relay?.close();
    const pid = vcsim?.pid;
    await vcsim?.stop();
    if (pid) expect(() => process.kill(pid, 0)).toThrow();
  });

  test('R-MON-1: a VM powered off in vCenter, not by opsdesk (a SOAP call straight to vcsim), opens an incident; opsdesk\'s own power-off raises nothing', async () => {
    // opsdesk's own power-off first (an R-OP-7 stop), then someone else's in the vSphere Client.
    await ops.operations.hypervisor.setPower('DC0_C0_RP0_VM0', 'off', { key: `REQ-E-${uniq()}:stop` });
    await admin.waitForTask(await admin.powerOffVm(await vmRef('DC0_C0_RP0_VM1')));

    const [alert] = await eventually('the alert of DC0_C0_RP0_VM1', async () => {
      const rows = await inboxFor('DC0_C0_RP0_VM1');
      return rows.length && rows[0].delivered_at ? rows : undefined;
    });
    expect(alert.signal).toMatchObject({ alertName: 'VmPoweredOffOutsideOpsdesk', hostname: 'DC0_C0_RP0_VM1', severity: 'major', source: 'hypervisor:vsphere', status: 'firing' });
    expect(alert.signal.summary).toContain('not by opsdesk');
    expect(JSON.parse(alert.idempotency_key)).toEqual(['hypervisor:vsphere', expect.stringMatching(/^event:\d+$/), 0]);
    const [record] = await eventually('the incident', async () => {
      const rows = await sql<{ number: string; kind: string }>(`select number, kind from case_record where workflow_id = ?`, [alert.workflow_id]);
      return rows.length ? rows : undefined;
    });
    expect(record.kind).toBe('incident');
    // The cursor has passed both power-offs (the own one came first): none for opsdesk's.
    expect(await inboxFor('DC0_C0_RP0_VM0')).toHaveLength(0);
    expect((await sql(`select vm, vc_started_at, vc_finished_at from hypervisor_own_task where action = 'power_off'`)).length).toBeGreaterThan(0);
  });

  test('R-MON-1: events are read once across a worker restart: the next worker goes on from the cursor kept in PostgreSQL', async () => {
    const before = await eventually('a settled cursor', async () => {
      const a = await cursorRow();
      await new Promise((r) => setTimeout(r, 600));
      const b = await cursorRow();
      return a.cursor === b.cursor ? b : undefined;
    });
    await ops.system.stopWorker();
    // The worker let its lease go on the way out.
    expect((await cursorRow()).holder).toBeNull();
    const position = JSON.parse(before.cursor!) as { key: number; time: string };
    // While no worker runs: someone powers a VM off, and on again, and off again.
    const vm = await vmRef('DC0_H0_VM1');
    await admin.waitForTask(await admin.powerOffVm(vm));
    await admin.waitForTask(await admin.powerOnVm(vm));
    await admin.waitForTask(await admin.powerOffVm(vm));
    const missed = await eventsAfter(position);
    expect(missed.length).toBeGreaterThanOrEqual(6);

    await ops.system.startWorker();
    const after = await eventually('the cursor at the last event', async () => {
      const row = await cursorRow();
      return JSON.parse(row.cursor!).key >= Math.max(...missed) ? row : undefined;
    });
    // Exactly the events after the old cursor up to the new one were read (those made meanwhile, and the new worker's own
    // login): none again, none left out.
    const upTo = JSON.parse(after.cursor!).key as number;
    const between = (await eventsAfter(position)).filter((k) => k <= upTo);
    expect(between).toEqual(expect.arrayContaining(missed));
    expect(Number(after.events_read) - Number(before.events_read)).toBe(between.length);
    // Two power-offs, two alerts (one incident: same VM, same alert name); the earlier alert not raised again.
    const alerts = await eventually('both alerts of DC0_H0_VM1', async () => {
      const rows = await inboxFor('DC0_H0_VM1');
      return rows.length >= 2 ? rows : undefined;
    });
    expect(alerts).toHaveLength(2);
    expect(new Set(alerts.map((a) => a.idempotency_key)).size).toBe(2);
    expect(await inboxFor('DC0_C0_RP0_VM1')).toHaveLength(1);
    expect(Number(after.alerts_raised) - Number(before.alerts_raised)).toBe(2);
  });

  test('R-MON-1: a cursor set back (a crash between the intake and the cursor) reads events again, but the intake writes each alert once', async () => {
    const now = await cursorRow();
    await ops.system.stopWorker();
    const inboxBefore = (await sql(`select count(*)::int as n from alert_inbox where source_name = 'hypervisor:vsphere'`))[0].n;
    // Back to the start of this file's events.
    await sql(`update platform_event_cursor set cursor = ? where adapter = 'vsphere'`, [JSON.stringify({ key: 0, time: new Date(Date.now() - 3_600_000).toISOString() })]);
    await ops.system.startWorker();
    const reread = await eventually('the events read again', async () => {
      const row = await cursorRow();
      return JSON.parse(row.cursor!).key >= JSON.parse(now.cursor!).key ? row : undefined;
    });
    expect(Number(reread.events_read)).toBeGreaterThan(Number(now.events_read));
    expect((await sql(`select count(*)::int as n from alert_inbox where source_name = 'hypervisor:vsphere'`))[0].n).toBe(inboxBefore);
    expect(reread.alerts_raised).toBe(now.alerts_raised);
  });

  test('R-MON-1: vCenter unreachable: the cursor stays where it was, and once the line is back the event that happened meanwhile is read, once', async () => {
    const before = await cursorRow();
    relay.cut();
    // Someone starts the VM opsdesk stopped in the first test, and stops it again, while opsdesk cannot reach vCenter.
    const vm = await vmRef('DC0_C0_RP0_VM0');
    await admin.waitForTask(await admin.powerOnVm(vm));
    await admin.waitForTask(await admin.powerOffVm(vm));
    await new Promise((r) => setTimeout(r, 1_500)); // several polls fail meanwhile
    expect((await cursorRow()).cursor).toBe(before.cursor);
    expect(await inboxFor('DC0_C0_RP0_VM0')).toHaveLength(0);
    relay.mend();
    const alerts = await eventually('the alert after the outage', async () => {
      const rows = await inboxFor('DC0_C0_RP0_VM0');
      return rows.length ? rows : undefined;
    });
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await inboxFor('DC0_C0_RP0_VM0')).toHaveLength(alerts.length);
    expect(alerts).toHaveLength(1);
  });

  test('R-RPT-3: capacity per cluster (hosts and datastores) is sampled into one row a day each and served by GET /api/platform/capacity to the roles that read the platform', async () => {
    const rows = await eventually('capacity rows', async () => {
      const r = await sql<{ kind: string; name: string; samples: number; cluster: string }>(`select kind, name, samples, cluster from platform_capacity_daily where adapter = 'vsphere' and samples >= 2`);
      return r.length >= 4 ? r : undefined;
    });
    expect(rows.filter((r) => r.kind === 'host').map((r) => r.name).sort()).toEqual(['DC0_C0_H0', 'DC0_C0_H1', 'DC0_C0_H2']);
    expect(rows.filter((r) => r.kind === 'datastore').map((r) => r.name)).toContain('LocalDS_0');
    expect(new Set(rows.map((r) => r.cluster))).toEqual(new Set(['DC0_C0']));

    const token = await ops.system.login('ga1');
    const answer = await ops.system.request('GET', '/api/platform/capacity', { token });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ adapter: 'vsphere', simulated: false });
    const [cluster] = answer.body.clusters;
    expect(cluster).toMatchObject({ cluster: 'DC0_C0', hosts: 3, cpu: { total: 24 } });
    expect(cluster.datastoreGiB.total).toBeGreaterThan(0);
    expect(answer.body.days.find((d: any) => d.kind === 'host')).toMatchObject({ cpu: { total: 8 }, memoryGiB: { total: 4 } });

    expect((await ops.system.request('GET', '/api/platform/capacity', { token: await ops.system.login('dept1') })).status).toBe(403);
    const bad = await ops.system.request('GET', '/api/platform/capacity?from=2026-13-01', { token });
    expect(bad.status).toBe(400);
    expect(bad.text).toContain('from');
    const platform = await ops.system.request('GET', '/api/platform', { token });
    expect(platform.body.hypervisor).toMatchObject({ adapter: 'vsphere', simulated: false });
  });
});
