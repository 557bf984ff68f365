import { useId } from 'react';
import { get } from '../lib/api';
import type { CaseTrends } from '../lib/types';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/useLoad';
import { ErrorBox, Loading } from './ui';

/** GET /api/cases/trends (generated from the API's OpenAPI document). */
export type Trends = CaseTrends;

interface Bar {
  label: string;
  /** Stacked parts, bottom first. */
  parts: Array<{ value: number; className: string }>;
  /** What the bar says in words (the accessible name and the table). */
  text: string;
}

/**
 * A plain SVG bar chart: a role="img" with a title that says what it shows, and the same figures
 * as a table below (screen readers and anyone who wants the numbers), no chart library.
 */
function BarChart({ title, bars, max, unit }: { title: string; bars: Bar[]; max: number; unit: string }) {
  const id = useId();
  const width = 420;
  const height = 160;
  const left = 30;
  const bottom = 22;
  const slot = (width - left) / Math.max(1, bars.length);
  const barWidth = Math.max(4, slot * 0.6);
  const scale = (v: number) => (max > 0 ? (v / max) * (height - bottom - 8) : 0);
  return (
    <figure className="trend-chart">
      <figcaption id={`${id}-t`}>{title}</figcaption>
      <svg role="img" aria-labelledby={`${id}-t`} viewBox={`0 0 ${width} ${height}`} width="100%" preserveAspectRatio="xMinYMin meet">
        <line x1={left} y1={height - bottom} x2={width} y2={height - bottom} className="axis" />
        <text x={left - 4} y={height - bottom} className="tick" textAnchor="end">0</text>
        <text x={left - 4} y={14} className="tick" textAnchor="end">{max}{unit}</text>
        {bars.map((bar, i) => {
          let y = height - bottom;
          const x = left + i * slot + (slot - barWidth) / 2;
          return (
            <g key={bar.label}>
              <title>{bar.text}</title>
              {bar.parts.map((part, j) => {
                const h = scale(part.value);
                y -= h;
                return h > 0 ? <rect key={j} x={x} y={y} width={barWidth} height={h} className={part.className} /> : null;
              })}
              {(bars.length <= 8 || i % 2 === bars.length % 2) && (
                <text x={x + barWidth / 2} y={height - 6} className="tick" textAnchor="middle">{bar.label}</text>
              )}
            </g>
          );
        })}
      </svg>
    </figure>
  );
}

/** The dashboard's trends (issue 22): cases per week, SLA met % per month, open cases by age. */
export function TrendCharts() {
  const { lang, tr } = useI18n();
  const { data, error, loading } = useLoad(() => get<Trends>('/api/cases/trends', { weeks: 12, months: 6 }), []);
  if (error) return <ErrorBox error={error} />;
  if (loading && !data) return <Loading />;
  if (!data) return null;
  const md = (ymd: string) => `${Number(ymd.slice(5, 7))}/${Number(ymd.slice(8, 10))}`;
  const weekMax = Math.max(1, ...data.weeks.map((w) => w.incidents + w.workRequests));
  const ageMax = Math.max(1, ...data.openByAge.map((a) => a.count));
  const weekBars: Bar[] = data.weeks.map((w) => ({
    label: md(w.weekStart),
    parts: [{ value: w.incidents, className: 'bar-incident' }, { value: w.workRequests, className: 'bar-request' }],
    text: tr(`${w.weekStart.replaceAll('-', '/')} の週: 障害 ${w.incidents} 件、作業依頼 ${w.workRequests} 件`, `Week of ${w.weekStart}: ${w.incidents} incidents, ${w.workRequests} requests`),
  }));
  const slaBars: Bar[] = data.slaByMonth.map((m) => ({
    label: `${Number(m.month.slice(5, 7))}${tr('月', '')}`,
    parts: [{ value: m.metPercent ?? 0, className: 'bar-met' }],
    text: m.metPercent === null
      ? tr(`${m.month.replace('-', '/')}: 計測終了したSLAなし`, `${m.month}: no SLA ended`)
      : tr(`${m.month.replace('-', '/')}: 達成 ${m.met}/${m.measured} 件（${m.metPercent}%）`, `${m.month}: met ${m.met} of ${m.measured} (${m.metPercent}%)`),
  }));
  const ageBars: Bar[] = data.openByAge.map((a) => ({
    label: lang === 'ja' ? a.ja : a.en,
    parts: [{ value: a.count, className: 'bar-open' }],
    text: tr(`経過 ${a.ja}: ${a.count} 件`, `Open ${a.en}: ${a.count}`),
  }));
  return (
    <section className="panel" aria-labelledby="trends-heading">
      <h2 id="trends-heading">{tr('推移', 'Trends')}</h2>
      <div className="trend-grid">
        <BarChart title={tr('週ごとの受付件数（直近12週、月曜始まり）', 'Cases per week (last 12 weeks, from Monday)')} bars={weekBars} max={weekMax} unit={tr('件', '')} />
        <BarChart title={tr('月ごとのSLA達成率（計測終了した月で集計）', 'SLA met % per month (by the month the SLA ended)')} bars={slaBars} max={100} unit="%" />
        <BarChart title={tr('未完了の案件の経過日数（発生から）', 'Open cases by age (since they occurred)')} bars={ageBars} max={ageMax} unit={tr('件', '')} />
      </div>
      <p className="legend muted">
        <span className="swatch bar-incident" aria-hidden="true" /> {tr('障害', 'Incidents')} <span className="swatch bar-request" aria-hidden="true" /> {tr('作業依頼', 'Requests')}
      </p>
      <details>
        <summary>{tr('数値を表で見る', 'Show the figures as tables')}</summary>
        <table className="table compact" aria-label={tr('推移の数値', 'Trend figures')}>
          <tbody>
            {[...weekBars, ...slaBars, ...ageBars].map((b, i) => (
              <tr key={i}>
                <td>{b.text}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </section>
  );
}
