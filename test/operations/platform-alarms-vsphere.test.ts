import { startVcsim, vcsimThumbprint, type RunningVcsim } from '../../src/providers/vsphere/vcsim-binary';
import { VimClient } from '../../src/providers/vsphere/vim-client';
import { MoRef, type VimObject } from '../../src/providers/vsphere/vim-xml';
import type { VsphereHypervisor } from '../../src/providers/vsphere/vsphere-hypervisor';
import { startOperationsSystem, type OperationsSystem } from './support';
import { eventually } from '../support/eventually';

/**
 * R-MON-1 against vcsim for what vcsim does not cause by itself: an alarm turning red, a host not
 * responding, an HA event. The test stands in for an ESXi host and vSphere HA: it posts their
 * events through vCenter's own API (EventManager.PostEvent, real vim25 SOAP), and vcsim's
 * AlarmManager turns the alarm the event matches red on the VM and up the inventory to the root
 * folder (triggeredAlarmState), as vCenter does. What is verified: the worker's platform watch reads
 * those events and triggered alarms like any other, each opens one incident through the alert
 * intake, and nothing is raised twice, also after a worker restart. What is not: how a real
 * vCenter decides a host is not responding (vcsim never does), alarms on metrics (vcsim has no
 * performance-based alarm state), and AlarmStatusChangedEvent (vcsim does not write it; the
 * adapter's reading of it is unit-tested in vsphere-events.test.ts).
 */


jest.setTimeout(180_000);

describe('R-MON-1: alarms, hosts not responding and HA events from vCenter become incidents once (vcsim)', () => {
  let vcsim: RunningVcsim;
  let admin: VimClient;
  let ops: OperationsSystem;

  const sql = <T = any>(query: string, params: unknown[] = []) => ops.em().execute<T[]>(query, params);
  const inbox = (alertName: string, hostname: string) =>
    sql<{ workflow_id: string; idempotency_key: string; signal: any; delivered_at: Date | null }>(
      `select workflow_id, idempotency_key, signal, delivered_at from alert_inbox where source_name = 'hypervisor:vsphere' and signal->>'alertName' = ? and signal->>'hostname' = ? order by id`,
      [alertName, hostname],
    );
  const incidentsOf = async (workflowIds: string[]) =>
    sql<{ number: string; kind: string }>(`select number, kind from case_record where workflow_id in (${workflowIds.map(() => '?').join(', ')})`, workflowIds);
  const entity = async (type: string, name: string) => (await admin.retrieveAll(type, ['name'])).find((e) => e.props.name === name)!.obj;

  /** An event of the vim25 Event family, its common fields in WSDL order (vCenter sets key, chainId, time and user). */
  function event(type: string, args: { datacenter?: MoRef; computeResource?: MoRef; host?: MoRef; vm?: MoRef; names: Record<string, string> }, rest: VimObject = {}): VimObject {
    const arg = (argType: string, field: string, value: MoRef | undefined) => (value ? { $type: argType, name: args.names[field], [field]: value } : undefined);
    return {
      $type: type, key: 0, chainId: 0, createdTime: new Date().toISOString(), userName: '',
      datacenter: arg('DatacenterEventArgument', 'datacenter', args.datacenter),
      computeResource: arg('ComputeResourceEventArgument', 'computeResource', args.computeResource),
      host: arg('HostEventArgument', 'host', args.host),
      vm: arg('VmEventArgument', 'vm', args.vm),
      ...rest,
    };
  }
  const post = async (toPost: VimObject) => {
    await admin.call('PostEvent', admin.service.eventManager!, [['eventToPost', toPost]]);
  };

  beforeAll(async () => {
    vcsim = await startVcsim();
    const thumbprint = await vcsimThumbprint(vcsim.port);
    admin = new VimClient(vcsim.url, { thumbprint });
    await admin.login(vcsim.username, vcsim.password);
    ops = await startOperationsSystem({
      env: {
        HYPERVISOR: 'vsphere', VSPHERE_URL: vcsim.url, VSPHERE_USER: vcsim.username, VSPHERE_PASSWORD: vcsim.password, VSPHERE_THUMBPRINT: thumbprint,
        VSPHERE_TEMPLATES: 'rhel9=DC0_H0_VM0', VSPHERE_CLUSTER: 'DC0_C0', VSPHERE_VCPU_PER_CORE: '4', VSPHERE_TASK_POLL_MS: '20',
        PLATFORM_EVENT_POLL_MS: '200', PLATFORM_CAPACITY_EVERY_MS: '600000',
      },
    });
    await eventually('the first cursor', async () => (await sql(`select cursor from platform_event_cursor where adapter = 'vsphere' and cursor is not null`))[0]);
  }, 180_000);

  afterAll(async () => {
    await ops?.close();
    await (ops?.operations.hypervisor as VsphereHypervisor | undefined)?.close();
    await admin?.logout().catch(() => undefined);
    await vcsim?.stop();
  });

  test('R-MON-1: an alarm turning red in vCenter (vcsim\'s AlarmManager, triggered by an event on a VM), a host not responding and an HA host failure each open one incident; a worker restart raises none of them again', async () => {
    const vm = await entity('VirtualMachine', 'DC0_C0_RP0_VM1');
    const host = await entity('HostSystem', 'DC0_C0_H1');
    const cluster = await entity('ClusterComputeResource', 'DC0_C0');
    const datacenter = await entity('Datacenter', 'DC0');

    // An ESXi host reports a fatal error of a VM: the event vcsim's "vcsim VM Alarm" turns red on.
    await post(event('EventEx', { datacenter, vm, names: { datacenter: 'DC0', vm: 'DC0_C0_RP0_VM1' } }, {
      eventTypeId: 'vcsim.vm.fatal', severity: 'error', objectId: vm.value, objectType: 'VirtualMachine', objectName: 'DC0_C0_RP0_VM1',
    }));
    // vCenter itself now says so: the alarm is red on the root folder.
    const root = await admin.retrieveOne(admin.service.rootFolder, ['triggeredAlarmState']);
    expect(root?.triggeredAlarmState).toMatchObject({ AlarmState: { entity: vm, overallStatus: 'red', acknowledged: 'false' } });
    // A host stops answering (vCenter writes HostConnectionLostEvent, "Host … is not responding"; vim25 has no
    // HostNotRespondingEvent type, and vcsim crashes on a type it does not know), and HA sees it fail.
    await post(event('HostConnectionLostEvent', { datacenter, computeResource: cluster, host, names: { datacenter: 'DC0', computeResource: 'DC0_C0', host: 'DC0_C0_H1' } }));
    await post(event('DasHostFailedEvent', { datacenter, computeResource: cluster, names: { datacenter: 'DC0', computeResource: 'DC0_C0' } }, {
      failedHost: { name: 'DC0_C0_H1', host },
    }));

    const delivered = async (alertName: string, hostname: string) => {
      const rows = await inbox(alertName, hostname);
      return rows.length && rows.every((r) => r.delivered_at) ? rows : undefined;
    };
    const [alarm] = await eventually('the red alarm', () => delivered('PlatformAlarm', 'DC0_C0_RP0_VM1'));
    const [down] = await eventually('the host not responding', () => delivered('HostNotResponding', 'DC0_C0_H1'));
    const [ha] = await eventually('the HA event', () => delivered('HaEvent', 'DC0_C0'));
    expect(alarm.signal).toMatchObject({ severity: 'critical', status: 'firing', source: 'hypervisor:vsphere' });
    expect(alarm.signal.summary).toContain('vcsim VM Alarm');
    expect(alarm.signal.summary).toContain('red');
    expect(JSON.parse(alarm.idempotency_key)[1]).toMatch(/^alarm:.+:red:/);
    expect(down.signal).toMatchObject({ severity: 'critical', status: 'firing' });
    expect(down.signal.summary).toContain('host DC0_C0_H1 is not responding');
    expect(JSON.parse(down.idempotency_key)[1]).toMatch(/^event:\d+$/);
    expect(ha.signal).toMatchObject({ severity: 'major', status: 'firing' });
    expect(ha.signal.summary).toContain('vSphere HA: DasHostFailedEvent');
    const incidents = await eventually('three incidents', async () => {
      const rows = await incidentsOf([alarm.workflow_id, down.workflow_id, ha.workflow_id]);
      return rows.length === 3 ? rows : undefined;
    });
    expect(incidents.map((r) => r.kind)).toEqual(['incident', 'incident', 'incident']);

    // The alarm stays red: every pass sees it again, and raises nothing new.
    const passes = async () => (await sql<{ n: string }>(`select events_read::text as n from platform_event_cursor where adapter = 'vsphere'`))[0].n;
    await new Promise((r) => setTimeout(r, 1_500));
    // A worker restart: the next worker reads on from the cursor and sees the same red alarm.
    await ops.system.stopWorker();
    const readBefore = Number(await passes());
    await ops.system.startWorker();
    await eventually('the new worker at work', async () => (await sql(`select 1 from platform_event_cursor where adapter = 'vsphere' and holder is not null and updated_at > now() - interval '1 second'`))[0]);
    await new Promise((r) => setTimeout(r, 2_000));
    expect(Number(await passes())).toBeGreaterThanOrEqual(readBefore);
    expect(await inbox('PlatformAlarm', 'DC0_C0_RP0_VM1')).toHaveLength(1);
    expect(await inbox('HostNotResponding', 'DC0_C0_H1')).toHaveLength(1);
    expect(await inbox('HaEvent', 'DC0_C0')).toHaveLength(1);
    expect(await incidentsOf([alarm.workflow_id, down.workflow_id, ha.workflow_id])).toHaveLength(3);
  });
});
