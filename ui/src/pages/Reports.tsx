import { useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { FigureTraceTable } from '../components/FigureTraceTable';
import { Empty, ErrorBox, Loading, Notice, PageTitle } from '../components/ui';
import { api, ApiError, fetchFile, get } from '../lib/api';
import { downloadBlob } from '../lib/csv';
import { useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import type {
  CreateMonthlyReport, FigureTrace, ReportCommentsRequest, ReportDecisionRequest, ReportDetail, ReportSettings, ReportSettingsRequest, ReportStarted, ReportSummary,
} from '../lib/types';
import { useLoad } from '../lib/useLoad';

const STATUS_JA: Record<string, string> = { gathering: '集計中', commenting: '所見の記入待ち', approval: '総務課の承認待ち', approved: '承認済み', failed: '失敗' };
const CHART_SECTION: Record<string, string> = { availability: 'platform', incidents_weekly: 'platform', capacity: 'capacity', sla_monthly: 'work' };

/** 月次報告書 (R-RPT-1..5): the months, their status, the sections and charts, downloads, comments and approval. */
export function ReportsPage() {
  const { tr } = useI18n();
  const { hasRole } = useSession();
  const [params, setParams] = useSearchParams();
  const selected = params.get('id');
  const list = useLoad(() => get<ReportSummary[]>('/api/reports/monthly'), []);
  const settings = useLoad(() => get<ReportSettings>('/api/reports/settings'), []);
  const [month, setMonth] = useState('');
  const [error, setError] = useState<ApiError | null>(null);

  const generate = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    try {
      const body: CreateMonthlyReport = { month };
      const started = await api<ReportStarted>('POST', '/api/reports/monthly', body);
      list.reload();
      setParams({ id: started.reportId });
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    }
  };
  const toggle = async () => {
    const change: ReportSettingsRequest = { departmentsSeeOthers: !settings.data?.departmentsSeeOthers };
    await api('PUT', '/api/reports/settings', change);
    settings.reload();
  };

  return (
    <>
      <PageTitle>{tr('月次報告書', 'Monthly reports')}</PageTitle>
      <ErrorBox error={list.error ?? error} />
      {hasRole('general_affairs', 'operator') && (
        <form className="panel" onSubmit={generate}>
          <label>
            {tr('対象月', 'Month')} <input type="month" value={month} onChange={(e) => setMonth(e.target.value)} required />
          </label>{' '}
          <button type="submit">{tr('報告書を作成', 'Generate')}</button>
        </form>
      )}
      {hasRole('general_affairs') && settings.data && (
        <p>
          <label>
            <input type="checkbox" checked={settings.data.departmentsSeeOthers} onChange={() => void toggle()} />{' '}
            {tr('所管課に他課の内訳も見せる', 'Departments see other departments\u2019 detail')}
          </label>
        </p>
      )}
      {list.loading && <Loading />}
      {list.data && list.data.length === 0 && <Empty>{tr('報告書はまだありません。', 'No reports yet.')}</Empty>}
      {list.data && list.data.length > 0 && (
        <table className="table">
          <thead><tr><th>{tr('対象月', 'Month')}</th><th>{tr('版', 'Rev.')}</th><th>{tr('状態', 'Status')}</th><th>{tr('作成', 'Trigger')}</th></tr></thead>
          <tbody>
            {list.data.map((r) => (
              <tr key={r.id} className={r.id === selected ? 'selected' : undefined}>
                <td><a href={`?id=${r.id}`} onClick={(e) => { e.preventDefault(); setParams({ id: r.id }); }}>{r.month}</a></td>
                <td>{r.revision}</td>
                <td>{STATUS_JA[r.status] ?? r.status}</td>
                <td>{r.trigger === 'schedule' ? tr('定期', 'Scheduled') : tr('随時', 'On demand')}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && <ReportView id={selected} onChange={list.reload} />}
    </>
  );
}

function ReportView({ id, onChange }: { id: string; onChange: () => void }) {
  const { tr } = useI18n();
  const { hasRole } = useSession();
  const report = useLoad(() => get<ReportDetail>(`/api/reports/monthly/${id}`), [id]);
  const [comments, setComments] = useState<Record<string, string>>({});
  const [reason, setReason] = useState('');
  const [error, setError] = useState<ApiError | null>(null);
  const [trace, setTrace] = useState<FigureTrace | null>(null);
  const [done, setDone] = useState<string | null>(null);
  if (report.loading && !report.data) return <Loading />;
  if (!report.data) return <ErrorBox error={report.error} />;
  const r = report.data;
  const act = async (call: () => Promise<unknown>, message: string) => {
    setError(null);
    try {
      await call();
      setDone(message);
      report.reload();
      onChange();
    } catch (err) {
      setError(err instanceof ApiError ? err : new ApiError(0, String(err)));
    }
  };
  const download = async (kind: 'xlsx' | 'pdf') => {
    const { blob, filename } = await fetchFile(`/api/reports/monthly/${id}/files/${kind}`);
    downloadBlob(filename ?? `monthly-report-${r.month}.${kind}`, blob);
  };
  const showTrace = async (figureId: string) => setTrace(await get<FigureTrace>(`/api/reports/monthly/${id}/figures/${encodeURIComponent(figureId)}`));

  return (
    <section className="panel" aria-label={tr('報告書', 'Report')}>
      <h2>{`${r.month} ${tr('月次報告書', 'monthly report')}（${tr('第', 'rev. ')}${r.revision}${tr('版', '')}・${STATUS_JA[r.status] ?? r.status}）`}</h2>
      <ErrorBox error={error} />
      {done && <Notice>{done}</Notice>}
      <p>
        <button type="button" onClick={() => void download('xlsx')} disabled={r.files.length === 0}>Excel</button>{' '}
        <button type="button" onClick={() => void download('pdf')} disabled={r.files.length === 0}>PDF</button>
      </p>
      {r.sendBacks.map((s, i) => <Notice key={i} kind="warning">{`${tr('差戻し', 'Sent back')}: ${s.reason}（${s.by}）`}</Notice>)}
      {(r.figures?.sections ?? []).map((s) => (
        <section key={s.id} aria-labelledby={`sec-${s.id}`}>
          <h3 id={`sec-${s.id}`}>{`${s.titleJa}（${s.requirement}）`}</h3>
          <table className="table">
            <thead><tr><th>{tr('項目', 'Item')}</th><th>{tr('値', 'Value')}</th><th>{tr('出典', 'Source')}</th></tr></thead>
            <tbody>
              {s.figures.map((f) => (
                <tr key={f.id}>
                  <td>{f.labelJa}</td>
                  <td>{f.value === null ? '—' : `${f.value} ${f.unit}`}</td>
                  <td><button type="button" className="link" onClick={() => void showTrace(f.id)}>{`${f.source.table}（${f.source.keys.length}${tr('行', ' rows')}）`}</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          {s.tables.map((t) => (
            <div key={t.id} className="table-wrap">
              <h4>{t.titleJa}</h4>
              <table className="table">
                <thead><tr>{t.columns.map((c) => <th key={c.key}>{c.labelJa}</th>)}</tr></thead>
                <tbody>{t.rows.map((row, i) => <tr key={i}>{t.columns.map((c) => <td key={c.key}>{row[c.key] ?? '—'}</td>)}</tr>)}</tbody>
              </table>
            </div>
          ))}
          {(r.figures?.charts ?? []).filter((c) => CHART_SECTION[c.id] === s.id).map((c) => (
            <figure key={c.id} className="report-chart" dangerouslySetInnerHTML={{ __html: r.chartSvgs[c.id] ?? '' }} />
          ))}
          {s.missing.length > 0 && <ul className="muted">{s.missing.map((m) => <li key={m}>{m}</li>)}</ul>}
          {r.comments[s.id] && <p><strong>{tr('所見', 'Comments')}:</strong> {r.comments[s.id]}</p>}
          {r.openTask?.type === 'report_comments' && hasRole('operator') && (
            <label>
              {tr('所見', 'Comments')}
              <textarea value={comments[s.id] ?? r.comments[s.id] ?? ''} onChange={(e) => setComments({ ...comments, [s.id]: e.target.value })} rows={3} />
            </label>
          )}
        </section>
      ))}
      {trace && (
        <div className="panel" role="dialog" aria-label={tr('出典の行', 'Source rows')}>
          <h4>{`${trace.figure.labelJa}: ${trace.figure.source.method}`}</h4>
          <FigureTraceTable trace={trace} />
          <button type="button" onClick={() => setTrace(null)}>{tr('閉じる', 'Close')}</button>
        </div>
      )}
      {r.openTask?.type === 'report_comments' && hasRole('operator') && (
        <button type="button" onClick={() => void act(() => api('POST', `/api/reports/monthly/${id}/comments`, { comments: { ...r.comments, ...comments } } satisfies ReportCommentsRequest), tr('所見を提出しました', 'Comments submitted'))}>
          {tr('所見を提出', 'Submit comments')}
        </button>
      )}
      {r.openTask?.type === 'approve_report' && hasRole('general_affairs') && (
        <div>
          <button type="button" onClick={() => void act(() => api('POST', `/api/reports/monthly/${id}/decision`, { outcome: 'approve' } satisfies ReportDecisionRequest), tr('承認しました', 'Approved'))}>{tr('承認する', 'Approve')}</button>{' '}
          <label>{tr('差戻し理由', 'Reason')} <input value={reason} onChange={(e) => setReason(e.target.value)} /></label>{' '}
          <button type="button" onClick={() => void act(() => api('POST', `/api/reports/monthly/${id}/decision`, { outcome: 'send_back', reason } satisfies ReportDecisionRequest), tr('差し戻しました', 'Sent back'))}>{tr('差し戻す', 'Send back')}</button>
        </div>
      )}
    </section>
  );
}
