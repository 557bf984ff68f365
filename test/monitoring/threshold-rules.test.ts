import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startupAddresses } from '../../src/embedded/startup-addresses';
import { monitoringToolPath } from '../../src/monitoring/binaries';
import { mayProbe } from '../../src/monitoring/monitoring-config';
import { writeStackConfig } from '../../src/monitoring/stack';
import { BLACKBOX_TIMEOUT_OFFSET_SECONDS, icmpTiming, renderBlackboxConfig, renderPrometheusConfig } from '../../src/monitoring/stack-config';
import { renderRules, RULE_KINDS, THRESHOLD_KINDS, type RuleThreshold } from '../../src/monitoring/threshold-rules';

const base = { severity: 'major' as const, version: 1, enabled: true, forSeconds: 60 };
const every: RuleThreshold[] = THRESHOLD_KINDS.map((kind, i) => ({
  ...base, id: `00000000-0000-4000-8000-00000000000${i}`, kind, value: kind === 'ping_down' ? 30 : 5, assetKind: 'vm', service: kind === 'service_down' ? 'nginx.service' : null,
}));

describe('R-MON-1: thresholds become Prometheus rules from kinds and numbers only', () => {
  test('R-MON-1: every kind renders a rule file that promtool accepts; the hypervisor event kinds render none', () => {
    const promtool = monitoringToolPath('promtool');
    if (!existsSync(promtool)) return console.warn(`promtool missing at ${promtool}: not checked`);
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), renderRules(every, { publicUrl: 'http://opsdesk.test' }));
      const check = spawnSync(promtool, ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`).toContain(`SUCCESS: ${RULE_KINDS.length} rules found`);
      expect(check.status).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('R-MON-1: a device override replaces its class threshold for that device only', () => {
    const rules = JSON.parse(renderRules([
      { ...base, id: 'a', kind: 'cpu_percent', value: 90, assetKind: 'vm' },
      { ...base, id: 'b', kind: 'cpu_percent', value: 70, hostname: 'db-zeimu.example.lg.jp' },
    ], { publicUrl: 'http://opsdesk.test' })).groups[0].rules;
    const byId = Object.fromEntries(rules.map((r: any) => [r.labels.threshold_id, r]));
    expect(byId.a.expr).toContain('role="vm",hostname!~"db-zeimu\\\\.example\\\\.lg\\\\.jp"');
    expect(byId.a.expr).toContain('> 90');
    expect(byId.b.expr).toContain('hostname="db-zeimu.example.lg.jp"');
    expect(byId.b.expr).toContain('> 70');
    expect(byId.b.annotations.summary).toContain('機器 db-zeimu.example.lg.jp 個別の閾値');
  });

  test('R-MON-1: nothing but numbers, known kinds, inventory host names and unit names reaches PromQL', () => {
    const render = (t: Partial<RuleThreshold>) => () => renderRules([{ ...base, id: 'x', kind: 'cpu_percent', value: 1, assetKind: 'vm', ...t }], { publicUrl: 'http://x' });
    expect(render({ value: Number.NaN })).toThrow(/value/);
    expect(render({ assetKind: null, hostname: 'x"} or vector(1)' })).toThrow(/host name/);
    expect(render({ kind: 'service_down', service: 'a"}) or vector(1) #' })).toThrow(/service/);
    expect(render({ kind: 'raw_promql' as never })).toThrow(/kind/);
    expect(render({ enabled: false })()).toContain('"rules": []');
  });

  test('R-SCOPE-5: only addresses inside MONITORING_PROBE_NETWORKS are probed (the demo pings loopback only)', () => {
    const loopback = ['127.0.0.0/8', '::1/128'];
    expect(mayProbe('127.0.0.1', loopback)).toBe(true);
    expect(mayProbe('::1', loopback)).toBe(true);
    expect(mayProbe('10.10.1.11', loopback)).toBe(false);
    expect(mayProbe('esx01.example.lg.jp', loopback)).toBe(false);
    expect(mayProbe('10.213.7.2', ['10.213.0.0/16'])).toBe(true);
    expect(mayProbe('10.10.1.11', null)).toBe(true);
  });
});

describe('R-MON-2: the generated stack keeps a breach within for: + 2 evaluation intervals', () => {
  test('R-MON-2: pings run every half evaluation interval with their timeout inside it, Alertmanager does not hold a group back', () => {
    expect(icmpTiming(15, 15)).toEqual({ intervalMs: 7_500, probeTimeoutSeconds: 5 });
    expect(icmpTiming(1, 1)).toEqual({ intervalMs: 500, probeTimeoutSeconds: 0.4 });
    for (const [scrape, evaluation] of [[15, 15], [1, 1], [30, 60], [5, 15]]) {
      const { intervalMs, probeTimeoutSeconds } = icmpTiming(scrape, evaluation);
      // The failed ping is scraped and stored within one evaluation interval of the device going down.
      expect(intervalMs / 1000 + probeTimeoutSeconds).toBeLessThanOrEqual(evaluation);
      expect(probeTimeoutSeconds + BLACKBOX_TIMEOUT_OFFSET_SECONDS).toBeLessThanOrEqual(intervalMs / 1000);
    }
    const prometheus = JSON.parse(renderPrometheusConfig({ dir: '/x', scrapeIntervalSeconds: 15, evaluationIntervalSeconds: 15, alertmanagerAddress: 'a:1', blackboxAddress: 'b:2' }));
    expect(prometheus.scrape_configs.find((c: any) => c.job_name === 'icmp')).toMatchObject({ scrape_interval: '7500ms', scrape_timeout: '7500ms' });
    expect(prometheus.global.evaluation_interval).toBe('15s');
    expect(JSON.parse(renderBlackboxConfig(0.4)).modules.icmp.timeout).toBe('400ms');
    const dir = mkdtempSync(join(tmpdir(), 'stack-'));
    try {
      writeStackConfig({ dir, opsdeskUrl: 'http://127.0.0.1:3000', ports: { prometheus: 1, alertmanager: 2, blackbox: 3 } });
      const alertmanager = JSON.parse(readFileSync(join(dir, 'alertmanager.yml'), 'utf8'));
      expect(alertmanager.route).toMatchObject({ group_wait: '0s', group_by: ['alertname', 'hostname'] });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('R-MON-1: npm start says where the monitoring UIs are', () => {
  test('R-MON-1: the start-up lines name the web UI, API docs, Temporal UI, Prometheus UI and Alertmanager UI; or why monitoring is off', () => {
    const on = startupAddresses({
      apiUrl: 'http://127.0.0.1:3000', temporalUiUrl: 'http://127.0.0.1:8233', mailSinkUrl: 'http://127.0.0.1:8025/',
      prometheusUrl: 'http://127.0.0.1:9090', alertmanagerUrl: 'http://127.0.0.1:9093', monitoringOff: null, monitoringEmbedded: true,
    }).join('\n');
    expect(on).toMatch(/web UI +http:\/\/127\.0\.0\.1:3000\//);
    expect(on).toMatch(/API docs +http:\/\/127\.0\.0\.1:3000\/api\/docs/);
    expect(on).toMatch(/Temporal UI +http:\/\/127\.0\.0\.1:8233/);
    expect(on).toMatch(/Prometheus UI +http:\/\/127\.0\.0\.1:9090\/ — targets http:\/\/127\.0\.0\.1:9090\/targets/);
    expect(on).toMatch(/Alertmanager UI +http:\/\/127\.0\.0\.1:9093\//);
    const off = startupAddresses({
      apiUrl: 'http://127.0.0.1:3000', temporalUiUrl: null, mailSinkUrl: null, prometheusUrl: null, alertmanagerUrl: null,
      monitoringOff: 'missing Prometheus (PROMETHEUS_PATH)', monitoringEmbedded: true,
    }).join('\n');
    expect(off).toContain('Prometheus UI  none: monitoring is OFF (missing Prometheus (PROMETHEUS_PATH))');
    expect(off).toContain('TEMPORAL_ADDRESS');
  });
});
