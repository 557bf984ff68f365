import { useEffect, useState, type FormEvent } from 'react';
import { Link, useSearchParams } from 'react-router-dom';
import { JstInput } from '../components/JstInput';
import { SlaBadge } from '../components/Sla';
import { Empty, ErrorBox, Field, KindBadge, Loading, Notice, PageTitle, Pager, SeverityBadge, StatusBadge } from '../components/ui';
import { ApiError, get } from '../lib/api';
import { listAll, OPEN_STATUSES } from '../lib/cases';
import { download, toCsv } from '../lib/csv';
import { fmtCsvDateTime, fmtDateTime, jstDateKey, jstDayStart } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { CASE_STATUSES, label, RESOLUTION_LABELS, requestTypeLabel, SEVERITY_LABELS, STATUS_LABELS } from '../lib/labels';
import { useSession } from '../lib/session';
import type { CasePage } from '../lib/types';
import { useLoad } from '../lib/useLoad';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['q', 'kind', 'status', 'departmentId', 'from', 'to', 'breached'] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;
/** Columns the API sorts by (`sort`, a leading "-" for descending); the default is newest first. */
type SortColumn = 'number' | 'occurredAt' | 'status' | 'severity';
const SORTS = ['number', '-number', 'occurredAt', '-occurredAt', 'status', '-status', 'severity', '-severity'];
const DEFAULT_SORT = '-occurredAt';

/**
 * 保存した検索条件: kept per user in this browser's localStorage (not on the server), so they follow
 * the person on this PC only.
 */
interface SavedFilter {
  name: string;
  query: string;
}
const savedKey = (username: string) => `opsdesk.savedFilters.${username}`;
function loadSaved(username: string): SavedFilter[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(savedKey(username)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((f): f is SavedFilter => typeof f?.name === 'string' && typeof f?.query === 'string') : [];
  } catch {
    return [];
  }
}
function storeSaved(username: string, list: SavedFilter[]): void {
  try {
    localStorage.setItem(savedKey(username), JSON.stringify(list));
  } catch {
    /* storage unavailable */
  }
}

function filtersOf(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as Filters;
}

/** The API query of a filter set (dates are Japan-time days; "to" is inclusive). */
function apiQuery(f: Filters): Record<string, string> {
  const query: Record<string, string> = {};
  if (f.q.trim()) query.q = f.q.trim();
  if (f.kind) query.kind = f.kind;
  if (f.status) query.status = f.status === 'open' ? OPEN_STATUSES.join(',') : f.status;
  if (f.departmentId) query.departmentId = f.departmentId;
  if (f.from) query.from = jstDayStart(f.from);
  if (f.to) query.to = jstDayStart(f.to, 1);
  if (f.breached === 'true') query.breached = 'true';
  return query;
}

/**
 * 作業履歴の検索: by number / subject / device, status, kind, department and date range; the
 * result as a CSV that Excel opens as it is.
 */
export function WorkHistoryPage() {
  const { lang, tr, pick } = useI18n();
  const { user, departments, hasRole, departmentName } = useSession();
  const [params, setParams] = useSearchParams();
  const applied = filtersOf(params);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const sort = SORTS.includes(params.get('sort') ?? '') ? params.get('sort')! : DEFAULT_SORT;
  const username = user?.username ?? '';
  const [saved, setSaved] = useState<SavedFilter[]>(() => loadSaved(username));
  const [saveName, setSaveName] = useState('');
  const [savedNotice, setSavedNotice] = useState<string | null>(null);
  const [form, setForm] = useState<Filters>(applied);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const [dateError, setDateError] = useState<string | null>(null);
  const key = params.toString();
  useEffect(() => setForm(filtersOf(new URLSearchParams(key))), [key]);

  const { data, error, loading } = useLoad(
    () => get<CasePage>('/api/cases', { ...apiQuery(applied), sort: sort === DEFAULT_SORT ? undefined : sort, limit: PAGE_SIZE, offset }),
    [key],
  );

  /** Sorting by a column: first click ascending (newest/most severe first for dates and severity), again to reverse. */
  const sortBy = (column: SortColumn) => {
    const firstDesc = column === 'occurredAt' || column === 'severity';
    const current = sort.replace(/^-/, '');
    const next = current === column ? (sort.startsWith('-') ? column : `-${column}`) : firstDesc ? `-${column}` : column;
    const p = new URLSearchParams(params);
    p.delete('offset');
    if (next === DEFAULT_SORT) p.delete('sort');
    else p.set('sort', next);
    setParams(p);
  };
  const sortHeader = (column: SortColumn, text: string) => {
    const active = sort.replace(/^-/, '') === column;
    const desc = sort.startsWith('-');
    return (
      <th scope="col" aria-sort={active ? (desc ? 'descending' : 'ascending') : 'none'}>
        <button type="button" className="sort" onClick={() => sortBy(column)}>
          {text}
          {active && <span aria-hidden="true">{desc ? ' ▼' : ' ▲'}</span>}
        </button>
      </th>
    );
  };

  const saveCurrent = (e: FormEvent) => {
    e.preventDefault();
    const name = saveName.trim();
    if (!name) return;
    const p = new URLSearchParams(params);
    p.delete('offset');
    const next = [...saved.filter((f) => f.name !== name), { name, query: p.toString() }];
    setSaved(next);
    storeSaved(username, next);
    setSaveName('');
    setSavedNotice(tr(`検索条件「${name}」を保存しました。`, `Saved the search "${name}".`));
  };
  const removeSaved = (name: string) => {
    const next = saved.filter((f) => f.name !== name);
    setSaved(next);
    storeSaved(username, next);
    setSavedNotice(tr(`検索条件「${name}」を削除しました。`, `Removed the search "${name}".`));
  };

  const search = (e: FormEvent) => {
    e.preventDefault();
    if (form.from && form.to && form.from > form.to) {
      setDateError(tr('終了日は開始日以降にしてください。', 'The end date must be on or after the start date.'));
      return;
    }
    setDateError(null);
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) if (form[k]) next.set(k, form[k]);
    if (params.get('sort')) next.set('sort', params.get('sort')!);
    setParams(next);
  };
  const clear = () => {
    const empty = Object.fromEntries(FILTER_KEYS.map((k) => [k, ''])) as Filters;
    setForm(empty);
    setParams(new URLSearchParams());
  };
  const goto = (nextOffset: number) => {
    const next = new URLSearchParams(params);
    next.set('offset', String(nextOffset));
    setParams(next);
  };

  const exportCsv = async () => {
    setExporting(true);
    setExportError(null);
    try {
      const query = apiQuery(applied);
      const items = await listAll({ ...query, ...(sort === DEFAULT_SORT ? {} : { sort }), withActions: 'true' });
      // 対応内容 (R-REC-6): how many entries the case record has and the latest one; the whole record is on the case page.
      const header = ['案件番号', '種別', '件名', '対応状況', '終了区分', '重要度', '依頼種別', '対象機器', '発生日時', '対応担当者', 'SLA期限', 'SLA超過', '承認者', '対応完了日', '所管課', '影響範囲', 'サービス停止', '対応内容（記録件数）', '対応内容（最新の記録）'];
      const rows = items.map((c) => [
        c.number,
        c.kindLabel.ja,
        c.subject,
        c.statusLabel.ja,
        c.resolution ? label(RESOLUTION_LABELS, c.resolution, 'ja') : '',
        c.severity ? label(SEVERITY_LABELS, c.severity, 'ja') : '',
        c.requestType ? requestTypeLabel(c.requestType, 'ja') : '',
        c.hostname ?? '',
        fmtCsvDateTime(c.occurredAt),
        c.assignee ?? '',
        fmtCsvDateTime(c.dueAt),
        c.breached ? '超過' : '',
        c.approver ?? '',
        fmtCsvDateTime(c.completedAt),
        c.departmentIds.map((d) => departmentName(d, 'ja')).join('・'),
        c.impact?.scope ?? '',
        c.impact?.serviceStopped === true ? 'あり' : c.impact?.serviceStopped === false ? 'なし' : '',
        c.actionCount ?? '',
        c.lastAction ? `${fmtCsvDateTime(c.lastAction.at)} ${c.lastAction.messageJa}` : '',
      ]);
      const stamp = jstDateKey(Date.now()).replace(/-/g, '');
      download(`作業履歴_${stamp}.csv`, toCsv([header, ...rows]));
    } catch (e) {
      setExportError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setExporting(false);
    }
  };

  const set = (k: keyof Filters, v: string) => setForm((f) => ({ ...f, [k]: v }));
  const isDepartment = hasRole('department') && !hasRole('general_affairs', 'operator', 'auditor', 'admin');

  return (
    <>
      <PageTitle>{tr('作業履歴', 'Work history')}</PageTitle>
      <form className="panel search-form" onSubmit={search} noValidate role="search" aria-label={tr('作業履歴の検索', 'Search the work history')}>
        <div className="form-grid search">
          <Field label={tr('番号・件名・対象機器', 'Number, subject or device')} className="wide2">
            {(control) => <input {...control} type="search" name="q" value={form.q} onChange={(e) => set('q', e.target.value)} placeholder={tr('例: INC-2026-0001、vm-zeimu01', 'e.g. INC-2026-0001, vm-zeimu01')} />}
          </Field>
          <Field label={tr('種別', 'Kind')}>
            {(control) => (
              <select {...control} name="kind" value={form.kind} onChange={(e) => set('kind', e.target.value)}>
                <option value="">{tr('すべて', 'All')}</option>
                <option value="incident">{tr('障害対応', 'Incident')}</option>
                <option value="work_request">{tr('作業依頼', 'Work request')}</option>
              </select>
            )}
          </Field>
          <Field label={tr('対応状況', 'Status')}>
            {(control) => (
              <select {...control} name="status" value={form.status} onChange={(e) => set('status', e.target.value)}>
                <option value="">{tr('すべて', 'All')}</option>
                <option value="open">{tr('未完了（完了以外すべて）', 'Open (all but done)')}</option>
                {CASE_STATUSES.map((s) => (
                  <option key={s} value={s}>
                    {pick(STATUS_LABELS[s])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          {!isDepartment && (
            <Field label={tr('所管課', 'Department')}>
              {(control) => (
                <select {...control} name="departmentId" value={form.departmentId} onChange={(e) => set('departmentId', e.target.value)}>
                  <option value="">{tr('すべて', 'All')}</option>
                  {departments.map((d) => (
                    <option key={d.id} value={d.id}>
                      {lang === 'ja' ? d.nameJa : d.nameEn}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label={tr('発生日（から）', 'Occurred from')} error={dateError}>
            {(control) => <JstInput {...control} kind="date" name="from" value={form.from} onChange={(v) => set('from', v)} />}
          </Field>
          <Field label={tr('発生日（まで）', 'Occurred until')}>
            {(control) => <JstInput {...control} kind="date" name="to" value={form.to} onChange={(v) => set('to', v)} />}
          </Field>
          <div className="field checkbox-field">
            <label className="choice">
              <input type="checkbox" name="breached" checked={form.breached === 'true'} onChange={(e) => set('breached', e.target.checked ? 'true' : '')} /> {tr('SLA超過のみ', 'SLA breached only')}
            </label>
          </div>
        </div>
        <div className="actions">
          <button type="submit" className="btn btn-primary">
            {tr('検索', 'Search')}
          </button>
          <button type="button" className="btn btn-secondary" onClick={clear}>
            {tr('条件をクリア', 'Clear')}
          </button>
          <span className="spacer" />
          <button type="button" className="btn btn-secondary" onClick={() => void exportCsv()} disabled={exporting || !data || data.total === 0}>
            {exporting ? tr('出力中…', 'Exporting…') : tr('CSV出力（Excel用）', 'Export CSV (Excel)')}
          </button>
        </div>
        <ErrorBox error={exportError} />
      </form>

      <section className="panel" aria-labelledby="saved-heading">
        <h2 id="saved-heading">{tr('保存した検索条件', 'Saved searches')}</h2>
        {savedNotice && <Notice>{savedNotice}</Notice>}
        {saved.length === 0 ? (
          <p className="muted small">{tr('よく使う条件（並び順を含む）を名前を付けて保存できます。このブラウザーに保存されます。', 'Save the searches you use often (sort order included) under a name. They are kept in this browser.')}</p>
        ) : (
          <ul className="saved-filters actions" aria-label={tr('保存した検索条件', 'Saved searches')}>
            {saved.map((f) => (
              <li key={f.name}>
                <button type="button" className="btn btn-secondary btn-small" onClick={() => setParams(new URLSearchParams(f.query))}>
                  {f.name}
                </button>{' '}
                <button type="button" className="btn btn-small btn-secondary" aria-label={tr(`「${f.name}」を削除`, `Remove "${f.name}"`)} onClick={() => removeSaved(f.name)}>
                  ×
                </button>
              </li>
            ))}
          </ul>
        )}
        <form className="inline-search" onSubmit={saveCurrent}>
          <Field label={tr('今の条件に名前を付けて保存', 'Save the current search as')}>
            {(control) => <input {...control} value={saveName} maxLength={50} onChange={(e) => setSaveName(e.target.value)} placeholder={tr('例: 税務課の未完了', 'e.g. Open tax cases')} />}
          </Field>
          <button type="submit" className="btn btn-secondary" disabled={!saveName.trim()}>
            {tr('保存', 'Save')}
          </button>
        </form>
      </section>

      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && (
        <section aria-labelledby="results-heading" className="panel">
          <h2 id="results-heading" aria-live="polite">
            {data.totalExact === false
              ? tr(`検索結果 ${data.total.toLocaleString('ja-JP')} 件以上`, `More than ${data.total.toLocaleString('en')} results`)
              : tr(`検索結果 ${data.total} 件`, `${data.total} results`)}
            {data.total > 0 && <span className="muted small"> {tr(`（${offset + 1}〜${Math.min(offset + PAGE_SIZE, data.total)} 件目）`, ` (${offset + 1}–${Math.min(offset + PAGE_SIZE, data.total)})`)}</span>}
          </h2>
          {data.items.length === 0 ? (
            <Empty>{tr('条件に合う案件はありません。', 'No case matches.')}</Empty>
          ) : (
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    {sortHeader('number', tr('案件番号', 'Number'))}
                    <th scope="col">{tr('件名', 'Subject')}</th>
                    {sortHeader('status', tr('対応状況', 'Status'))}
                    {sortHeader('severity', tr('重要度・依頼種別', 'Severity / type'))}
                    {sortHeader('occurredAt', tr('発生日時', 'Occurred'))}
                    <th scope="col">{tr('対応担当者', 'Assignee')}</th>
                    <th scope="col">{tr('SLA期限', 'SLA due')}</th>
                    <th scope="col">{tr('対応完了日', 'Completed')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.items.map((c) => (
                    <tr key={c.id}>
                      <td className="nowrap">
                        <Link to={`/cases/${c.number}`}>{c.number}</Link>
                        <div>
                          <KindBadge kind={c.kind} />
                        </div>
                      </td>
                      <td>
                        {c.subject}
                        {c.hostname && <div className="small muted">{c.hostname}</div>}
                      </td>
                      <td>
                        <StatusBadge status={c.status} />
                        {c.resolution && c.resolution !== 'completed' && <div className="small">{pick(RESOLUTION_LABELS[c.resolution])}</div>}
                      </td>
                      <td>{c.kind === 'incident' ? <SeverityBadge severity={c.severity} /> : requestTypeLabel(c.requestType, lang)}</td>
                      <td className="nowrap">{fmtDateTime(c.occurredAt, lang)}</td>
                      <td>{c.assignee ?? <span className="muted">—</span>}</td>
                      <td className="nowrap">
                        {c.dueAt ? fmtDateTime(c.dueAt, lang) : <span className="muted">—</span>}
                        {c.breached && (
                          <div>
                            <SlaBadge state={c.status === 'done' ? 'missed' : 'breached'} />
                          </div>
                        )}
                      </td>
                      <td className="nowrap">{c.completedAt ? fmtDateTime(c.completedAt, lang) : <span className="muted">—</span>}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <Pager offset={offset} pageSize={PAGE_SIZE} total={data.total} totalExact={data.totalExact !== false} onGoto={goto} />
        </section>
      )}
    </>
  );
}
