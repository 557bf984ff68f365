import { useState, type FormEvent } from 'react';
import { Link } from 'react-router-dom';
import { TaskForm } from '../components/TaskForm';
import { Empty, ErrorBox, Field, Loading, PageTitle } from '../components/ui';
import { ApiError, fetchFile, get, post } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { describeProblem } from '../lib/problems';
import type { DeskCase, InquiryList, SimilarCases } from '../lib/types';
import { useLoad, useNow } from '../lib/useLoad';

/** The desk's case: the inquiry's free-form fields as the inquiry workflow registers them. */
type DeskDetail = Omit<DeskCase, 'inquiry'> & {
  inquiry: { asker: { name: string; email: string | null }; channel: string; category: string } | null;
};

const CHANNEL: Record<string, [string, string]> = { mail: ['メール', 'E-mail'], phone: ['電話', 'Phone'], ui: ['画面', 'Web'], api: ['API', 'API'] };
const CATEGORY: Record<string, [string, string]> = { question: ['質問', 'Question'], request_for_work: ['作業の依頼', 'Request for work'], fault_report: ['障害の報告', 'Fault report'], other: ['その他', 'Other'] };

/**
 * 問い合わせ窓口 (R-DESK-1): the inquiries waiting, oldest due first, with their SLA; one opened
 * beside the list with its text, files, mails (as plain text: HTML is never rendered), calls not
 * yet reported by mail, similar closed cases, and a reply that goes out by mail and lands on the
 * timeline. Decisions (answer, escalate, convert, link) are the case page's task forms.
 */
export function DeskPage() {
  const { lang, tr } = useI18n();
  const now = useNow(30_000);
  const list = useLoad(() => get<InquiryList>('/api/inquiries', { open: 'true' }), []);
  const [selected, setSelected] = useState<string | null>(null);

  return (
    <>
      <PageTitle>{tr('問い合わせ窓口', 'Desk')}</PageTitle>
      <p className="lead">{tr('受付中の問い合わせ（受付確認期限の早い順）。件名を選ぶと内容と返信欄を表示します。', 'Open inquiries, earliest acknowledgement due first. Pick one to read it and reply.')}</p>
      {list.error && <ErrorBox error={list.error} onRetry={list.reload} />}
      {list.loading && !list.data && <Loading />}
      {list.data && list.data.items.length === 0 && <Empty>{tr('受付中の問い合わせはありません。', 'No open inquiries.')}</Empty>}
      {list.data && list.data.items.length > 0 && (
        <table className="table" aria-label={tr('受付中の問い合わせ', 'Open inquiries')}>
          <thead>
            <tr>
              <th scope="col">{tr('番号', 'Number')}</th>
              <th scope="col">{tr('件名', 'Subject')}</th>
              <th scope="col">{tr('問い合わせ元', 'Asker')}</th>
              <th scope="col">{tr('経路・分類', 'Channel / category')}</th>
              <th scope="col">{tr('受付確認期限', 'Acknowledge by')}</th>
              <th scope="col">{tr('担当', 'Assignee')}</th>
            </tr>
          </thead>
          <tbody>
            {list.data.items.map((row) => {
              const overdue = row.breached || (row.status === 'received' && !!row.dueAt && Date.parse(row.dueAt) < now);
              return (
                <tr key={row.id} aria-selected={selected === row.number}>
                  <td><Link to={`/cases/${row.number}`}>{row.number}</Link></td>
                  <td><button type="button" className="linklike" onClick={() => setSelected(row.number)}>{row.subject}</button></td>
                  <td>{row.asker ? `${row.asker.name}${row.asker.organisation ? `（${row.asker.organisation}）` : ''}` : '—'}</td>
                  <td>{row.channel ? tr(...(CHANNEL[row.channel] ?? [row.channel, row.channel])) : '—'}・{row.category ? tr(...(CATEGORY[row.category] ?? [row.category, row.category])) : '—'}</td>
                  <td className={overdue ? 'sla-breached' : ''}>
                    {row.status === 'received' ? fmtDateTime(row.dueAt, lang) : tr('受付確認済み', 'Acknowledged')}
                    {overdue && <strong> {tr('超過', 'Overdue')}</strong>}
                  </td>
                  <td>{row.assignee ?? '—'}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {selected && <InquiryPanel key={selected} number={selected} onChanged={list.reload} />}
    </>
  );
}

function InquiryPanel({ number, onChanged }: { number: string; onChanged: () => void }) {
  const { lang, tr } = useI18n();
  const detail = useLoad(() => get<DeskDetail>(`/api/inquiries/${number}`), [number]);
  const similar = useLoad(() => get<SimilarCases>(`/api/cases/${number}/similar`), [number]);
  const [reply, setReply] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const run = async (action: () => Promise<unknown>, message: string) => {
    setBusy(true);
    setRefusal(null);
    try {
      await action();
      setDone(message);
      detail.reload();
      onChanged();
    } catch (e) {
      setRefusal(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setBusy(false);
    }
  };

  const sendReply = (e: FormEvent) => {
    e.preventDefault();
    if (!reply.trim()) return setError(describeProblem('text is required', tr('返信', 'Reply'), lang));
    setError(null);
    void run(async () => {
      await post(`/api/inquiries/${number}/reply`, { text: reply });
      setReply('');
    }, tr('返信メールを送信しました。', 'The reply was sent.'));
  };

  const download = async (id: string, name: string) => {
    const { blob } = await fetchFile(`/api/attachments/${id}`);
    const url = URL.createObjectURL(blob);
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    URL.revokeObjectURL(url);
  };

  if (detail.error) return <ErrorBox error={detail.error} onRetry={detail.reload} />;
  if (!detail.data) return <Loading />;
  const d = detail.data;
  const acknowledge = d.openTasks.find((t) => t.type === 'inquiry_acknowledge');
  const mails = d.timeline.filter((e) => e.kind === 'email');

  return (
    <section className="panel" aria-label={`${d.number} ${d.subject}`}>
      <h2>{d.number} {d.subject}</h2>
      {done && <p role="status" className="notice">{done}</p>}
      {refusal && <ErrorBox error={refusal} />}
      <p>{tr('問い合わせ元', 'Asker')}: {d.inquiry?.asker.name ?? '—'} {d.inquiry?.asker.email ? `<${d.inquiry.asker.email}>` : ''}</p>
      <pre className="plaintext">{d.description}</pre>
      {d.attachments.length > 0 && (
        <ul aria-label={tr('添付ファイル', 'Attachments')}>
          {d.attachments.map((a) => (
            <li key={a.id}><button type="button" className="linklike" onClick={() => void download(a.id, a.filename)}>{a.filename}</button> ({a.size.toLocaleString()} B)</li>
          ))}
        </ul>
      )}
      <div className="actions">
        {acknowledge && <button type="button" disabled={busy} onClick={() => void run(() => post(`/api/tasks/${acknowledge.id}/complete`, { outcome: 'acknowledged' }), tr('受付確認しました。', 'Acknowledged.'))}>{tr('受付確認', 'Acknowledge')}</button>}
        <Link to={`/cases/${d.number}`}>{tr('案件ページを開く', 'Open the case page')}</Link>
      </div>
      {/* Answer, escalate, convert into an incident or a work request, link to an open case: the desk's task forms. */}
      {d.openTasks.filter((t) => t.type !== 'inquiry_acknowledge').map((t) => (
        <TaskForm key={t.id} task={t} detail={d} onCompleted={() => { setDone(tr('対応を記録しました。', 'Recorded.')); detail.reload(); onChanged(); }} />
      ))}
      {d.links.length > 0 && <p>{tr('関連案件', 'Linked cases')}: {d.links.map((l) => <Link key={l.caseNumber} to={`/cases/${l.caseNumber}`}>{l.caseNumber} </Link>)}</p>}
      {d.callsWithoutMail.length > 0 && (
        <div className="notice" role="note">
          <strong>{tr('メールで事後報告していない電話', 'Calls not yet reported by mail')}</strong>
          <ul>
            {d.callsWithoutMail.map((c) => (
              <li key={c.id}>
                {fmtDateTime(c.at, lang)} {c.counterpart}: {c.summary}{' '}
                <button type="button" disabled={busy} onClick={() => void run(() => post(`/api/cases/${d.number}/calls/followup`, { callId: c.id }), tr('事後報告メールを送信しました。', 'The follow-up mail was sent.'))}>{tr('事後報告メールを送る', 'Send the follow-up mail')}</button>
              </li>
            ))}
          </ul>
        </div>
      )}
      {mails.length > 0 && (
        <details>
          <summary>{tr('メール', 'Mails')} ({mails.length})</summary>
          <ul>
            {mails.map((m) => (
              <li key={m.id}>
                {fmtDateTime(m.at, lang)} {lang === 'ja' ? m.messageJa : m.messageEn}
                {typeof m.data?.text === 'string' && <pre className="plaintext">{m.data.text}</pre>}
                {typeof m.data?.html === 'string' && !m.data.text && <p className="muted">{tr('HTMLのみのメールです（安全のため表示しません）。', 'HTML-only mail (not displayed, for safety).')}</p>}
              </li>
            ))}
          </ul>
        </details>
      )}
      <form onSubmit={sendReply} noValidate aria-label={tr('問い合わせ元へ返信', 'Reply to the asker')}>
        <Field label={tr('返信（メールで送信し、対応内容に残ります）', 'Reply (sent by mail, kept on the timeline)')} error={error}>
          {(props) => <textarea {...props} rows={4} value={reply} onChange={(e) => setReply(e.target.value)} />}
        </Field>
        <button type="submit" disabled={busy}>{tr('返信を送る', 'Send reply')}</button>
      </form>
      {similar.data && similar.data.items.length > 0 && (
        <div>
          <h3>{tr('過去の類似案件', 'Has this happened before?')}</h3>
          <ul>
            {similar.data.items.map((s) => (
              <li key={s.caseNumber}>
                <Link to={`/cases/${s.caseNumber}`}>{s.caseNumber}</Link> {s.subject}
                {s.fixedBy.filter((f) => f.what || f.note).map((f, i) => <div key={i} className="muted">{f.what ?? f.note}</div>)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
