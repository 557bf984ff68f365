import { Link, useSearchParams } from 'react-router-dom';
import { Empty, ErrorBox, Loading, PageTitle, StatusBadge } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { get } from '../lib/api';
import { plannedWork } from '../lib/cases';
import { fmtDateTime, fmtTime, jstDateKey, jstDayStart } from '../lib/format';
import { useI18n } from '../lib/i18n';
import type { CaseDetail, Holidays, NonBusinessDay } from '../lib/types';
import { useLoad } from '../lib/useLoad';

const WEEK_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEK_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const pad = (n: number) => String(n).padStart(2, '0');

/**
 * 保守カレンダー: a month of planned work (the work plans of the requests), service-stopping work
 * marked, with the holidays and closing days of the business calendar.
 */
export function MaintenanceCalendarPage() {
  const { lang, tr } = useI18n();
  const [params, setParams] = useSearchParams();
  const today = jstDateKey(Date.now());
  const month = /^\d{4}-\d{2}$/.test(params.get('month') ?? '') ? params.get('month')! : today.slice(0, 7);
  const [year, mon] = month.split('-').map(Number);
  const first = `${month}-01`;
  const daysInMonth = new Date(Date.UTC(year, mon, 0)).getUTCDate();
  const startWeekday = new Date(Date.UTC(year, mon - 1, 1)).getUTCDay();

  const { data, error, loading } = useLoad(async () => {
    const [work, holidays] = await Promise.all([
      plannedWork(jstDayStart(first), jstDayStart(first, daysInMonth)),
      get<Holidays>('/api/calendar/holidays', { year }).catch(() => ({ year, days: [] as NonBusinessDay[] })),
    ]);
    return { work, holidays: new Map(holidays.days.map((d) => [d.date, d])) };
  }, [month]);

  const shift = (delta: number) => {
    const d = new Date(Date.UTC(year, mon - 1 + delta, 1));
    setParams({ month: `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}` });
  };

  const byDay = new Map<string, CaseDetail[]>();
  for (const c of data?.work ?? []) {
    const plan = c.record.workPlan!;
    // A plan spanning days shows on each of its days in this month.
    for (let day = 1; day <= daysInMonth; day++) {
      const key = `${month}-${pad(day)}`;
      if (Date.parse(plan.plannedStart) < Date.parse(jstDayStart(key, 1)) && Date.parse(plan.plannedEnd) >= Date.parse(jstDayStart(key))) {
        byDay.set(key, [...(byDay.get(key) ?? []), c]);
      }
    }
  }

  const cells: Array<string | null> = [...Array<null>(startWeekday).fill(null), ...Array.from({ length: daysInMonth }, (_, i) => `${month}-${pad(i + 1)}`)];
  while (cells.length % 7) cells.push(null);
  const weeks = Array.from({ length: cells.length / 7 }, (_, i) => cells.slice(i * 7, i * 7 + 7));
  const monthTitle = lang === 'ja' ? `${year}年${mon}月` : new Date(Date.UTC(year, mon - 1, 1)).toLocaleDateString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });

  return (
    <>
      <PageTitle
        actions={
          <div className="month-nav">
            <button type="button" className="btn btn-secondary btn-small" onClick={() => shift(-1)}>
              {tr('← 前月', '← Previous')}
            </button>
            <button type="button" className="btn btn-secondary btn-small" onClick={() => setParams({})}>
              {tr('今月', 'This month')}
            </button>
            <button type="button" className="btn btn-secondary btn-small" onClick={() => shift(1)}>
              {tr('翌月 →', 'Next →')}
            </button>
          </div>
        }
      >
        {tr('保守カレンダー', 'Maintenance calendar')} {monthTitle}
      </PageTitle>
      <p className="lead">
        {tr('作業依頼の作業計画を表示します。', 'The work plans of the work requests.')} <span className="badge stop">{tr('⚠ 停止', '⚠ Stop')}</span> {tr('はサービス停止を伴う作業です（1か月以上前の合意が必要）。', 'marks work that stops a service (agreed at least a month ahead).')}
      </p>
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && (
        <>
          <table className="calendar" aria-label={tr(`${monthTitle}の作業予定`, `Planned work, ${monthTitle}`)}>
            <thead>
              <tr>
                {(lang === 'ja' ? WEEK_JA : WEEK_EN).map((w, i) => (
                  <th key={w} scope="col" className={i === 0 ? 'sun' : i === 6 ? 'sat' : ''}>
                    {w}
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {weeks.map((week, wi) => (
                <tr key={wi}>
                  {week.map((day, di) => {
                    if (!day) return <td key={di} className="empty-cell" />;
                    const holiday = data.holidays.get(day);
                    const work = byDay.get(day) ?? [];
                    const closed = di === 0 || di === 6 || !!holiday;
                    return (
                      <td key={day} className={`${closed ? 'closed' : ''} ${day === today ? 'today' : ''}`}>
                        <div className="day-head">
                          <span className="day-num">{Number(day.slice(8))}</span>
                          {day === today && <span className="tag">{tr('今日', 'Today')}</span>}
                          {holiday && <span className="holiday">{lang === 'ja' ? holiday.nameJa : holiday.nameEn}</span>}
                        </div>
                        <ul className="day-work">
                          {work.map((c) => (
                            <li key={c.id} className={c.record.workPlan!.stopsService ? 'stops' : ''}>
                              <Link to={`/cases/${c.number}`} title={c.subject}>
                                {c.record.workPlan!.stopsService && <span className="badge stop">{tr('⚠ 停止', '⚠ Stop')}</span>} {fmtTime(c.record.workPlan!.plannedStart)} {c.number}
                                <span className="day-subject">{c.subject}</span>
                              </Link>
                            </li>
                          ))}
                        </ul>
                      </td>
                    );
                  })}
                </tr>
              ))}
            </tbody>
          </table>

          <section className="panel" aria-labelledby="list-heading">
            <h2 id="list-heading">{tr(`${monthTitle}の作業予定一覧`, `Planned work in ${monthTitle}`)}</h2>
            {data.work.length === 0 ? (
              <Empty>{tr('この月に予定されている作業はありません。', 'No work is planned this month.')}</Empty>
            ) : (
              <DataTable
                columns={[
                  tr('作業日時', 'When'),
                  tr('案件', 'Case'),
                  tr('作業内容', 'Work'),
                  tr('サービス停止', 'Service stop'),
                  tr('計画の承認', 'Plan confirmed'),
                  tr('対応状況', 'Status'),
                ]}
                wrap={false}
              >
                {data.work.map((c) => {
                  const plan = c.record.workPlan!;
                  return (
                    <tr key={c.id}>
                      <td className="nowrap">
                        {fmtDateTime(plan.plannedStart, lang)}
                        <div className="small muted">〜 {fmtDateTime(plan.plannedEnd, lang)}</div>
                      </td>
                      <td>
                        <Link to={`/cases/${c.number}`}>{c.number}</Link>
                        <div>{c.subject}</div>
                      </td>
                      <td className="pre">{plan.content}</td>
                      <td>{plan.stopsService ? <span className="badge stop">{tr('⚠ あり', '⚠ Yes')}</span> : tr('なし', 'No')}</td>
                      <td>{plan.approvedBy ? `${plan.approvedBy}` : <span className="muted">{tr('未承認', 'Not yet')}</span>}</td>
                      <td>
                        <StatusBadge status={c.status} />
                      </td>
                    </tr>
                  );
                })}
              </DataTable>
            )}
          </section>
        </>
      )}
    </>
  );
}
