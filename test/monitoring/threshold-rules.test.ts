import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitoringToolPath } from '../../src/monitoring/binaries';
import { mayProbe } from '../../src/monitoring/monitoring-config';
import { renderRules, THRESHOLD_KINDS, type RuleThreshold } from '../../src/monitoring/threshold-rules';

const base = { severity: 'major' as const, version: 1, enabled: true, forSeconds: 60 };
const every: RuleThreshold[] = THRESHOLD_KINDS.map((kind, i) => ({
  ...base, id: `00000000-0000-4000-8000-00000000000${i}`, kind, value: kind === 'ping_down' ? 30 : 5, assetKind: 'vm', service: kind === 'service_down' ? 'nginx.service' : null,
}));

describe('R-MON-1: thresholds become Prometheus rules from kinds and numbers only', () => {
  test('R-MON-1: every kind renders a rule file that promtool accepts', () => {
    const promtool = monitoringToolPath('promtool');
    if (!existsSync(promtool)) return console.warn(`promtool missing at ${promtool}: not checked`);
    const dir = mkdtempSync(join(tmpdir(), 'rules-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), renderRules(every, { publicUrl: 'http://opsdesk.test' }));
      const check = spawnSync(promtool, ['check', 'rules', join(dir, 'rules.yml')], { encoding: 'utf8' });
      expect(`${check.stdout}${check.stderr}`).toContain(`SUCCESS: ${THRESHOLD_KINDS.length} rules found`);
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
