import { useState, type FormEvent } from 'react';
import { Empty, ErrorBox, Field, Loading, PageTitle } from '../components/ui';
import { api, ApiError, get, post } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { describeProblem } from '../lib/problems';
import type { AlertSource, CreateAlertSourceRequest, CreatedAlertSource } from '../lib/types';
import { useLoad } from '../lib/useLoad';

/** 監視連携: the monitoring systems that may post alerts, each with its own token. */
export function AlertSourcesPage() {
  const { lang, tr } = useI18n();
  const list = useLoad(() => get<AlertSource[]>('/api/alert-sources'), []);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string } | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [copied, setCopied] = useState(false);

  const create = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    if (!name.trim()) {
      setNameError(describeProblem('is required', tr('監視システムの名前', 'Monitoring system name'), lang));
      return;
    }
    setNameError(null);
    try {
      const answer = await post<CreatedAlertSource>('/api/alert-sources', { name: name.trim() } satisfies CreateAlertSourceRequest);
      setCreated({ name: answer.name, token: answer.token });
      setCopied(false);
      setName('');
      list.reload();
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, String(e));
      if (error.field === 'name' || error.status === 409) setNameError(describeProblem(error.message, tr('監視システムの名前', 'Monitoring system name'), lang));
      else setRefusal(error);
    }
  };

  const revoke = async (source: AlertSource) => {
    if (!window.confirm(tr(`「${source.name}」のトークンを無効にします。この監視システムからの警報は受け付けられなくなります。よろしいですか？`, `Revoke the token of "${source.name}"? Its alerts will be refused from now on.`))) return;
    setRefusal(null);
    try {
      await api('DELETE', `/api/alert-sources/${source.id}`);
      list.reload();
    } catch (e) {
      setRefusal(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  };

  return (
    <>
      <PageTitle>{tr('監視連携（警報の送信元）', 'Alert sources')}</PageTitle>
      <p className="lead">{tr('警報を送る監視システムごとにトークンを発行します。監視システムは POST /api/alerts に Authorization: Bearer <トークン> を付けて送信します。', 'Each monitoring system gets its own token and posts to POST /api/alerts with Authorization: Bearer <token>.')}</p>
      <ErrorBox error={refusal} />
      {created && (
        <div className="alert alert-warning" role="status">
          <strong>{tr(`「${created.name}」のトークンを発行しました。この画面を離れると二度と表示されません。`, `Token for "${created.name}" issued. It will not be shown again.`)}</strong>
          <div className="token-row">
            <code className="token" aria-label={tr('トークン', 'Token')}>
              {created.token}
            </code>
            <button
              type="button"
              className="btn btn-small btn-secondary"
              onClick={() => {
                void navigator.clipboard?.writeText(created.token).then(() => setCopied(true));
              }}
            >
              {copied ? tr('コピーしました', 'Copied') : tr('コピー', 'Copy')}
            </button>
          </div>
        </div>
      )}
      <section className="panel" aria-labelledby="sources-heading">
        <h2 id="sources-heading">{tr('登録済みの監視システム', 'Registered systems')}</h2>
        <ErrorBox error={list.error} />
        {list.loading && !list.data && <Loading />}
        {list.data && list.data.length === 0 && <Empty>{tr('登録されていません。', 'None yet.')}</Empty>}
        {list.data && list.data.length > 0 && (
          <table className="table">
            <thead>
              <tr>
                <th scope="col">{tr('名前', 'Name')}</th>
                <th scope="col">{tr('状態', 'State')}</th>
                <th scope="col">{tr('登録', 'Created')}</th>
                <th scope="col">{tr('最終受信', 'Last used')}</th>
                <th scope="col">
                  <span className="sr-only">{tr('操作', 'Actions')}</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {list.data.map((s) => (
                <tr key={s.id}>
                  <td>
                    <strong>{s.name}</strong>
                  </td>
                  <td>{s.revokedAt ? <span className="badge neutral">{tr(`無効（${fmtDateTime(s.revokedAt, lang)}）`, `Revoked (${fmtDateTime(s.revokedAt, lang)})`)}</span> : <span className="badge ok">{tr('有効', 'Active')}</span>}</td>
                  <td>
                    {fmtDateTime(s.createdAt, lang)}
                    <div className="small muted">{s.createdBy}</div>
                  </td>
                  <td>{s.lastUsedAt ? fmtDateTime(s.lastUsedAt, lang) : <span className="muted">{tr('未受信', 'Never')}</span>}</td>
                  <td>
                    {!s.revokedAt && (
                      <button type="button" className="btn btn-small btn-caution" onClick={() => void revoke(s)}>
                        {tr('無効にする', 'Revoke')}
                        <span className="sr-only"> {s.name}</span>
                      </button>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>
      <section className="panel" aria-labelledby="add-source-heading">
        <h2 id="add-source-heading">{tr('監視システムを登録する', 'Register a monitoring system')}</h2>
        <form onSubmit={(e) => void create(e)} noValidate className="inline-form">
          <Field label={tr('監視システムの名前', 'Monitoring system name')} required error={nameError} hint={tr('例: prometheus-alertmanager（100文字以内、重複不可）', 'e.g. prometheus-alertmanager (unique, up to 100 characters)')}>
            {(control) => <input {...control} maxLength={100} value={name} onChange={(e) => setName(e.target.value)} />}
          </Field>
          <button type="submit" className="btn btn-primary">
            {tr('トークンを発行する', 'Issue a token')}
          </button>
        </form>
      </section>
    </>
  );
}
