import { FlowDriver } from '../support/flow';
import { monitoringToolsMissing, prometheusApi, startMonitoredSystem, startVmAgents, type MonitoredSystem, type VmAgents } from './support';
import { eventually } from '../support/eventually';

const missing = monitoringToolsMissing();
const describeWithStack = missing ? describe.skip : describe;

jest.setTimeout(120_000);

describeWithStack('R-SCOPE-5: a VM\'s agents (node_exporter, mtail) are scraped from the inventory and their breaches become incidents', () => {
  let mon: MonitoredSystem;
  let flow: FlowDriver;
  let agents: VmAgents;

  beforeAll(async () => {
    mon = await startMonitoredSystem();
    flow = new FlowDriver(mon.system);
    agents = await startVmAgents(mon.dir);
  });
  afterAll(async () => {
    await agents?.stop();
    await mon?.close();
  });

  const as = (user: string, method: string, path: string, body?: unknown) => flow.as(user, method, path, body);

  test('R-SCOPE-5: a VM\'s service stops and an error line is written to a watched log → incidents naming them', async () => {
    agents.setService('nginx.service', true);
    const vm = await as('admin', 'POST', '/api/assets', { hostname: 'vm-agent01', kind: 'vm', subPlatform: 'virtualization', address: '127.0.0.1', businessSystems: ['文書管理システム'] });
    expect(vm.status).toBe(201);
    const put = await as('admin', 'PUT', `/api/monitoring/devices/${vm.body.id}/agents`, { nodeExporterPort: agents.nodeExporterPort, mtailPort: agents.mtailPort });
    expect(put.status).toBe(200);
    expect(put.body).toMatchObject({ nodeExporterPort: agents.nodeExporterPort, mtailPort: agents.mtailPort, snmpCommunitySet: false });
    const badPort = await as('admin', 'PUT', `/api/monitoring/devices/${vm.body.id}/agents`, { mtailPort: 70000 });
    expect(badPort.status).toBe(400);
    expect(JSON.stringify(badPort.body)).toContain('mtailPort');

    const service = await as('admin', 'POST', '/api/monitoring/thresholds', { kind: 'service_down', assetId: vm.body.id, value: 0, forSeconds: 0, severity: 'major', service: 'nginx.service' });
    expect(service.status).toBe(201);
    const errors = await as('admin', 'POST', '/api/monitoring/thresholds', { kind: 'error_lines_5m', assetId: vm.body.id, value: 0, forSeconds: 0, severity: 'warning' });
    expect(errors.status).toBe(201);

    for (const job of ['node', 'mtail']) {
      await eventually(`the ${job} target up`, async () => {
        const data = await prometheusApi(mon.stack, '/api/v1/targets?state=active');
        return data.activeTargets.find((t: any) => t.labels.job === job && t.labels.hostname === 'vm-agent01' && t.health === 'up');
      }, 30_000);
    }
    await eventually('the service rule loaded', async () => {
      const data = await prometheusApi(mon.stack, '/api/v1/rules');
      return data.groups.flatMap((g: any) => g.rules).find((r: any) => r.labels?.threshold_id === service.body.id);
    });
    // The CPU and memory series carry the inventory's labels as well.
    const cpu = await eventually('node_cpu_seconds_total of vm-agent01', async () => (await prometheusApi(mon.stack, `/api/v1/query?query=${encodeURIComponent('node_memory_MemTotal_bytes{hostname="vm-agent01"}')}`)).result[0]);
    expect(cpu.metric).toMatchObject({ role: 'vm', business_system: '文書管理システム' });

    agents.setService('nginx.service', false);
    const [serviceMail] = await mon.system.smtp.waitFor((m) => m.subject.includes('障害を受け付けました') && m.text.includes('vm-agent01') && m.text.includes('nginx.service'), { timeoutMs: 30_000 });
    expect(serviceMail.text).toContain('サービス停止: nginx.service');

    agents.log('2026-12-06T23:00:00 ERROR payment batch failed: connection refused');
    const [errorMail] = await mon.system.smtp.waitFor((m) => m.subject.includes('障害を受け付けました') && m.text.includes('エラーログ行数'), { timeoutMs: 30_000 });
    expect(errorMail.text).toContain('vm-agent01');
    expect(errorMail.text).toMatch(/測定値: \d+ 行 \/ 5 分/);
  });
});
