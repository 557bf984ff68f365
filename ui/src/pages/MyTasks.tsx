import { useEffect, useMemo, useRef, useState } from 'react';
import { Link } from 'react-router-dom';
import { Countdown, noDueReason, SlaBadge, slaState, startedOutOfHours } from '../components/Sla';
import { TaskForm } from '../components/TaskForm';
import { Empty, ErrorBox, KindBadge, Loading, Notice, PageTitle, SeverityBadge, StatusBadge } from '../components/ui';
import { ApiError, get, post } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { ROLE_LABELS, SEVERITIES, SEVERITY_LABELS, requestTypeLabel, taskOutcomeLabel } from '../lib/labels';
import { useSession } from '../lib/session';
import type { CaseDetail, ClaimTaskRequest, Task, TaskList } from '../lib/types';
import { mapLimit, TASKS_CHANGED, useLoad, useNow } from '../lib/useLoad';

interface Row {
  task: Task;
  detail: CaseDetail | null;
  dueAt: string | null;
  dueSource: 'task' | 'sla' | null;
}

/** The queue looks for new work this often while it is open (and when the window gets focus again). */
const REFRESH_EVERY_MS = 5_000;

type SortMode = 'priority' | 'due';

/** What the queue shows, in one string: which steps are open and who holds them. */
function signature(tasks: Task[]): string {
  return tasks.map((t) => `${t.id}:${t.claimedBy?.username ?? ''}`).sort().join('|');
}
const SEVERITY_RANK: Record<string, number> = { critical: 0, major: 1, minor: 2, warning: 3, info: 4 };

/**
 * 自分の作業: the open steps I (my role, my department) can complete. By priority — severity
 * first (a new 緊急 incident is on top, whatever else is overdue), then overdue, then due time — or
 * by due time alone. A step can be taken (担当), so that colleagues of the same role do not collide;
 * the list looks for new work by itself and says when some arrived.
 */
export function MyTasksPage() {
  const { lang, tr, pick } = useI18n();
  const { user, departmentName } = useSession();
  const now = useNow(30_000);
  const [openId, setOpenId] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [sortMode, setSortMode] = useState<SortMode>('priority');
  const [severityFilter, setSeverityFilter] = useState<string>('');
  const [onlyMine, setOnlyMine] = useState(false);
  const [claimError, setClaimError] = useState<ApiError | null>(null);
  const [selected, setSelected] = useState<Set<string>>(new Set());
  const [bulkResult, setBulkResult] = useState<string | null>(null);
  const [arrived, setArrived] = useState<string[]>([]);
  const seenIds = useRef<Set<string> | null>(null);
  const { data, error, loading, reload } = useLoad(async () => {
    const { items } = await get<TaskList>('/api/tasks', { state: 'open', mine: 'true', limit: 200 });
    const caseIds = [...new Set(items.map((t) => t.caseId))];
    const details = await mapLimit(caseIds, 4, (id) => get<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`).catch(() => null));
    const byId = new Map(caseIds.map((id, i) => [id, details[i]]));
    return items.map((task): Row => {
      const detail = byId.get(task.caseId) ?? null;
      const slaDue = detail?.sla && !detail.sla.stoppedAt ? detail.sla.dueAt : null;
      return { task, detail, dueAt: task.dueAt ?? slaDue, dueSource: task.dueAt ? 'task' : slaDue ? 'sla' : null };
    });
  }, []);

  // New work since the last look: said in a notice, and the navigation's count follows.
  useEffect(() => {
    if (!data) return;
    const ids = new Set(data.map((r) => r.task.id));
    if (seenIds.current) {
      const fresh = data.filter((r) => !seenIds.current!.has(r.task.id)).map((r) => `${r.task.caseNumber}「${pick(r.task.label)}」`);
      if (fresh.length) setArrived(fresh);
    }
    seenIds.current = ids;
    window.dispatchEvent(new Event(TASKS_CHANGED));
  }, [data]);

  // Looks for new work by itself: one light query every few seconds, and the whole queue again only
  // when the open steps or who holds them changed. Never while a form is open (typing stays put).
  const shown = useMemo(() => signature(data?.map((r) => r.task) ?? []), [data]);
  useEffect(() => {
    if (openId || !data) return;
    let stopped = false;
    const look = async () => {
      const { items } = await get<TaskList>('/api/tasks', { state: 'open', mine: 'true', limit: 200 }).catch(() => ({ items: null }));
      if (!stopped && items && signature(items) !== shown) reload();
    };
    const timer = setInterval(() => void look(), REFRESH_EVERY_MS);
    window.addEventListener('focus', reload);
    return () => {
      stopped = true;
      clearInterval(timer);
      window.removeEventListener('focus', reload);
    };
  }, [openId, reload, shown, data]);

  const rows = useMemo(() => {
    const list = (data ?? []).filter((r) => (!severityFilter || r.detail?.severity === severityFilter) && (!onlyMine || r.task.claimedBy?.username === user?.username));
    const overdue = (r: Row) => ((r.detail?.sla?.breached && !r.detail.sla.stoppedAt) || (r.dueAt && Date.parse(r.dueAt) < Date.now()) ? 0 : 1);
    // Work requests have no severity: they rank with 軽微 (an SLA of days, not hours).
    const severity = (r: Row) => SEVERITY_RANK[r.detail?.severity ?? 'minor'] ?? 2;
    const due = (r: Row) => (r.dueAt ? Date.parse(r.dueAt) : Infinity);
    list.sort((a, b) =>
      (sortMode === 'priority' ? severity(a) - severity(b) : 0) || overdue(a) - overdue(b) || due(a) - due(b) || Date.parse(a.task.createdAt) - Date.parse(b.task.createdAt),
    );
    return list;
  }, [data, sortMode, severityFilter, onlyMine, user?.username]);

  const claim = async (task: Task, action: 'claim' | 'takeOver' | 'release') => {
    setClaimError(null);
    try {
      await post(`/api/tasks/${encodeURIComponent(task.id)}/${action === 'release' ? 'release' : 'claim'}`, (action === 'takeOver' ? { takeOver: true } : {}) satisfies ClaimTaskRequest);
    } catch (e) {
      setClaimError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
    reload();
  };

  /**
   * Bulk: take (or release) the selected steps in one go. Each is its own request, so one that a
   * colleague took meanwhile is reported and the rest still go through.
   */
  const bulk = async (action: 'claim' | 'release') => {
    const tasks = rows.map((r) => r.task).filter((t) => selected.has(t.id));
    const refused: string[] = [];
    for (const task of tasks) {
      try {
        await post(`/api/tasks/${encodeURIComponent(task.id)}/${action}`, action === 'claim' ? ({} satisfies ClaimTaskRequest) : undefined);
      } catch {
        refused.push(task.caseNumber);
      }
    }
    const doneCount = tasks.length - refused.length;
    const verbJa = action === 'claim' ? '担当しました' : '担当を外しました';
    setBulkResult(
      tr(
        `${doneCount} 件を${verbJa}。${refused.length ? `${refused.length} 件はできませんでした（${refused.join('、')}: 他の担当者が担当中か、既に完了）。` : ''}`,
        `${doneCount} step(s) ${action === 'claim' ? 'taken' : 'released'}.${refused.length ? ` ${refused.length} could not be (${refused.join(', ')}: taken by a colleague or already done).` : ''}`,
      ),
    );
    setSelected(new Set());
    reload();
  };
  const toggle = (id: string) =>
    setSelected((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const onCompleted = (task: Task, outcome: string) => {
    setDone(
      tr(
        `${task.caseNumber}「${task.label.ja}」を完了しました（結果: ${taskOutcomeLabel(task.type, outcome, 'ja')}）。`,
        `${task.caseNumber}: "${task.label.en}" completed (${taskOutcomeLabel(task.type, outcome, 'en')}).`,
      ),
    );
    setOpenId(null);
    reload();
  };

  const roleText = user ? user.roles.map((r) => pick(ROLE_LABELS[r])).join('・') + (user.departmentId ? `（${departmentName(user.departmentId, lang)}）` : '') : '';
  return (
    <>
      <PageTitle
        actions={
          <button type="button" className="btn btn-secondary btn-small" onClick={reload} disabled={loading}>
            {tr('最新の状態に更新', 'Refresh')}
          </button>
        }
      >
        {tr('自分の作業', 'My tasks')}
      </PageTitle>
      <p className="lead">
        {tr(
          `${roleText} が対応する未完了の作業です。${sortMode === 'priority' ? '重要度の高い順（同じ重要度では期限超過・期限の近い順）' : '期限の近い順'}に並んでいます。新しい作業は自動で表示されます。`,
          `Open steps for ${roleText}, ${sortMode === 'priority' ? 'highest severity first (then overdue, then due time)' : 'by due time'}. New work shows up by itself.`,
        )}
      </p>
      <div className="filters queue-filters" role="group" aria-label={tr('並び順と絞り込み', 'Order and filters')}>
        <label>
          {tr('並び順', 'Order')}{' '}
          <select value={sortMode} onChange={(e) => setSortMode(e.target.value as SortMode)}>
            <option value="priority">{tr('重要度順', 'By priority')}</option>
            <option value="due">{tr('期限順', 'By due time')}</option>
          </select>
        </label>{' '}
        <label>
          {tr('重要度', 'Severity')}{' '}
          <select value={severityFilter} onChange={(e) => setSeverityFilter(e.target.value)}>
            <option value="">{tr('すべて', 'All')}</option>
            {SEVERITIES.map((s) => (
              <option key={s} value={s}>{pick(SEVERITY_LABELS[s])}</option>
            ))}
          </select>
        </label>{' '}
        <label>
          <input type="checkbox" checked={onlyMine} onChange={(e) => setOnlyMine(e.target.checked)} /> {tr('自分が担当している作業だけ', 'Only steps I have taken')}
        </label>
      </div>
      {arrived.length > 0 && (
        <Notice kind="info">
          {tr(`新しい作業が ${arrived.length} 件届きました: ${arrived.join('、')}`, `${arrived.length} new step(s) arrived: ${arrived.join(', ')}`)}{' '}
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setArrived([])}>{tr('確認した', 'Dismiss')}</button>
        </Notice>
      )}
      {done && <Notice>{done}</Notice>}
      {bulkResult && <Notice kind="info">{bulkResult}</Notice>}
      {selected.size > 0 && (
        <div className="bulk-bar" role="group" aria-label={tr('選択した作業の一括操作', 'Bulk actions on the selected steps')}>
          <span>{tr(`${selected.size} 件を選択中`, `${selected.size} selected`)}</span>{' '}
          <button type="button" className="btn btn-primary btn-small" onClick={() => void bulk('claim')}>{tr('選択した作業を担当する', 'Take the selected steps')}</button>{' '}
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void bulk('release')}>{tr('選択した作業の担当を外す', 'Release the selected steps')}</button>{' '}
          <button type="button" className="btn btn-secondary btn-small" onClick={() => setSelected(new Set())}>{tr('選択を解除', 'Clear selection')}</button>
        </div>
      )}
      <ErrorBox error={error} />
      <ErrorBox error={claimError} />
      {loading && !data && <Loading />}
      {data && rows.length === 0 && <Empty>{tr('未完了の作業はありません。', 'Nothing to do right now.')}</Empty>}
      {rows.length > 0 && (
        <ul className="task-list" aria-label={tr('未完了の作業', 'Open tasks')}>
          {rows.map(({ task, detail, dueAt, dueSource }) => {
            const state = detail?.sla && dueSource === 'sla' ? slaState(detail.sla) : dueAt ? (Date.parse(dueAt) < now ? 'breached' : 'ok') : 'none';
            const expanded = openId === task.id;
            const panelId = `task-panel-${task.id}`;
            return (
              <li key={task.id} className={`task-item ${expanded ? 'expanded' : ''}`}>
                <div className="task-summary">
                  <div className="task-select">
                    <input type="checkbox" checked={selected.has(task.id)} onChange={() => toggle(task.id)} aria-label={tr(`選択: ${task.caseNumber}「${pick(task.label)}」`, `Select: ${task.caseNumber} "${pick(task.label)}"`)} />
                  </div>
                  <div className="task-due">
                    <div className="due-time">{dueAt ? fmtDateTime(dueAt, lang) : pick(noDueReason(detail).head)}</div>
                    <div className="due-kind muted">
                      {dueSource === 'task'
                        ? detail?.sla && startedOutOfHours(detail.sla) && !detail.sla.stoppedAt
                          ? tr('この作業の期限（受付時間外の検知のため次の営業日）', 'task due (detected out of hours: next business day)')
                          : tr('この作業の期限', 'task due')
                        : dueSource === 'sla'
                          ? tr('SLA期限', 'SLA due')
                          : pick(noDueReason(detail).why)}
                    </div>
                    {state !== 'none' && (
                      <>
                        <SlaBadge state={state} /> <Countdown dueAt={dueAt} now={now} state={state} />
                      </>
                    )}
                  </div>
                  <div className="task-main">
                    <h2 className="task-title">{pick(task.label)}</h2>
                    <div className="task-case">
                      <Link to={`/cases/${task.caseNumber}`}>{task.caseNumber}</Link> {detail && <KindBadge kind={detail.kind} />} {detail?.subject}
                    </div>
                    <div className="task-meta muted">
                      {detail && <StatusBadge status={detail.status} />} {detail?.severity && <SeverityBadge severity={detail.severity} />}{' '}
                      {detail?.requestType && <span>{requestTypeLabel(detail.requestType, lang)}</span>}{' '}
                      {detail?.kind === 'work_request' && detail.departmentIds[0] && <span>{tr('依頼元', 'From')}: {departmentName(detail.departmentIds[0], lang)}</span>}{' '}
                      {detail?.hostname && <span>{tr('対象機器', 'Device')}: {detail.hostname}</span>}{' '}
                      {task.departmentId && <span>{tr('確認する課', 'Department')}: {departmentName(task.departmentId, lang)}</span>}{' '}
                      <span>{tr(`割当 ${fmtDateTime(task.createdAt, lang)}`, `assigned ${fmtDateTime(task.createdAt, lang)}`)}</span>
                    </div>
                  </div>
                  <div className="task-toggle">
                    <div className="task-claim">
                      {task.claimedBy ? (
                        task.claimedBy.username === user?.username ? (
                          <>
                            <span className="badge claim claim-mine">{tr('自分が担当', 'Taken by me')}</span>{' '}
                            <button type="button" className="btn btn-secondary btn-small" onClick={() => void claim(task, 'release')}>{tr('担当を外す', 'Release')}</button>
                          </>
                        ) : (
                          <>
                            <span className="badge claim claim-other">{tr(`${task.claimedBy.name} さんが担当中`, `Taken by ${task.claimedBy.name}`)}</span>{' '}
                            <button type="button" className="btn btn-secondary btn-small" onClick={() => void claim(task, 'takeOver')}>{tr('引き継ぐ', 'Take over')}</button>
                          </>
                        )
                      ) : (
                        <button type="button" className="btn btn-secondary btn-small" onClick={() => void claim(task, 'claim')}>
                          {tr('自分が担当する', 'Take it')}
                          <span className="sr-only">: {pick(task.label)} {task.caseNumber}</span>
                        </button>
                      )}
                    </div>
                    <button type="button" className={`btn ${expanded ? 'btn-secondary' : 'btn-primary'}`} aria-expanded={expanded} aria-controls={panelId} onClick={() => setOpenId(expanded ? null : task.id)}>
                      {expanded ? tr('閉じる', 'Close') : tr('対応する', 'Work on it')}
                      <span className="sr-only">: {pick(task.label)} {task.caseNumber}</span>
                    </button>
                  </div>
                </div>
                {expanded && (
                  <div className="task-panel" id={panelId}>
                    {detail?.description && (
                      <div className="context">
                        <strong>{detail.kind === 'incident' ? tr('概要', 'Summary') : tr('依頼者のコメント', 'Requester\'s note')}</strong>
                        <p className="pre">{detail.description}</p>
                      </div>
                    )}
                    <TaskForm task={task} detail={detail} onCompleted={onCompleted} />
                  </div>
                )}
              </li>
            );
          })}
        </ul>
      )}
    </>
  );
}
