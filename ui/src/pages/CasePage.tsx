import { useEffect, useState, type FormEvent } from 'react';
import { Link, useLocation, useParams } from 'react-router-dom';
import { AuditHistoryPanel } from '../components/AuditHistory';
import { CaseDeskPanels } from '../components/CaseDeskPanels';
import { SlaPanel } from '../components/Sla';
import { ParamsSummary, TaskForm } from '../components/TaskForm';
import { Empty, ErrorBox, Field, KindBadge, Loading, Notice, PageTitle, SeverityBadge, StatusBadge } from '../components/ui';
import { ApiError, get, post } from '../lib/api';
import { fmtDateTime, fromJstInput, localiseInstants } from '../lib/format';
import { humanMessage, useI18n } from '../lib/i18n';
import { CHANNEL_LABELS, COUNTERPART_LABELS, RESOLUTION_LABELS, ROLE_LABELS, WAITING_FOR_LABELS, requestTypeLabel, taskOutcomeLabel } from '../lib/labels';
import { describeProblem } from '../lib/problems';
import { useSession } from '../lib/session';
import type { CaseDetail, ContactRequest, HoldRequest, NoteRequest, ResumeRequest, Task, TimelineItem } from '../lib/types';
import { useLoad, useNow } from '../lib/useLoad';
import { JstInput } from '../components/JstInput';

const TIMELINE_KIND: Record<string, { ja: string; en: string }> = {
  created: { ja: '受付', en: 'Received' },
  alert: { ja: '警報', en: 'Alert' },
  status: { ja: '状況', en: 'Status' },
  email: { ja: 'メール', en: 'E-mail' },
  task_opened: { ja: '作業割当', en: 'Task' },
  task_completed: { ja: '作業完了', en: 'Done' },
  note: { ja: '記録', en: 'Note' },
  phone: { ja: '電話', en: 'Phone' },
  hold: { ja: '保留', en: 'Hold' },
  resume: { ja: '再開', en: 'Resume' },
  sla_warning: { ja: 'SLA警告', en: 'SLA warning' },
  sla_breach: { ja: 'SLA超過', en: 'SLA breach' },
  plan: { ja: '作業計画', en: 'Plan' },
  escalation: { ja: 'エスカレーション', en: 'Escalation' },
  reminder: { ja: '督促', en: 'Reminder' },
};
const SYSTEM_KINDS = new Set(['email', 'task_opened']);

/**
 * 作業履歴票: one case as the paper form has it (the nine fields R-REC-1..9), its timeline as
 * 対応内容, the SLA, the open steps (completed here when they are mine) and the desk's actions.
 */
export function CasePage() {
  const { id = '' } = useParams();
  const location = useLocation();
  const { lang, tr, pick } = useI18n();
  const { user, hasRole, departmentName } = useSession();
  const now = useNow(30_000);
  const [message, setMessage] = useState<string | null>((location.state as { created?: string } | null)?.created ?? null);
  const [showSystem, setShowSystem] = useState(true);
  const { data, error, loading, reload } = useLoad(() => get<CaseDetail>(`/api/cases/${encodeURIComponent(id)}`), [id]);

  useEffect(() => {
    if (!data || data.status === 'done') return;
    const timer = setInterval(reload, 20_000);
    return () => clearInterval(timer);
  }, [data, reload]);

  if (error) {
    return (
      <>
        <PageTitle>{error.status === 403 ? tr('この案件は参照できません', 'You cannot view this case') : error.status === 404 ? tr('案件が見つかりません', 'Case not found') : tr('案件を表示できません', 'The case cannot be shown')}</PageTitle>
        <div className="alert alert-error" role="alert">
          <strong>
            {error.status === 403
              ? tr(`${id} は他の所管課の案件のため、表示する権限がありません。`, `${id} belongs to another department: you are not allowed to view it.`)
              : error.status === 404
                ? tr(`${id} という案件はありません。番号を確認してください。`, `There is no case ${id}. Check the number.`)
                : tr('読み込めませんでした。', 'It could not be loaded.')}
          </strong>
          <p>{humanMessage(error.message, lang)}</p>
        </div>
        <p>
          <Link to="/cases">{tr('作業履歴の一覧へ戻る', 'Back to the work history')}</Link>
        </p>
      </>
    );
  }
  if (!data) return loading ? <Loading /> : null;
  const c = data;
  const record = c.record;
  const plan = record.workPlan;
  const impact = record.impact ?? {};
  const canComplete = (task: Task) => !!user && user.roles.includes(task.assigneeRole) && (!task.departmentId || task.departmentId === user.departmentId);
  const isDesk = hasRole('operator', 'general_affairs');
  const canNote = hasRole('operator', 'general_affairs', 'department');
  const timeline = showSystem ? c.timeline : c.timeline.filter((e) => !SYSTEM_KINDS.has(e.kind));
  const after = (text: string) => {
    setMessage(text);
    reload();
  };

  return (
    <>
      <PageTitle
        actions={
          <button type="button" className="btn btn-secondary btn-small" onClick={reload} disabled={loading}>
            {tr('最新の状態に更新', 'Refresh')}
          </button>
        }
      >
        <span className="case-number">{c.number}</span> {c.subject}
      </PageTitle>
      <div className="case-badges">
        <KindBadge kind={c.kind} /> <StatusBadge status={c.status} />
        {c.resolution && c.resolution !== 'completed' && <span className="badge neutral">{pick(RESOLUTION_LABELS[c.resolution])}</span>}
        {c.severity && <SeverityBadge severity={c.severity} />}
      </div>
      {message && <Notice>{message}</Notice>}
      {c.unregisteredDevice && (
        <div className="alert alert-warning" role="note">
          {tr(`対象機器 ${c.hostname ?? ''} は構成管理台帳に登録されていません。所管課とメーカー保守窓口を確認してください。`, `The device ${c.hostname ?? ''} is not in the inventory: check its departments and maker's desk.`)}
        </div>
      )}

      <div className="case-layout">
        <div className="case-main">
          <section className="panel" aria-labelledby="record-heading">
            <h2 id="record-heading">{tr('作業履歴', 'Work record')}</h2>
            <table className="record-sheet">
              <tbody>
                <tr>
                  <th scope="row">{tr('件名', 'Subject')}</th>
                  <td colSpan={3}>{record.subject}</td>
                </tr>
                <tr>
                  <th scope="row">{tr('対応担当者', 'Assignee')}</th>
                  <td>{record.assignee ?? <span className="muted">{tr('未定', 'Not yet')}</span>}</td>
                  <th scope="row">{tr('発生日時', 'Occurred at')}</th>
                  <td>{fmtDateTime(record.occurredAt, lang)}</td>
                </tr>
                <tr>
                  <th scope="row">{tr('対応状況', 'Status')}</th>
                  <td>
                    <StatusBadge status={record.status} />
                  </td>
                  <th scope="row">{tr('影響度', 'Impact')}</th>
                  <td>
                    {c.kind === 'incident' ? (
                      <>
                        <div>
                          {tr('重要度', 'Severity')}: <SeverityBadge severity={impact.severity ?? c.severity} />
                        </div>
                        <div>
                          {tr('影響範囲', 'Scope')}: {impact.scope ?? <span className="muted">{tr('未確認', 'not yet known')}</span>}
                        </div>
                        <div>
                          {tr('サービス停止', 'Service stopped')}:{' '}
                          {impact.serviceStopped === undefined ? <span className="muted">{tr('未確認', 'not yet known')}</span> : impact.serviceStopped ? <strong>{tr('あり', 'Yes')}</strong> : tr('なし', 'No')}
                        </div>
                      </>
                    ) : (
                      <>
                        <div>
                          {tr('影響範囲', 'Scope')}: {impact.scope ?? (c.departmentIds.map((d) => departmentName(d, lang)).join('、') || '—')}
                        </div>
                        <div>
                          {tr('サービス停止', 'Service stop')}:{' '}
                          {plan ? plan.stopsService ? <strong>{tr('あり（計画停止）', 'Yes (planned)')}</strong> : tr('なし', 'No') : <span className="muted">{tr('作業計画で決定', 'set by the work plan')}</span>}
                        </div>
                      </>
                    )}
                  </td>
                </tr>
                <tr>
                  <th scope="row">{tr('対応内容', 'Actions')}</th>
                  <td colSpan={3}>
                    <a href="#timeline-heading">{tr(`下記「対応内容」の記録 ${record.actions} 件（時系列）`, `${record.actions} entries under "Actions" below, in time order`)}</a>
                  </td>
                </tr>
                <tr>
                  <th scope="row">{tr('作業計画', 'Work plan')}</th>
                  <td colSpan={3}>
                    {plan ? (
                      <div className="plan">
                        <div>
                          <strong>
                            {fmtDateTime(plan.plannedStart, lang)} 〜 {fmtDateTime(plan.plannedEnd, lang)}
                          </strong>{' '}
                          {plan.stopsService ? <span className="badge stop">{tr('⚠ サービス停止あり', '⚠ Stops a service')}</span> : <span className="badge neutral">{tr('サービス停止なし', 'No service stop')}</span>}
                        </div>
                        <div className="pre">{plan.content}</div>
                        <div className="muted">
                          {tr('計画', 'Planned by')}: {plan.plannedBy ?? '—'} / {tr('承認', 'Confirmed by')}: {plan.approvedBy ? `${plan.approvedBy}（${fmtDateTime(plan.approvedAt, lang)}）` : tr('未承認', 'not yet confirmed')}
                        </div>
                      </div>
                    ) : (
                      <span className="muted">{c.kind === 'incident' ? tr('なし', 'None') : tr('未作成', 'Not yet planned')}</span>
                    )}
                  </td>
                </tr>
                <tr>
                  <th scope="row">{tr('承認者', 'Approver')}</th>
                  <td>{record.approver ?? <span className="muted">{tr('未承認', 'Not yet')}</span>}</td>
                  <th scope="row">{tr('対応完了日', 'Completed on')}</th>
                  <td>{record.completedAt ? fmtDateTime(record.completedAt, lang) : <span className="muted">—</span>}</td>
                </tr>
              </tbody>
            </table>
            <h3 className="sub">{tr('案件の情報', 'About the case')}</h3>
            <dl className="kv">
              <div className="kv-row">
                <dt>{tr('種別', 'Kind')}</dt>
                <dd>
                  {pick(c.kindLabel)}
                  {c.requestType && `（${requestTypeLabel(c.requestType, lang)}）`}
                </dd>
              </div>
              {c.hostname && (
                <div className="kv-row">
                  <dt>{tr('対象機器', 'Device')}</dt>
                  <dd>{c.hostname}</dd>
                </div>
              )}
              <div className="kv-row">
                <dt>{tr('所管課', 'Departments')}</dt>
                <dd>{c.departmentIds.length ? c.departmentIds.map((d) => departmentName(d, lang)).join('、') : '—'}</dd>
              </div>
              {c.kind === 'incident' && (
                <div className="kv-row">
                  <dt>{tr('警報の受信回数', 'Alerts received')}</dt>
                  <dd>{c.alertCount}</dd>
                </div>
              )}
              {c.description && (
                <div className="kv-row">
                  <dt>{c.kind === 'incident' ? tr('概要', 'Summary') : tr('依頼者のコメント', 'Requester\'s note')}</dt>
                  <dd className="pre">{c.description}</dd>
                </div>
              )}
            </dl>
            {c.params && (
              <>
                <h3 className="sub">{tr('依頼内容', 'Request parameters')}</h3>
                <ParamsSummary detail={c} />
              </>
            )}
          </section>

          <section className="panel" aria-labelledby="timeline-heading">
            <div className="panel-head">
              <h2 id="timeline-heading" tabIndex={-1}>
                {tr('対応内容（時系列）', 'Actions (in time order)')}
              </h2>
              <label className="choice small">
                <input type="checkbox" checked={showSystem} onChange={(e) => setShowSystem(e.target.checked)} /> {tr('メール送信・作業割当の記録も表示', 'Show e-mails and task assignments')}
              </label>
            </div>
            <Timeline items={timeline} />
          </section>

          {hasRole('auditor', 'admin') && <AuditHistoryPanel caseId={c.number} caseNumber={c.number} />}
        </div>

        <aside className="case-side" aria-label={tr('対応', 'Work')}>
          <SlaPanel sla={c.sla} now={now} />
          {/* R-DESK-1 / R-REC-6: who asked and by which channel; has this happened before? */}
          <CaseDeskPanels number={c.number} />

          <section className="panel" aria-labelledby="open-tasks-heading">
            <h2 id="open-tasks-heading">{tr('未完了の作業', 'Open steps')}</h2>
            {c.openTasks.length === 0 && <Empty>{c.status === 'done' ? tr('この案件は終了しています。', 'This case is closed.') : tr('未完了の作業はありません（次の工程を待っています）。', 'No open step (waiting for the next one).')}</Empty>}
            {c.openTasks.map((task) => (
              <div key={task.id} className="open-task">
                <h3>{pick(task.label)}</h3>
                <p className="muted">
                  {tr('担当', 'For')}: {pick(ROLE_LABELS[task.assigneeRole])}
                  {task.departmentId && `（${departmentName(task.departmentId, lang)}）`}
                  {task.dueAt && (
                    <>
                      {' '}
                      / {tr('期限', 'Due')}: {fmtDateTime(task.dueAt, lang)}
                    </>
                  )}
                </p>
                {canComplete(task) && c.status !== 'on_hold' ? (
                  <TaskForm task={task} detail={c} onCompleted={(t, outcome) => after(tr(`「${t.label.ja}」を完了しました（結果: ${taskOutcomeLabel(t.type, outcome, 'ja')}）。`, `"${t.label.en}" completed (${taskOutcomeLabel(t.type, outcome, 'en')}).`))} />
                ) : canComplete(task) ? (
                  <p className="muted">{tr('保留中のため完了できません。再開してから対応してください。', 'On hold: resume the case first.')}</p>
                ) : null}
              </div>
            ))}
          </section>

          {isDesk && c.status !== 'done' && <HoldResume c={c} onDone={after} />}
          {canNote && <NoteForm c={c} onDone={after} vendorOption={isDesk && c.kind === 'incident'} />}
          {isDesk && <ContactForm c={c} onDone={after} />}


          <section className="panel" aria-labelledby="done-tasks-heading">
            <h2 id="done-tasks-heading">{tr('完了した作業', 'Completed steps')}</h2>
            {c.doneTasks.length === 0 ? (
              <Empty>{tr('まだありません。', 'None yet.')}</Empty>
            ) : (
              <table className="table compact">
                <thead>
                  <tr>
                    <th scope="col">{tr('作業', 'Step')}</th>
                    <th scope="col">{tr('結果', 'Outcome')}</th>
                    <th scope="col">{tr('実施者・日時', 'By, at')}</th>
                  </tr>
                </thead>
                <tbody>
                  {c.doneTasks.map((t) => (
                    <tr key={t.id}>
                      <td>{pick(t.label)}</td>
                      <td>
                        {t.state === 'cancelled' ? <span className="muted">{tr('取消', 'Cancelled')}</span> : taskOutcomeLabel(t.type, t.outcome, lang)}
                        {t.note && <div className="pre small">{t.note}</div>}
                      </td>
                      <td>
                        {t.completedBy ?? '—'}
                        <div className="small muted">{fmtDateTime(t.completedAt, lang)}</div>
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            )}
          </section>
        </aside>
      </div>
    </>
  );
}

function Timeline({ items }: { items: TimelineItem[] }) {
  const { lang, pick } = useI18n();
  if (items.length === 0) return <Empty>—</Empty>;
  return (
    <ol className="timeline">
      {items.map((e) => (
        <li key={e.id} className={`tl tl-${e.kind}`}>
          <time dateTime={e.at}>{fmtDateTime(e.at, lang)}</time>
          <span className={`badge tl-kind tlk-${e.kind}`}>{pick(TIMELINE_KIND[e.kind] ?? { ja: e.kind, en: e.kind })}</span>
          <div className="tl-body">
            <span className="tl-msg pre">{localiseInstants(lang === 'ja' ? e.messageJa : e.messageEn, lang)}</span>
            {e.actor && <span className="tl-actor muted"> — {e.actor}</span>}
          </div>
        </li>
      ))}
    </ol>
  );
}

function useSubmit(onDone: (message: string) => void) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<ApiError | null>(null);
  const run = async (fn: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
      onDone(message);
      return true;
    } catch (e) {
      setError(e instanceof ApiError ? e : new ApiError(0, String(e)));
      return false;
    } finally {
      setBusy(false);
    }
  };
  return { busy, error, setError, run };
}

function HoldResume({ c, onDone }: { c: CaseDetail; onDone: (m: string) => void }) {
  const { lang, tr, pick } = useI18n();
  const [reason, setReason] = useState('');
  const [waitingFor, setWaitingFor] = useState<'requester' | 'vendor' | 'other'>('other');
  const [fieldError, setFieldError] = useState<string | null>(null);
  const { busy, error, run } = useSubmit(onDone);
  const onHold = c.status === 'on_hold';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!reason.trim()) {
      setFieldError(describeProblem('reason is required', tr('理由', 'Reason'), lang));
      return;
    }
    setFieldError(null);
    const ok = await run(
      () => post(`/api/cases/${c.id}/${onHold ? 'resume' : 'hold'}`, onHold ? ({ reason } satisfies ResumeRequest) : ({ reason, waitingFor } satisfies HoldRequest)),
      onHold ? tr('案件を再開しました。', 'The case was resumed.') : tr('案件を保留にしました。', 'The case is on hold.'),
    );
    if (ok) setReason('');
  };
  return (
    <details className="panel action-panel" open={onHold}>
      <summary>
        <h2>{onHold ? tr('保留の解除（再開）', 'Resume') : tr('保留にする', 'Put on hold')}</h2>
      </summary>
      <form onSubmit={(e) => void submit(e)} noValidate>
        {!onHold && (
          <Field label={tr('待っている相手', 'Waiting for')} required>
            {(control) => (
              <select {...control} value={waitingFor} onChange={(e) => setWaitingFor(e.target.value as typeof waitingFor)}>
                {(['requester', 'vendor', 'other'] as const).map((w) => (
                  <option key={w} value={w}>
                    {pick(WAITING_FOR_LABELS[w])}
                  </option>
                ))}
              </select>
            )}
          </Field>
        )}
        <Field label={tr('理由', 'Reason')} required error={fieldError}>
          {(control) => <textarea {...control} rows={2} maxLength={1000} value={reason} onChange={(e) => setReason(e.target.value)} />}
        </Field>
        <ErrorBox error={error} />
        <button type="submit" className="btn btn-secondary" disabled={busy}>
          {onHold ? tr('再開する', 'Resume') : tr('保留にする', 'Put on hold')}
        </button>
      </form>
    </details>
  );
}

function NoteForm({ c, onDone, vendorOption }: { c: CaseDetail; onDone: (m: string) => void; vendorOption: boolean }) {
  const { lang, tr } = useI18n();
  const [text, setText] = useState('');
  const [vendorProgress, setVendorProgress] = useState(false);
  const [fieldError, setFieldError] = useState<string | null>(null);
  const { busy, error, run } = useSubmit(onDone);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!text.trim()) {
      setFieldError(describeProblem('text is required', tr('記録する内容', 'Note'), lang));
      return;
    }
    setFieldError(null);
    const ok = await run(() => post(`/api/cases/${c.id}/notes`, { text, ...(vendorOption ? { vendorProgress } : {}) } satisfies NoteRequest), tr('対応内容に記録しました。', 'The note was added.'));
    if (ok) {
      setText('');
      setVendorProgress(false);
    }
  };
  return (
    <details className="panel action-panel">
      <summary>
        <h2>{tr('対応内容に記録する', 'Add a note')}</h2>
      </summary>
      <form onSubmit={(e) => void submit(e)} noValidate>
        <Field label={tr('記録する内容', 'Note')} required error={fieldError} hint={tr('4000文字以内。後から同じ事象が起きたときに役立つように書いてください。', 'Up to 4000 characters; write what helps when it happens again.')}>
          {(control) => <textarea {...control} rows={3} maxLength={4000} value={text} onChange={(e) => setText(e.target.value)} />}
        </Field>
        {vendorOption && (
          <label className="choice">
            <input type="checkbox" checked={vendorProgress} onChange={(e) => setVendorProgress(e.target.checked)} /> {tr('メーカー保守窓口からの進捗連絡として記録する（督促タイマーをリセット）', 'This is progress from the maker\'s desk (resets the reminder)')}
          </label>
        )}
        <ErrorBox error={error} />
        <button type="submit" className="btn btn-secondary" disabled={busy}>
          {tr('記録する', 'Add note')}
        </button>
      </form>
    </details>
  );
}

function ContactForm({ c, onDone }: { c: CaseDetail; onDone: (m: string) => void }) {
  const { lang, tr, pick } = useI18n();
  const [channel, setChannel] = useState<'phone' | 'email' | 'in_person'>('phone');
  const [counterpartKind, setCounterpartKind] = useState<keyof typeof COUNTERPART_LABELS>(c.kind === 'incident' ? 'vendor' : 'department');
  const [counterpart, setCounterpart] = useState('');
  const [summary, setSummary] = useState('');
  const [at, setAt] = useState('');
  const [sendReport, setSendReport] = useState(true);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const { busy, error, setError, run } = useSubmit(onDone);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const found: Record<string, string> = {};
    if (!counterpart.trim()) found.counterpart = describeProblem('counterpart is required', tr('相手先（氏名・所属）', 'Who'), lang);
    if (!summary.trim()) found.summary = describeProblem('summary is required', tr('内容', 'Summary'), lang);
    const atIso = at ? fromJstInput(at) : undefined;
    if (at && !atIso) found.at = describeProblem('at must be ISO 8601', tr('日時', 'When'), lang);
    setErrors(found);
    if (Object.keys(found).length) return;
    setError(null);
    const ok = await run(
      () => post(`/api/cases/${c.id}/contacts`, { channel, counterpartKind, counterpart: counterpart.trim(), summary, ...(atIso ? { at: atIso } : {}), sendReport: channel !== 'email' && sendReport } satisfies ContactRequest),
      channel !== 'email' && sendReport ? tr('連絡を記録し、総務課へ報告メールを送信しました。', 'Contact logged and reported to general affairs by e-mail.') : tr('連絡を記録しました。', 'Contact logged.'),
    );
    if (ok) {
      setCounterpart('');
      setSummary('');
      setAt('');
    }
  };
  return (
    <details className="panel action-panel">
      <summary>
        <h2>{tr('連絡の記録（電話・対面など）', 'Log a contact (phone, in person…)')}</h2>
      </summary>
      <form onSubmit={(e) => void submit(e)} noValidate className="form-grid two">
        <Field label={tr('手段', 'Channel')} required>
          {(control) => (
            <select {...control} value={channel} onChange={(e) => setChannel(e.target.value as typeof channel)}>
              {(['phone', 'email', 'in_person'] as const).map((k) => (
                <option key={k} value={k}>
                  {pick(CHANNEL_LABELS[k])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={tr('相手の区分', 'Counterpart kind')} required>
          {(control) => (
            <select {...control} value={counterpartKind} onChange={(e) => setCounterpartKind(e.target.value as typeof counterpartKind)}>
              {(Object.keys(COUNTERPART_LABELS) as Array<keyof typeof COUNTERPART_LABELS>).map((k) => (
                <option key={k} value={k}>
                  {pick(COUNTERPART_LABELS[k])}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label={tr('相手先（氏名・所属）', 'Who')} required error={errors.counterpart} className="wide">
          {(control) => <input {...control} maxLength={200} value={counterpart} onChange={(e) => setCounterpart(e.target.value)} />}
        </Field>
        <Field label={tr('内容', 'Summary')} required error={errors.summary} className="wide">
          {(control) => <textarea {...control} rows={2} maxLength={4000} value={summary} onChange={(e) => setSummary(e.target.value)} />}
        </Field>
        <Field label={tr('日時（空欄なら現在）', 'When (now if empty)')} error={errors.at} hint={tr('日本時間', 'Japan time')}>
          {(control) => <JstInput {...control} kind="datetime" value={at} onChange={setAt} />}
        </Field>
        {channel !== 'email' && (
          <label className="choice wide">
            <input type="checkbox" checked={sendReport} onChange={(e) => setSendReport(e.target.checked)} /> {tr('この内容を総務課へメールで報告する（証跡を残すため）', 'Report this to general affairs by e-mail (keeps evidence)')}
          </label>
        )}
        <div className="wide">
          <ErrorBox error={error} />
          <button type="submit" className="btn btn-secondary" disabled={busy}>
            {tr('連絡を記録する', 'Log contact')}
          </button>
        </div>
      </form>
    </details>
  );
}
