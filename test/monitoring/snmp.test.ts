import { existsSync } from 'node:fs';
import { snmpdPath } from '../../src/monitoring/binaries';
import { FlowDriver } from '../support/flow';
import { monitoringToolsMissing, prometheusApi, startMonitoredSystem, startSnmpd, type MonitoredSystem } from './support';
import { eventually } from '../support/eventually';
import { withDatabase } from '../support/databases';

const runnable = !monitoringToolsMissing() && existsSync(snmpdPath());
const describeWithSnmp = runnable ? describe : describe.skip;

jest.setTimeout(120_000);

describeWithSnmp('R-MON-3: a switch is read over SNMP (snmp_exporter, IF-MIB by OID) from the inventory', () => {
  let mon: MonitoredSystem;
  let flow: FlowDriver;
  let snmpd: { port: number; stop(): Promise<void> };
  const community = 'opsdesk-test-community-7';

  beforeAll(async () => {
    mon = await startMonitoredSystem({ snmp: true });
    flow = new FlowDriver(mon.system);
    snmpd = await startSnmpd(mon.dir, community);
  });
  afterAll(async () => {
    await snmpd?.stop();
    await mon?.close();
  });

  test('R-MON-3: the SNMP counters of a local snmpd appear for that device through the opsdesk API; the community is stored sealed', async () => {
    const sw = await flow.as('admin', 'POST', '/api/assets', { hostname: 'sw-snmp01', kind: 'switch', subPlatform: 'virtualization', address: '127.0.0.1' });
    expect(sw.status).toBe(201);
    const put = await flow.as('admin', 'PUT', `/api/monitoring/devices/${sw.body.id}/agents`, { snmpPort: snmpd.port, snmpCommunity: community });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ snmpPort: snmpd.port, snmpCommunitySet: true });
    expect(JSON.stringify(put.body)).not.toContain(community);
    const read = await flow.as('op1', 'GET', `/api/monitoring/devices/${sw.body.id}/agents`);
    expect(JSON.stringify(read.body)).not.toContain(community);

    // Sealed in the database, like the database passwords.
    await withDatabase(mon.system.config.databaseUrl, async (db) => {
      const { rows } = await db.query('select snmp_community_sealed from monitoring_device where asset_id = $1', [sw.body.id]);
      expect(rows[0].snmp_community_sealed).toMatch(/^[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+\.[A-Za-z0-9+/=]+$/);
      expect(rows[0].snmp_community_sealed).not.toContain(community);
    });

    let seen: unknown;
    await eventually('the snmp target up', async () => {
      const data = await prometheusApi(mon.stack, '/api/v1/targets?state=active');
      seen = data.activeTargets.filter((t: any) => t.labels.job === 'snmp');
      return data.activeTargets.find((t: any) => t.labels.job === 'snmp' && t.labels.hostname === 'sw-snmp01' && t.health === 'up');
    }, 30_000).catch((error: Error) => {
      throw new Error(`${error.message}; snmp targets: ${JSON.stringify(seen)}`);
    });
    const octets = await eventually('ifHCInOctets of sw-snmp01', async () => (await prometheusApi(mon.stack, `/api/v1/query?query=${encodeURIComponent('ifHCInOctets{hostname="sw-snmp01"}')}`)).result[0]);
    expect(octets.metric).toMatchObject({ role: 'switch', ifName: expect.any(String) });
    const status = await prometheusApi(mon.stack, `/api/v1/query?query=${encodeURIComponent('ifOperStatus{hostname="sw-snmp01"}')}`);
    expect(status.result.length).toBeGreaterThan(0);

    const chart = await eventually('traffic through the opsdesk API', async () => {
      const answer = await flow.as('op1', 'GET', `/api/monitoring/devices/${sw.body.id}/series?metric=traffic_in&range=24h`);
      return answer.status === 200 && answer.body.series[0]?.points.length > 0 && answer.body;
    }, 30_000);
    expect(chart).toMatchObject({ hostname: 'sw-snmp01', unit: 'bps' });
    console.log(`R-MON-3: sw-snmp01 traffic in, last point ${JSON.stringify(chart.series[0].points.at(-1))}`);
  });
});
