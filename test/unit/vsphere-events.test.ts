import { MoRef, parseBody, obj, list } from '../../src/providers/vsphere/vim-xml';
import { alarmStateEvent, toPlatformEvent } from '../../src/providers/vsphere/vsphere-events';

/**
 * R-MON-1: which vCenter events become alerts. vcsim 0.46.3 makes VM events itself but cannot be
 * made to post others (its PostEvent panics), so the other event types are read here from SOAP
 * answers written the way vCenter writes them, through the same XML reader as the adapter's.
 */

function events(xml: string) {
  const body = parseBody(
    '<?xml version="1.0"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">' +
      `<soapenv:Body><ReadNextEventsResponse xmlns="urn:vim25">${xml}</ReadNextEventsResponse></soapenv:Body></soapenv:Envelope>`,
  );
  return list(obj(body.value).returnval).map(obj);
}

const head = (key: number) => `<key>${key}</key><chainId>${key}</chainId><createdTime>2026-12-07T01:02:03.123456789Z</createdTime><userName>VSPHERE.LOCAL\\admin</userName>`;
const host = '<host><name>esx07</name><host type="HostSystem">host-7</host></host>';

describe('R-MON-1: vCenter events as alerts', () => {
  test('R-MON-1: host not responding, a VM powered off, HA events and alarms turning red or yellow become alerts; other events do not', () => {
    const read = events(
      `<returnval xsi:type="HostNotRespondingEvent">${head(101)}${host}<fullFormattedMessage>Host esx07 in DC is not responding</fullFormattedMessage></returnval>` +
        `<returnval xsi:type="VmPoweredOffEvent">${head(102)}${host}<vm><name>app01</name><vm type="VirtualMachine">vm-42</vm></vm><fullFormattedMessage>app01 is powered off</fullFormattedMessage></returnval>` +
        `<returnval xsi:type="DasHostFailedEvent">${head(103)}<computeResource><name>CL1</name><computeResource type="ClusterComputeResource">domain-c1</computeResource></computeResource><fullFormattedMessage>A possible host failure has been detected by HA on esx07</fullFormattedMessage><failedHost><name>esx07</name><host type="HostSystem">host-7</host></failedHost></returnval>` +
        `<returnval xsi:type="EventEx">${head(104)}${host}<fullFormattedMessage>vSphere HA initiated a failover action</fullFormattedMessage><eventTypeId>com.vmware.vc.HA.ClusterFailoverActionInitiatedEvent</eventTypeId></returnval>` +
        `<returnval xsi:type="AlarmStatusChangedEvent">${head(105)}<fullFormattedMessage>Alarm 'Datastore usage on disk' changed from Green to Red</fullFormattedMessage><alarm><name>Datastore usage on disk</name><alarm type="Alarm">alarm-5</alarm></alarm><source><name>Datacenters</name><entity type="Folder">group-d1</entity></source><entity><name>ds-prod01</name><entity type="Datastore">datastore-11</entity></entity><from>green</from><to>red</to></returnval>` +
        `<returnval xsi:type="AlarmStatusChangedEvent">${head(106)}<fullFormattedMessage>Alarm 'Host memory usage' changed from Green to Yellow</fullFormattedMessage><alarm><name>Host memory usage</name><alarm type="Alarm">alarm-2</alarm></alarm><source><name>Datacenters</name><entity type="Folder">group-d1</entity></source><entity><name>esx07</name><entity type="HostSystem">host-7</entity></entity><from>green</from><to>yellow</to></returnval>` +
        `<returnval xsi:type="AlarmStatusChangedEvent">${head(107)}<fullFormattedMessage>back to green</fullFormattedMessage><alarm><name>Host memory usage</name><alarm type="Alarm">alarm-2</alarm></alarm><source><name>Datacenters</name><entity type="Folder">group-d1</entity></source><entity><name>esx07</name><entity type="HostSystem">host-7</entity></entity><from>yellow</from><to>green</to></returnval>` +
        `<returnval xsi:type="UserLoginSessionEvent">${head(108)}<fullFormattedMessage>User logged in</fullFormattedMessage><ipAddress>10.0.0.1</ipAddress></returnval>`,
    );
    const mapped = read.map(toPlatformEvent);
    expect(mapped.map((e) => e && `${e.kind}/${e.severity}/${e.entity}`)).toEqual([
      'host_not_responding/critical/esx07',
      'vm_powered_off/major/app01',
      'ha/major/CL1',
      'ha/major/esx07',
      'datastore_usage/critical/ds-prod01',
      'alarm/warning/esx07',
      null,
      null,
    ]);
    expect(mapped[0]).toMatchObject({ key: 'event:101', type: 'HostNotRespondingEvent', at: '2026-12-07T01:02:03.123Z' });
    expect(mapped[3]?.type).toBe('com.vmware.vc.HA.ClusterFailoverActionInitiatedEvent');
    expect(mapped[1]?.summary).toContain('not by opsdesk');
  });

  test('R-MON-1: a triggered alarm state is an alert while red or yellow and not acknowledged, keyed by the state and the time it turned so', () => {
    const state = (status: string, acknowledged = false) => ({
      $type: 'AlarmState', key: 'alarm-5.datastore-11', entity: new MoRef('Datastore', 'datastore-11'), alarm: new MoRef('Alarm', 'alarm-5'),
      overallStatus: status, time: '2026-12-07T01:00:00Z', acknowledged: String(acknowledged),
    });
    const names = { alarm: 'Datastore usage on disk', entity: 'ds-prod01', entityType: 'Datastore' };
    expect(alarmStateEvent(state('red'), names)).toMatchObject({ key: 'alarm:alarm-5.datastore-11:red:2026-12-07T01:00:00Z', kind: 'datastore_usage', severity: 'critical', entity: 'ds-prod01' });
    expect(alarmStateEvent(state('yellow'), { ...names, entityType: 'HostSystem', alarm: 'Host CPU usage' })).toMatchObject({ kind: 'alarm', severity: 'warning' });
    expect(alarmStateEvent(state('green'), names)).toBeNull();
    expect(alarmStateEvent(state('red', true), names)).toBeNull();
  });
});
