import { useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { ErrorBox, Field, PageTitle } from '../components/ui';
import { ApiError, get, post } from '../lib/api';
import { fromJstInput } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { SEVERITIES, SEVERITY_LABELS } from '../lib/labels';
import { describeProblem } from '../lib/problems';
import type { AssetPage, CaseStarted, ReportIncidentRequest } from '../lib/types';
import { useLoad } from '../lib/useLoad';
import { JstInput } from '../components/JstInput';

/** 障害報告: an incident reported by hand (a phone call from a department, a fault seen on site). */
export function ReportIncidentPage() {
  const { lang, tr, pick } = useI18n();
  const navigate = useNavigate();
  const assets = useLoad(() => get<AssetPage>('/api/assets', { limit: 200 }), []);
  const [hostname, setHostname] = useState('');
  const [subject, setSubject] = useState('');
  const [summary, setSummary] = useState('');
  const [severity, setSeverity] = useState('');
  const [detectedAt, setDetectedAt] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const formRef = useRef<HTMLFormElement>(null);
  const labels: Record<string, string> = {
    hostname: tr('対象機器（ホスト名）', 'Device (host name)'),
    subject: tr('件名', 'Subject'),
    summary: tr('状況', 'What happened'),
    severity: tr('重要度', 'Severity'),
    detectedAt: tr('検知日時', 'Detected at'),
  };
  const known = assets.data?.items.find((a) => a.hostname === hostname.trim().toLowerCase());

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    const found: Record<string, string> = {};
    const host = hostname.trim();
    if (!host) found.hostname = describeProblem('hostname is required', labels.hostname, lang);
    else if (!/^[^\s\p{Cc}]+$/u.test(host) || host.length > 253) found.hostname = tr('対象機器のホスト名に空白や制御文字は使えません（253文字以内）。', 'The host name must have no spaces or control characters (up to 253).');
    if (!subject.trim()) found.subject = describeProblem('subject is required', labels.subject, lang);
    else if (subject.length > 200) found.subject = describeProblem('must be at most 200 characters', labels.subject, lang);
    if (!summary.trim()) found.summary = describeProblem('summary is required', labels.summary, lang);
    else if (summary.length > 4000) found.summary = describeProblem('must be at most 4000 characters', labels.summary, lang);
    if (!severity) found.severity = describeProblem('severity is required', labels.severity, lang, { choice: true });
    const detectedIso = detectedAt ? fromJstInput(detectedAt) : null;
    if (detectedAt && !detectedIso) found.detectedAt = describeProblem('ISO 8601', labels.detectedAt, lang);
    setErrors(found);
    if (Object.keys(found).length) {
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(true);
    try {
      const result = await post<CaseStarted>('/api/incidents', { hostname: host, subject: subject.trim(), summary, severity: severity as ReportIncidentRequest['severity'], ...(detectedIso ? { detectedAt: detectedIso } : {}) } satisfies ReportIncidentRequest);
      if (!result.caseNumber && !result.caseId) throw new ApiError(409, tr('同じ報告が既に受け付けられています。', 'This report was already received.'));
      navigate(`/cases/${result.caseNumber ?? result.caseId}`, { state: { created: tr(`障害 ${result.caseNumber ?? ''} を登録しました。総務課と運用保守事業者へメールで通知しています。`, `Incident ${result.caseNumber ?? ''} registered; general affairs and the operators are e-mailed.`) } });
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, String(e));
      if (error.field && labels[error.field]) setErrors({ [error.field]: describeProblem(error.message, labels[error.field], lang) });
      else setRefusal(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{tr('障害の報告', 'Report an incident')}</PageTitle>
      <p className="lead">{tr('監視の警報によらない障害（所管課からの電話、現地での発見など）を登録します。受付時間内は2時間以内の現地対応がSLAです。', 'Register a fault that did not come from monitoring (a call from a department, found on site). Within reception hours the on-site SLA is 2 hours.')}</p>
      <form ref={formRef} className="panel" onSubmit={(e) => void submit(e)} noValidate aria-label={tr('障害の報告', 'Report an incident')}>
        <div className="form-grid">
          <Field
            label={labels.hostname}
            required
            error={errors.hostname}
            hint={
              hostname.trim() && assets.data
                ? known
                  ? tr(`構成管理台帳に登録済み: ${known.businessSystems.join('、') || '—'}（${known.departments.map((d) => d.nameJa).join('、') || '所管課なし'}）`, `In the inventory: ${known.businessSystems.join(', ') || '—'} (${known.departments.map((d) => d.nameEn).join(', ') || 'no department'})`)
                  : tr('構成管理台帳にない機器です（登録外機器として受け付けます）。', 'Not in the inventory (it will be flagged as unregistered).')
                : tr('一覧から選ぶか入力してください。', 'Choose from the list or type it.')
            }
          >
            {(control) => (
              <>
                <input {...control} name="hostname" list="asset-hosts" autoComplete="off" spellCheck={false} value={hostname} onChange={(e) => setHostname(e.target.value)} />
                <datalist id="asset-hosts">
                  {assets.data?.items.map((a) => (
                    <option key={a.id} value={a.hostname}>
                      {a.businessSystems.join('、')}
                    </option>
                  ))}
                </datalist>
              </>
            )}
          </Field>
          <Field label={labels.severity} required error={errors.severity}>
            {(control) => (
              <select {...control} name="severity" value={severity} onChange={(e) => setSeverity(e.target.value)}>
                <option value="">{tr('選択してください', 'Choose')}</option>
                {SEVERITIES.map((s) => (
                  <option key={s} value={s}>
                    {pick(SEVERITY_LABELS[s])}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={labels.subject} required error={errors.subject} className="wide">
            {(control) => <input {...control} name="subject" maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} placeholder={tr('例: 税務システムにログインできない', 'e.g. Cannot sign in to the tax system')} />}
          </Field>
          <Field label={labels.summary} required error={errors.summary} className="wide" hint={tr('誰から・いつ・どのような症状か', 'Who reported it, when, what is wrong')}>
            {(control) => <textarea {...control} name="summary" rows={4} value={summary} onChange={(e) => setSummary(e.target.value)} />}
          </Field>
          <Field label={labels.detectedAt} error={errors.detectedAt} hint={tr('空欄なら現在時刻。日本時間。', 'Now if empty. Japan time.')}>
            {(control) => <JstInput {...control} kind="datetime" name="detectedAt" value={detectedAt} onChange={setDetectedAt} />}
          </Field>
        </div>
        <ErrorBox error={refusal} />
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? tr('送信中…', 'Sending…') : tr('障害を登録する', 'Register incident')}
          </button>
        </div>
      </form>
    </>
  );
}
