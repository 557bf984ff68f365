import { startTestSystem, type TestSystem } from '../support/test-system';

describe('R-SCOPE-5: without Prometheus opsdesk runs and says monitoring is off', () => {
  let system: TestSystem;
  beforeAll(async () => {
    system = await startTestSystem({ worker: false, env: { OPSDESK_MONITORING_OFF: 'missing prometheus (PROMETHEUS_PATH): apt-get download prometheus ...' } });
  });
  afterAll(async () => {
    await system?.close();
  });

  test('R-SCOPE-5: /health, /metrics and the monitoring API name the reason; thresholds can still be read', async () => {
    const health = await system.request('GET', '/health');
    expect(health.body.monitoring).toMatchObject({ state: 'off', reason: expect.stringContaining('PROMETHEUS_PATH') });
    const metrics = await system.request('GET', '/metrics');
    expect(metrics.text).toMatch(/opsdesk_monitoring_enabled 0/);
    const token = await system.login('op1');
    const devices = await system.request('GET', '/api/monitoring/devices', { token });
    expect(devices.status).toBe(200);
    expect(devices.body.monitoring.state).toBe('off');
    expect(devices.body.devices.every((d: any) => d.state === 'unknown')).toBe(true);
    const thresholds = await system.request('GET', '/api/monitoring/thresholds', { token });
    expect(thresholds.body.length).toBeGreaterThan(20);
  });
});
