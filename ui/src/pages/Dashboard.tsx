import { Link } from 'react-router-dom';
import { Countdown, SlaBadge, slaState } from '../components/Sla';
import { TrendCharts } from '../components/TrendCharts';
import { Empty, ErrorBox, KindBadge, Loading, PageTitle, StatusBadge } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { get } from '../lib/api';
import { detailsOf, listByStatuses, OPEN_STATUSES } from '../lib/cases';
import { fmtDateTime, fmtTime, jstDateKey, jstDayStart } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { CASE_STATUSES, ROLE_LABELS, STATUS_LABELS } from '../lib/labels';
import type { CaseCounts, CaseDetail, CasePage, CaseSummary } from '../lib/types';
import { useLoad, useNow } from '../lib/useLoad';

interface DashboardData {
  counts: Record<string, Record<string, number>>;
  open: CaseDetail[];
  openTotal: number;
  breaches: CaseSummary[];
  today: CaseDetail[];
}

const KINDS = ['incident', 'work_request'] as const;

/**
 * ダッシュボード: how many cases are where, which SLAs run out first (the state as the workflow's
 * business-time clock reports it: 50 %, 75 %, breached), recent breaches, and today's planned work.
 */
export function DashboardPage() {
  const { lang, tr, pick } = useI18n();
  const now = useNow(30_000);
  const { data, error, loading, reload } = useLoad(async (): Promise<DashboardData> => {
    const [totals, open, breaches] = await Promise.all([
      get<CaseCounts>('/api/cases/counts'),
      listByStatuses(OPEN_STATUSES),
      get<CasePage>('/api/cases', { breached: 'true', limit: 10 }),
    ]);
    const counts: DashboardData['counts'] = { incident: {}, work_request: {} };
    for (const kind of KINDS) for (const status of CASE_STATUSES) counts[kind][status] = totals[kind]?.[status] ?? 0;
    const byDue = [...open].sort((a, b) => (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity));
    const details = await detailsOf(byDue, 60);
    const todayKey = jstDateKey(Date.now());
    const dayStart = Date.parse(jstDayStart(todayKey));
    const dayEnd = Date.parse(jstDayStart(todayKey, 1));
    const today = details
      .filter((d) => d.record.workPlan && Date.parse(d.record.workPlan.plannedStart) < dayEnd && Date.parse(d.record.workPlan.plannedEnd) >= dayStart)
      .sort((a, b) => Date.parse(a.record.workPlan!.plannedStart) - Date.parse(b.record.workPlan!.plannedStart));
    return { counts, open: details, openTotal: open.length, breaches: breaches.items, today };
  }, []);

  const running = (data?.open ?? []).filter((d) => d.sla && !d.sla.stoppedAt);
  const runningSorted = [...running].sort((a, b) => Date.parse(a.sla!.dueAt) - Date.parse(b.sla!.dueAt));
  const breachedNow = running.filter((d) => d.sla!.breached).length;
  const warned = running.filter((d) => !d.sla!.breached && d.sla!.warningsSent.length > 0).length;
  const openOf = (kind: string) => OPEN_STATUSES.reduce((sum, s) => sum + (data?.counts[kind]?.[s] ?? 0), 0);

  return (
    <>
      <PageTitle
        actions={
          <button type="button" className="btn btn-secondary btn-small" onClick={reload} disabled={loading}>
            {tr('最新の状態に更新', 'Refresh')}
          </button>
        }
      >
        {tr('ダッシュボード', 'Dashboard')}
      </PageTitle>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <div className="cards">
            <Link className="card" to="/cases?kind=incident&status=open">
              <span className="card-label">{tr('未完了の障害', 'Unfinished incidents')}</span>
              <span className="card-value">{openOf('incident')}</span>
              <span className="card-sub muted">{tr('受付・対応中・保留中・確認中の合計', 'received, in progress, on hold, verifying')}</span>
            </Link>
            <Link className="card" to="/cases?kind=work_request&status=open">
              <span className="card-label">{tr('未完了の作業依頼', 'Unfinished requests')}</span>
              <span className="card-value">{openOf('work_request')}</span>
              <span className="card-sub muted">{tr('受付・対応中・保留中・確認中の合計', 'received, in progress, on hold, verifying')}</span>
            </Link>
            <div className={`card ${breachedNow ? 'card-alert' : ''}`}>
              <span className="card-label">{tr('SLA期限超過（計測中）', 'SLA breached (running)')}</span>
              <span className="card-value">
                {breachedNow > 0 && <span aria-hidden="true">■ </span>}
                {breachedNow}
              </span>
            </div>
            <div className={`card ${warned ? 'card-warn' : ''}`}>
              <span className="card-label">{tr('SLA 50%/75% 経過', 'SLA 50% / 75% used')}</span>
              <span className="card-value">
                {warned > 0 && <span aria-hidden="true">▲ </span>}
                {warned}
              </span>
            </div>
            <Link className="card" to="/calendar">
              <span className="card-label">{tr('本日の作業予定', 'Work planned today')}</span>
              <span className="card-value">{data.today.length}</span>
            </Link>
          </div>

          <TrendCharts />

          <div className="grid-2">
            <section className="panel" aria-labelledby="by-status">
              <h2 id="by-status">{tr('対応状況別の件数', 'Cases by status')}</h2>
              <table className="table counts">
                <thead>
                  <tr>
                    <th scope="col">{tr('種別', 'Kind')}</th>
                    {CASE_STATUSES.map((s) => (
                      <th scope="col" key={s} className="num">
                        {pick(STATUS_LABELS[s])}
                      </th>
                    ))}
                  </tr>
                </thead>
                <tbody>
                  {KINDS.map((kind) => (
                    <tr key={kind}>
                      <th scope="row">{kind === 'incident' ? tr('障害対応', 'Incidents') : tr('作業依頼', 'Work requests')}</th>
                      {CASE_STATUSES.map((s) => (
                        <td key={s} className="num">
                          {data.counts[kind][s] === 0 ? (
                            <span className="muted">0</span>
                          ) : (
                          <Link to={`/cases?kind=${kind}&status=${s}`} aria-label={`${kind === 'incident' ? tr('障害対応', 'Incidents') : tr('作業依頼', 'Work requests')} ${pick(STATUS_LABELS[s])}: ${data.counts[kind][s]}`}>
                            {data.counts[kind][s]}
                          </Link>
                          )}
                        </td>
                      ))}
                    </tr>
                  ))}
                </tbody>
              </table>
            </section>

            <section className="panel" aria-labelledby="today-heading">
              <h2 id="today-heading">{tr('本日の作業予定', 'Work planned today')}</h2>
              {data.today.length === 0 ? (
                <Empty>{tr('本日予定されている作業はありません。', 'No work is planned today.')}</Empty>
              ) : (
                <ul className="plain-list">
                  {data.today.map((d) => (
                    <li key={d.id}>
                      <strong>
                        {fmtTime(d.record.workPlan!.plannedStart)}〜{fmtTime(d.record.workPlan!.plannedEnd)}
                      </strong>{' '}
                      <Link to={`/cases/${d.number}`}>{d.number}</Link> {d.subject}{' '}
                      {d.record.workPlan!.stopsService && <span className="badge stop">{tr('⚠ サービス停止あり', '⚠ Stops a service')}</span>} <StatusBadge status={d.status} />
                    </li>
                  ))}
                </ul>
              )}
            </section>
          </div>

          <section className="panel" aria-labelledby="sla-heading">
            <h2 id="sla-heading">{tr('SLA期限の近い案件', 'SLA due soonest')}</h2>
            {runningSorted.length === 0 ? (
              <Empty>{tr('SLAを計測中の案件はありません。', 'No SLA clock is running.')}</Empty>
            ) : (
              <DataTable
                columns={[
                  tr('SLAの状態', 'SLA state'),
                  tr('期限', 'Due'),
                  tr('案件番号', 'Case'),
                  tr('件名', 'Subject'),
                  tr('対応状況', 'Status'),
                  tr('次の作業', 'Next step'),
                ]}
                wrap={false}
              >
                {runningSorted.map((d) => {
                  const state = slaState(d.sla);
                  const next = d.openTasks[0];
                  return (
                    <tr key={d.id} className={`row-${state}`}>
                      <td>
                        <SlaBadge state={state} />
                        <div>
                          <Countdown dueAt={d.sla!.dueAt} now={now} state={state} />
                        </div>
                      </td>
                      <td>{fmtDateTime(d.sla!.dueAt, lang)}</td>
                      <td>
                        <Link to={`/cases/${d.number}`}>{d.number}</Link> <KindBadge kind={d.kind} />
                      </td>
                      <td>{d.subject}</td>
                      <td>
                        <StatusBadge status={d.status} />
                      </td>
                      <td>{next ? `${pick(next.label)}（${pick(ROLE_LABELS[next.assigneeRole])}）` : '—'}</td>
                    </tr>
                  );
                })}
              </DataTable>
            )}
            {data.openTotal > data.open.length && <p className="muted small">{tr(`期限の近い ${data.open.length} 件を表示しています（全 ${data.openTotal} 件）。`, `Showing the ${data.open.length} due soonest of ${data.openTotal}.`)}</p>}
          </section>

          <section className="panel" aria-labelledby="breach-heading">
            <h2 id="breach-heading">{tr('最近のSLA超過', 'Recent SLA breaches')}</h2>
            {data.breaches.length === 0 ? (
              <Empty>{tr('SLAを超過した案件はありません。', 'No case has breached its SLA.')}</Empty>
            ) : (
              <DataTable
                columns={[
                  tr('案件番号', 'Case'),
                  tr('件名', 'Subject'),
                  tr('期限', 'Due'),
                  tr('対応状況', 'Status'),
                ]}
                wrap={false}
              >
                {data.breaches.map((c) => (
                  <tr key={c.id}>
                    <td>
                      <Link to={`/cases/${c.number}`}>{c.number}</Link> <KindBadge kind={c.kind} />
                    </td>
                    <td>{c.subject}</td>
                    <td>
                      {fmtDateTime(c.dueAt, lang)} <SlaBadge state={c.status === 'done' ? 'missed' : 'breached'} />
                    </td>
                    <td>
                      <StatusBadge status={c.status} />
                    </td>
                  </tr>
                ))}
              </DataTable>
            )}
          </section>
        </>
      )}
    </>
  );
}
