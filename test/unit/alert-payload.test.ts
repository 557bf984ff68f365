import { DomainError } from '../../src/common/errors';
import { mapSeverity, parseAlertPayload, stripPort, type ParsedAlert } from '../../src/incidents/alert-payload';

/** A webhook body as Prometheus Alertmanager (v0.27) sends it to a `webhook_configs` receiver. */
function alertmanagerBody(alerts: unknown[], overrides: Record<string, unknown> = {}) {
  return {
    receiver: 'opsdesk',
    status: 'firing',
    alerts,
    groupLabels: { alertname: 'HostDown' },
    commonLabels: { alertname: 'HostDown', job: 'node', severity: 'critical' },
    commonAnnotations: {},
    externalURL: 'http://alertmanager.infra.example.lg.jp:9093',
    version: '4',
    groupKey: '{}:{alertname="HostDown"}',
    truncatedAlerts: 0,
    ...overrides,
  };
}

const hostDown = {
  status: 'firing',
  labels: { alertname: 'HostDown', instance: 'esx01.infra.example.lg.jp:9100', job: 'node', severity: 'critical' },
  annotations: {
    summary: 'esx01 が応答しません (node_exporter down)',
    description: 'esx01.infra.example.lg.jp:9100 has been unreachable for more than 5 minutes.',
    runbook_url: 'https://wiki.infra.example.lg.jp/runbooks/host-down',
  },
  startsAt: '2026-06-01T09:12:30.123456789+09:00',
  endsAt: '0001-01-01T00:00:00Z',
  generatorURL: 'http://prometheus.infra.example.lg.jp:9090/graph?g0.expr=up%7Bjob%3D%22node%22%7D+%3D%3D+0&g0.tab=1',
  fingerprint: '6f0a4c1d2b3e5f70',
};

/** The field a parse failure names (fails the test if it does not throw a validation error). */
function fieldOf(body: unknown): string | undefined {
  try {
    parseAlertPayload(body);
  } catch (error) {
    expect(error).toBeInstanceOf(DomainError);
    expect((error as DomainError).kind).toBe('validation');
    return (error as DomainError).field;
  }
  throw new Error('expected parseAlertPayload to throw');
}

describe('parseAlertPayload: Prometheus Alertmanager webhook (version 4)', () => {
  test('R-FLOW-1: an alert from monitoring becomes one parsed alert naming host, alert, severity and time', () => {
    const [alert] = parseAlertPayload(alertmanagerBody([hostDown]));
    expect(alert).toEqual<ParsedAlert>({
      status: 'firing',
      source: 'opsdesk',
      hostname: 'esx01.infra.example.lg.jp',
      alertName: 'HostDown',
      severity: 'critical',
      summary: 'esx01 が応答しません (node_exporter down)',
      detectedAt: '2026-06-01T00:12:30.123Z',
      fingerprint: '6f0a4c1d2b3e5f70',
      labels: { alertname: 'HostDown', instance: 'esx01.infra.example.lg.jp:9100', job: 'node', severity: 'critical' },
    });
  });

  test('R-MON-1: several alerts of one group notification are all parsed, in order', () => {
    const alerts = [
      hostDown,
      {
        status: 'firing',
        labels: { alertname: 'DatastoreAlmostFull', hostname: 'stor01', instance: '10.10.1.21:9272', datastore: 'DS-TAX-01', severity: 'warning' },
        annotations: { summary: 'データストア DS-TAX-01 の使用率が 90% を超えました' },
        startsAt: '2026-06-01T00:10:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        generatorURL: 'http://prometheus:9090/graph',
        fingerprint: 'a1b2c3d4e5f60718',
      },
      {
        status: 'firing',
        labels: { alertname: 'PostgresReplicationLag', nodename: 'db01', instance: '10.10.2.11:9187', severity: 'major' },
        annotations: { description: 'Replication lag is 120 s on db01' },
        startsAt: '2026-06-01T00:11:00Z',
        endsAt: '0001-01-01T00:00:00Z',
        fingerprint: '0011223344556677',
      },
    ];
    const parsed = parseAlertPayload(alertmanagerBody(alerts, { receiver: 'platform-monitoring' }));
    expect(parsed.map((a) => [a.hostname, a.alertName, a.severity, a.summary, a.source])).toEqual([
      ['esx01.infra.example.lg.jp', 'HostDown', 'critical', 'esx01 が応答しません (node_exporter down)', 'platform-monitoring'],
      ['stor01', 'DatastoreAlmostFull', 'warning', 'データストア DS-TAX-01 の使用率が 90% を超えました', 'platform-monitoring'],
      ['db01', 'PostgresReplicationLag', 'major', 'Replication lag is 120 s on db01', 'platform-monitoring'],
    ]);
    expect(parsed[1].labels.datastore).toBe('DS-TAX-01');
  });

  test('R-MON-2: a resolved notification says so and carries when it ended', () => {
    const resolved = { ...hostDown, status: 'resolved', endsAt: '2026-06-01T09:40:05.5+09:00' };
    const [alert] = parseAlertPayload(alertmanagerBody([resolved], { status: 'resolved' }));
    expect(alert).toMatchObject({ status: 'resolved', hostname: 'esx01.infra.example.lg.jp', detectedAt: '2026-06-01T00:12:30.123Z', resolvedAt: '2026-06-01T00:40:05.500Z' });
    const [firing] = parseAlertPayload(alertmanagerBody([hostDown]));
    expect(firing.resolvedAt).toBeUndefined(); // Go's zero time in endsAt means "still firing"
  });

  test('the host comes from labels hostname, host, nodename, then instance, without a port', () => {
    const host = (labels: Record<string, string>) =>
      parseAlertPayload(alertmanagerBody([{ ...hostDown, labels: { alertname: 'X', ...labels } }]))[0].hostname;
    expect(host({ hostname: 'vm-zeimu01', host: 'h', nodename: 'n', instance: 'i:1' })).toBe('vm-zeimu01');
    expect(host({ host: 'bk01', nodename: 'n', instance: 'i:1' })).toBe('bk01');
    expect(host({ nodename: 'db01', instance: 'i:1' })).toBe('db01');
    expect(host({ instance: '10.10.1.11:9100' })).toBe('10.10.1.11');
    expect(host({ instance: '[2001:db8::11]:9100' })).toBe('2001:db8::11');
    expect(host({ instance: 'https://portal.example.lg.jp:443/healthz' })).toBe('portal.example.lg.jp'); // blackbox exporter
    expect(host({ hostname: '' , instance: 'esx02:9100' })).toBe('esx02'); // an empty label does not count
  });

  test('severity labels map onto five levels; unknown or missing ones are warnings', () => {
    const cases: Array<[string | undefined, string]> = [
      ['critical', 'critical'], ['page', 'critical'], ['CRITICAL', 'critical'],
      ['error', 'major'], ['major', 'major'], ['high', 'major'],
      ['warning', 'warning'], ['warn', 'warning'],
      ['minor', 'minor'], ['low', 'minor'],
      ['info', 'info'], ['none', 'info'],
      ['disaster', 'warning'], [undefined, 'warning'],
    ];
    for (const [label, expected] of cases) {
      const labels: Record<string, string> = { alertname: 'X', instance: 'esx01:9100' };
      if (label !== undefined) labels.severity = label;
      expect([label, parseAlertPayload(alertmanagerBody([{ ...hostDown, labels }]))[0].severity]).toEqual([label, expected]);
    }
    expect(mapSeverity(' Warning ')).toBe('warning');
    expect(mapSeverity(3)).toBe('warning');
  });

  test('the summary falls back to the description, then to the alert name; the receiver to "alertmanager"', () => {
    const noSummary = { ...hostDown, annotations: { description: '説明のみ' } };
    const nothing = { ...hostDown, annotations: undefined };
    const parsed = parseAlertPayload(alertmanagerBody([noSummary, nothing], { receiver: undefined }));
    expect(parsed.map((a) => a.summary)).toEqual(['説明のみ', 'HostDown']);
    expect(parsed[0].source).toBe('alertmanager');
  });

  test('an alert without its own status takes the group status', () => {
    const { status: _ignored, ...noStatus } = hostDown;
    expect(parseAlertPayload(alertmanagerBody([noStatus], { status: 'resolved' }))[0].status).toBe('resolved');
  });

  test('unusable alerts are refused naming the field', () => {
    const withLabels = (labels: Record<string, unknown>) => ({ ...hostDown, labels });
    expect(fieldOf(alertmanagerBody([hostDown, withLabels({ instance: 'esx01:9100' })]))).toBe('alerts[1].labels.alertname');
    expect(fieldOf(alertmanagerBody([withLabels({ alertname: 'X', job: 'node' })]))).toBe('alerts[0].labels.hostname');
    expect(fieldOf(alertmanagerBody([withLabels({ alertname: 'X', instance: { nested: true } })]))).toBe('alerts[0].labels.instance');
    expect(fieldOf(alertmanagerBody([{ ...hostDown, labels: 'alertname=X' }]))).toBe('alerts[0].labels');
    expect(fieldOf(alertmanagerBody([{ ...hostDown, startsAt: 'yesterday' }]))).toBe('alerts[0].startsAt');
    expect(fieldOf(alertmanagerBody([{ ...hostDown, startsAt: '2026-06-01T09:00:00' }]))).toBe('alerts[0].startsAt'); // no offset
    expect(fieldOf(alertmanagerBody([{ ...hostDown, startsAt: '2026-02-30T09:00:00Z' }]))).toBe('alerts[0].startsAt');
    expect(fieldOf(alertmanagerBody([{ ...hostDown, startsAt: undefined }]))).toBe('alerts[0].startsAt');
    expect(fieldOf(alertmanagerBody([{ ...hostDown, status: 'pending' }]))).toBe('alerts[0].status');
    expect(fieldOf(alertmanagerBody([hostDown, 'HostDown']))).toBe('alerts[1]');
    expect(fieldOf(alertmanagerBody([]))).toBe('alerts');
    expect(fieldOf(alertmanagerBody({} as unknown[]))).toBe('alerts');
    expect(fieldOf(alertmanagerBody([hostDown], { version: '3' }))).toBe('version');
    expect(fieldOf(alertmanagerBody([{ ...hostDown, fingerprint: 42 }]))).toBe('alerts[0].fingerprint');
  });

  test('at most 100 alerts per call', () => {
    const many = Array.from({ length: 100 }, (_, i) => ({ ...hostDown, labels: { ...hostDown.labels, instance: `vm${i}:9100` } }));
    expect(parseAlertPayload(alertmanagerBody(many))).toHaveLength(100);
    expect(fieldOf(alertmanagerBody([...many, hostDown]))).toBe('alerts');
  });
});

describe('parseAlertPayload: plain JSON alerts', () => {
  const plain = {
    source: 'zabbix-bridge',
    hostname: 'vm-shimin01',
    alertName: 'ServiceDown',
    severity: 'major',
    summary: '住民記録システム AP サービス停止',
    detectedAt: '2026-06-02T08:45:00+09:00',
  };

  test('R-FLOW-1: a plain alert is parsed; status defaults to firing', () => {
    expect(parseAlertPayload(plain)).toEqual<ParsedAlert[]>([
      {
        status: 'firing',
        source: 'zabbix-bridge',
        hostname: 'vm-shimin01',
        alertName: 'ServiceDown',
        severity: 'major',
        summary: '住民記録システム AP サービス停止',
        detectedAt: '2026-06-01T23:45:00.000Z',
        labels: {},
      },
    ]);
    expect(parseAlertPayload({ ...plain, status: 'resolved' })[0].status).toBe('resolved');
  });

  test('optional fingerprint and labels are kept; a missing summary becomes the alert name', () => {
    const { summary: _summary, ...noSummary } = plain;
    const [alert] = parseAlertPayload({ ...noSummary, fingerprint: 'zbx-10234', labels: { trigger: '10234', priority: 4 } });
    expect(alert).toMatchObject({ summary: 'ServiceDown', fingerprint: 'zbx-10234', labels: { trigger: '10234', priority: '4' } });
  });

  test('a JSON array of plain alerts is several alerts; errors name the element', () => {
    expect(parseAlertPayload([plain, { ...plain, hostname: 'esx02' }]).map((a) => a.hostname)).toEqual(['vm-shimin01', 'esx02']);
    expect(fieldOf([plain, { ...plain, alertName: '' }])).toBe('[1].alertName');
    expect(fieldOf(Array.from({ length: 101 }, () => plain))).toBe('body');
  });

  test('unusable plain alerts are refused naming the field', () => {
    const without = (key: keyof typeof plain) => {
      const copy: Record<string, unknown> = { ...plain };
      delete copy[key];
      return copy;
    };
    expect(fieldOf(without('hostname'))).toBe('hostname');
    expect(fieldOf(without('alertName'))).toBe('alertName');
    expect(fieldOf(without('source'))).toBe('source');
    expect(fieldOf(without('severity'))).toBe('severity');
    expect(fieldOf(without('detectedAt'))).toBe('detectedAt');
    expect(fieldOf({ ...plain, severity: 'urgent' })).toBe('severity');
    expect(fieldOf({ ...plain, status: 'ok' })).toBe('status');
    expect(fieldOf({ ...plain, hostname: 42 })).toBe('hostname');
    expect(fieldOf({ ...plain, hostname: 'esx 01' })).toBe('hostname');
    expect(fieldOf({ ...plain, summary: ['a'] })).toBe('summary');
    expect(fieldOf({ ...plain, labels: 'x' })).toBe('labels');
    expect(fieldOf('HostDown on esx01')).toBe('body');
    expect(fieldOf(null)).toBe('body');
  });
});

describe('parseAlertPayload: untrusted text is cleaned and bounded', () => {
  const base = { source: 'test', hostname: 'esx01', alertName: 'X', severity: 'info', detectedAt: '2026-06-01T00:00:00Z' };

  test('control characters are stripped and strings trimmed; the summary keeps its line breaks', () => {
    const [alert] = parseAlertPayload({
      ...base,
      source: ' nagios\u0000 ',
      hostname: '  ESX01\u0007 ',
      alertName: 'Disk\u001b[31m Full\u202e',
      summary: '  line 1\r\nline 2\u0000\tend  ',
    });
    expect(alert).toMatchObject({ source: 'nagios', hostname: 'ESX01', alertName: 'Disk[31m Full', summary: 'line 1\nline 2\tend' });
  });

  test('alert names and summaries are cut to 200 and 2000 characters; a hostname over 253 is refused', () => {
    const [alert] = parseAlertPayload({ ...base, alertName: 'A'.repeat(500), summary: '障'.repeat(5000) });
    expect(Array.from(alert.alertName)).toHaveLength(200);
    expect(Array.from(alert.summary)).toHaveLength(2000);
    expect(alert.summary.endsWith('…')).toBe(true);
    const emoji = parseAlertPayload({ ...base, summary: '🔥'.repeat(3000) })[0].summary;
    expect(Array.from(emoji)).toHaveLength(2000); // cut on code points, never inside a surrogate pair
    expect(emoji).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])/);

    const label = 'a'.repeat(63);
    const longest = [label, label, label, 'a'.repeat(61)].join('.'); // 253
    expect(parseAlertPayload({ ...base, hostname: longest })[0].hostname).toBe(longest);
    expect(fieldOf({ ...base, hostname: `${longest}a` })).toBe('hostname');
  });

  test('stripPort keeps a bare IPv6 address whole', () => {
    expect(stripPort('esx01:9100')).toBe('esx01');
    expect(stripPort('2001:db8::1')).toBe('2001:db8::1');
    expect(stripPort('[2001:db8::1]:9100')).toBe('2001:db8::1');
    expect(stripPort('esx01')).toBe('esx01');
  });
});
