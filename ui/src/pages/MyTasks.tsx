import { useMemo, useState } from 'react';
import { Link } from 'react-router-dom';
import { Countdown, SlaBadge, slaState } from '../components/Sla';
import { TaskForm } from '../components/TaskForm';
import { Empty, ErrorBox, KindBadge, Loading, Notice, PageTitle, SeverityBadge, StatusBadge } from '../components/ui';
import { get } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { ROLE_LABELS, requestTypeLabel, taskOutcomeLabel } from '../lib/labels';
import { useSession } from '../lib/session';
import type { CaseDetail, Task } from '../lib/types';
import { mapLimit, useLoad, useNow } from '../lib/useLoad';

interface Row {
  task: Task;
  detail: CaseDetail | null;
  dueAt: string | null;
  dueSource: 'task' | 'sla' | null;
}

/**
 * 自分の作業: the open steps I (my role, my department) can complete, most urgent first — breached,
 * then by due time — each completed in place with its own form.
 */
export function MyTasksPage() {
  const { lang, tr, pick } = useI18n();
  const { user, departmentName } = useSession();
  const now = useNow(30_000);
  const [openId, setOpenId] = useState<string | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const { data, error, loading, reload } = useLoad(async () => {
    const { items } = await get<{ items: Task[] }>('/api/tasks', { state: 'open', mine: 'true', limit: 200 });
    const caseIds = [...new Set(items.map((t) => t.caseId))];
    const details = await mapLimit(caseIds, 4, (id) => get<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`).catch(() => null));
    const byId = new Map(caseIds.map((id, i) => [id, details[i]]));
    return items.map((task): Row => {
      const detail = byId.get(task.caseId) ?? null;
      const slaDue = detail?.sla && !detail.sla.stoppedAt ? detail.sla.dueAt : null;
      return { task, detail, dueAt: task.dueAt ?? slaDue, dueSource: task.dueAt ? 'task' : slaDue ? 'sla' : null };
    });
  }, []);

  const rows = useMemo(() => {
    const list = [...(data ?? [])];
    const rank = (r: Row) => (r.detail?.sla?.breached && !r.detail.sla.stoppedAt ? 0 : 1);
    list.sort((a, b) => rank(a) - rank(b) || (a.dueAt ? Date.parse(a.dueAt) : Infinity) - (b.dueAt ? Date.parse(b.dueAt) : Infinity) || Date.parse(a.task.createdAt) - Date.parse(b.task.createdAt));
    return list;
  }, [data]);

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
        {tr(`${roleText} が対応する未完了の作業です。期限の近い順に並んでいます。`, `Open steps for ${roleText}, most urgent first.`)}
      </p>
      {done && <Notice>{done}</Notice>}
      <ErrorBox error={error} />
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
                  <div className="task-due">
                    <div className="due-time">{dueAt ? fmtDateTime(dueAt, lang) : tr('期限の定めなし', 'No due time')}</div>
                    <div className="due-kind muted">
                      {dueSource === 'task'
                        ? tr('この作業の期限', 'task due')
                        : dueSource === 'sla'
                          ? tr('SLA期限', 'SLA due')
                          : detail?.kind === 'work_request' && detail.status === 'received'
                            ? tr('SLA（3営業日）は受付時から計測', 'the 3-day SLA starts on acceptance')
                            : ''}
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
