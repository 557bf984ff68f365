import { useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { Empty, ErrorBox, Loading, PageTitle, SeverityBadge } from '../components/ui';
import { api, ApiError, get } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import type { DeviceState, MonitoringDevices, MonitoringSeries, PatchThreshold, SeriesPoint, Threshold } from '../lib/types';
import { useLoad } from '../lib/useLoad';

/** Hypervisor events (R-MON-1) are one-shot: their thresholds have no "for" time. */
const EVENT_KINDS: readonly string[] = ['hypervisor_host_down', 'vm_powered_off', 'hypervisor_ha_event', 'hypervisor_alarm', 'datastore_percent'];
const SEVERITIES: ReadonlyArray<Threshold['severity']> = ['critical', 'major', 'minor', 'warning', 'info'];

const STATE_TEXT = { up: ['応答あり', 'Up'], down: ['応答なし', 'Down'], unknown: ['不明', 'Unknown'] } as const;
const CHARTS: Array<{ metric: string; ja: string; en: string }> = [
  { metric: 'ping', ja: '死活（1 = 応答あり）', en: 'Liveness (1 = up)' },
  { metric: 'rtt', ja: '応答時間 (ms)', en: 'Round trip (ms)' },
  { metric: 'cpu', ja: 'CPU 使用率 (%)', en: 'CPU (%)' },
  { metric: 'memory', ja: 'メモリ使用率 (%)', en: 'Memory (%)' },
  { metric: 'disk', ja: 'ディスク使用率 (%)', en: 'Disk (%)' },
  { metric: 'traffic_in', ja: '受信通信量 (bps)', en: 'Traffic in (bps)' },
];

/** A small line chart drawn from the API's points (no library: the CSP allows no eval). */
function Sparkline({ points, label }: { points: SeriesPoint[]; label: string }) {
  const width = 240;
  const height = 48;
  if (points.length === 0) return <span className="muted small">—</span>;
  const xs = points.map((p) => p[0]);
  const ys = points.map((p) => p[1]);
  const [x0, x1] = [Math.min(...xs), Math.max(...xs)];
  const [y0, y1] = [Math.min(0, ...ys), Math.max(...ys, 1e-9)];
  const path = points.map(([x, y]) => `${x1 === x0 ? 0 : ((x - x0) / (x1 - x0)) * width},${height - ((y - y0) / (y1 - y0)) * height}`).join(' ');
  const last = ys[ys.length - 1];
  return (
    <svg role="img" aria-label={`${label}: ${last.toFixed(2)}`} viewBox={`0 0 ${width} ${height}`} width={width} height={height}>
      {points.length > 2 ? (
        <polyline points={path} fill="none" stroke="currentColor" strokeWidth="1.5" />
      ) : (
        path.split(' ').map((xy) => <circle key={xy} cx={xy.split(',')[0]} cy={xy.split(',')[1]} r="2.5" fill="currentColor" />)
      )}
    </svg>
  );
}

function DeviceCharts({ device }: { device: DeviceState }) {
  const { tr } = useI18n();
  const [range, setRange] = useState<'24h' | '7d'>('24h');
  const charts = useLoad(
    () => Promise.all(CHARTS.map((c) => get<MonitoringSeries>(`/api/monitoring/devices/${device.id}/series`, { metric: c.metric, range }).catch(() => null))),
    [device.id, range],
  );
  return (
    <section className="panel" aria-labelledby="charts-heading">
      <h2 id="charts-heading">
        {device.hostname} — {tr('グラフ', 'Charts')}{' '}
        <button type="button" className={`btn btn-small ${range === '24h' ? 'btn-primary' : 'btn-secondary'}`} onClick={() => setRange('24h')}>
          {tr('24 時間', '24 h')}
        </button>{' '}
        <button type="button" className={`btn btn-small ${range === '7d' ? 'btn-primary' : 'btn-secondary'}`} onClick={() => setRange('7d')}>
          {tr('7 日間', '7 days')}
        </button>
      </h2>
      <p className="small">
        <Link to={`/cases?q=${encodeURIComponent(device.hostname)}&kind=incident`}>{tr('この機器の障害を見る', 'Incidents of this device')}</Link>
      </p>
      {charts.loading && !charts.data && <Loading />}
      <ErrorBox error={charts.error} />
      {charts.data && (
        <table className="table">
          <tbody>
            {CHARTS.map((c, i) => {
              const answer = charts.data![i];
              const points = answer?.series[0]?.points ?? [];
              return (
                <tr key={c.metric}>
                  <th scope="row">{tr(c.ja, c.en)}</th>
                  <td>{points.length ? <Sparkline points={points} label={tr(c.ja, c.en)} /> : <span className="muted small">{tr('データなし', 'No data')}</span>}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

function ThresholdRow({ threshold, onSaved }: { threshold: Threshold; onSaved: () => void }) {
  const { tr } = useI18n();
  const [value, setValue] = useState(String(threshold.value));
  const [forSeconds, setForSeconds] = useState(String(threshold.forSeconds));
  const [severity, setSeverity] = useState(threshold.severity);
  const [enabled, setEnabled] = useState(threshold.enabled);
  const [error, setError] = useState<string | null>(null);
  const event = EVENT_KINDS.includes(threshold.kind);
  const save = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const change: PatchThreshold = { value: Number(value), severity, enabled, ...(event ? {} : { forSeconds: Number(forSeconds) }) };
      await api('PATCH', `/api/monitoring/thresholds/${threshold.id}`, change);
      onSaved();
    } catch (caught) {
      setError(caught instanceof ApiError ? caught.message : String(caught));
    }
  };
  return (
    <tr>
      <td>{threshold.hostname ? tr(`機器 ${threshold.hostname}`, `Device ${threshold.hostname}`) : tr(`分類 ${threshold.assetKind}`, `Class ${threshold.assetKind}`)}</td>
      <td>{threshold.description}</td>
      <td>
        <form onSubmit={(e) => void save(e)} className="inline-form">
          <label>
            {tr('値', 'Value')} <input type="number" step="any" value={value} onChange={(e) => setValue(e.target.value)} aria-label={tr(`${threshold.description} の値`, 'Value')} size={6} />
          </label>{' '}
          {!event && (
            <>
              <label>
                {tr('継続秒', 'For (s)')} <input type="number" value={forSeconds} onChange={(e) => setForSeconds(e.target.value)} size={5} />
              </label>{' '}
            </>
          )}
          <label>
            {tr('重大度', 'Severity')}{' '}
            <select value={severity} onChange={(e) => setSeverity(e.target.value as Threshold['severity'])} aria-label={tr(`${threshold.description} の重大度`, 'Severity')}>
              {SEVERITIES.map((s) => <option key={s} value={s}>{s}</option>)}
            </select>
          </label>{' '}
          <label>
            <input type="checkbox" checked={enabled} onChange={(e) => setEnabled(e.target.checked)} aria-label={tr(`${threshold.description} を監視する`, 'On')} /> {tr('有効', 'On')}
          </label>{' '}
          <button type="submit" className="btn btn-small btn-secondary">{tr('保存', 'Save')}</button>
          {error && <div className="field-error" role="alert">{error}</div>}
        </form>
      </td>
      <td><SeverityBadge severity={threshold.severity} />{!threshold.enabled && <span className="muted small"> {tr('（無効）', '(off)')}</span>}</td>
      <td className="small">v{threshold.version} · {threshold.updatedBy}</td>
    </tr>
  );
}

/** 監視: every device's state from Prometheus, the thresholds it breaches now, its charts; admins edit thresholds. */
export function MonitoringPage() {
  const { lang, tr } = useI18n();
  const { user } = useSession();
  const [params, setParams] = useSearchParams();
  const devices = useLoad(() => get<MonitoringDevices>('/api/monitoring/devices'), []);
  const canSeeThresholds = !!user?.roles.some((r) => ['admin', 'operator', 'general_affairs', 'auditor'].includes(r));
  const isAdmin = !!user?.roles.includes('admin');
  const thresholds = useLoad(() => (canSeeThresholds ? get<Threshold[]>('/api/monitoring/thresholds') : Promise.resolve([] as Threshold[])), [canSeeThresholds]);
  const selected = devices.data?.devices.find((d) => d.hostname === params.get('host'));
  const health = devices.data?.monitoring;

  return (
    <>
      <PageTitle actions={<button type="button" className="btn btn-secondary btn-small" onClick={devices.reload}>{tr('再読み込み', 'Reload')}</button>}>{tr('監視', 'Monitoring')}</PageTitle>
      {health && health.state === 'off' && (
        <div className="alert alert-warning" role="status">
          <strong>{tr('監視は停止しています（Prometheus が動いていません）。', 'Monitoring is off (no Prometheus).')}</strong> {health.reason}
        </div>
      )}
      {health && health.state === 'down' && (
        <div className="alert alert-warning" role="status">
          {tr(`監視サーバーの一部が応答しません（Prometheus: ${health.prometheus ? '応答あり' : '応答なし'} / Alertmanager: ${health.alertmanager ? '応答あり' : '応答なし'}）。`, `Part of monitoring does not answer (Prometheus: ${String(health.prometheus)}, Alertmanager: ${String(health.alertmanager)}).`)}
        </div>
      )}
      <ErrorBox error={devices.error} onRetry={devices.reload} />
      {devices.loading && !devices.data && <Loading />}
      {devices.data && devices.data.devices.length === 0 && <Empty>{tr('表示できる機器はありません。', 'No devices to show.')}</Empty>}
      {devices.data && devices.data.devices.length > 0 && (
        <section className="panel" aria-labelledby="devices-heading">
          <h2 id="devices-heading">{tr('機器の状態', 'Devices')}</h2>
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{tr('ホスト名', 'Host')}</th>
                <th scope="col">{tr('状態', 'State')}</th>
                <th scope="col">{tr('いつから', 'Since')}</th>
                <th scope="col">{tr('応答時間', 'RTT')}</th>
                <th scope="col">{tr('超過中の閾値', 'Thresholds breached now')}</th>
                <th scope="col">{tr('業務システム', 'Business systems')}</th>
              </tr>
            </thead>
            <tbody>
              {devices.data.devices.map((d) => (
                <tr key={d.id}>
                  <td>
                    <Link to={`/monitoring?host=${encodeURIComponent(d.hostname)}`} onClick={() => setParams({ host: d.hostname })}>
                      <strong>{d.hostname}</strong>
                    </Link>
                    <div className="small muted">{d.kind}{d.address ? ` · ${d.address}` : ''}</div>
                  </td>
                  <td>
                    <span className={`badge ${d.state === 'up' ? 'ok' : d.state === 'down' ? 'severity-critical' : 'neutral'}`}>{tr(STATE_TEXT[d.state][0], STATE_TEXT[d.state][1])}</span>
                    {d.notWatched && (
                      <div className="small muted">
                        {d.notWatched === 'no_address' ? tr('アドレス未登録のため監視対象外', 'Not watched: no address') : tr('監視対象外のアドレス（MONITORING_PROBE_NETWORKS）', 'Not watched: address outside MONITORING_PROBE_NETWORKS')}
                      </div>
                    )}
                  </td>
                  <td className="small">{d.since ? `${fmtDateTime(d.since, lang)}${d.sinceKind === 'first_seen' ? tr(' 以前から', ' or earlier') : ''}` : '—'}</td>
                  <td>{d.rttMs !== null ? `${d.rttMs.toFixed(2)} ms` : '—'}</td>
                  <td>
                    {d.breaches.length === 0 ? <span className="muted small">{tr('なし', 'None')}</span> : d.breaches.map((b) => (
                      <div key={`${b.alertName}-${b.since}`}>
                        <SeverityBadge severity={b.severity} /> {b.threshold}
                        <span className="small muted"> {b.state === 'pending' ? tr('（判定中）', ' (pending)') : ''} {tr('発生', 'since')} {fmtDateTime(b.since, lang)}</span>
                      </div>
                    ))}
                  </td>
                  <td className="small">{d.businessSystems.join('、') || '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </section>
      )}
      {selected && <DeviceCharts device={selected} />}
      {canSeeThresholds && (
        <section className="panel" aria-labelledby="thresholds-heading">
          <h2 id="thresholds-heading">{tr('閾値（機器分類ごと・機器ごとの上書き）', 'Thresholds (per class, per-device overrides)')}</h2>
          <ErrorBox error={thresholds.error} />
          {thresholds.data && (
            <table className="table">
              <thead>
                <tr>
                  <th scope="col">{tr('対象', 'Applies to')}</th>
                  <th scope="col">{tr('内容', 'Threshold')}</th>
                  <th scope="col">{tr('値', 'Numbers')}</th>
                  <th scope="col">{tr('重大度', 'Severity')}</th>
                  <th scope="col">{tr('版', 'Version')}</th>
                </tr>
              </thead>
              <tbody>
                {thresholds.data.map((t) => isAdmin ? <ThresholdRow key={`${t.id}-${t.version}`} threshold={t} onSaved={thresholds.reload} /> : (
                  <tr key={t.id}>
                    <td>{t.hostname ?? t.assetKind}</td>
                    <td>{t.description}</td>
                    <td>{EVENT_KINDS.includes(t.kind) ? t.value : `${t.value} / ${t.forSeconds} s`}</td>
                    <td><SeverityBadge severity={t.severity} />{!t.enabled && <span className="muted small"> {tr('（無効）', '(off)')}</span>}</td>
                    <td className="small">v{t.version}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </section>
      )}
    </>
  );
}
