import { useEffect, useMemo, useRef, useState, type FormEvent } from 'react';
import { useNavigate } from 'react-router-dom';
import { checkRequestParams, REQUEST_TYPE_BY_NAME, REQUEST_TYPES } from '../../../workflows/shared/request-types';
import { paramLabel, ParamsFields, toParams, type RawParams } from '../components/ParamsFields';
import { ErrorBox, Field, FieldGroup, PageTitle } from '../components/ui';
import { ApiError, get, post } from '../lib/api';
import { fmtDateTime, fromJstInput } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { describeProblem } from '../lib/problems';
import { useSession } from '../lib/session';
import type { CaseStarted, Deadline, SubmitWorkRequest, WorkRequestTypes } from '../lib/types';
import { JstInput } from '../components/JstInput';

/**
 * 作業依頼: one form per request type, built from the shared schema and checked with the same
 * checkRequestParams() the API runs; shows the completion due date the request would get.
 */
export function NewWorkRequestPage() {
  const { lang, tr } = useI18n();
  const { user, departments, hasRole, departmentName } = useSession();
  const navigate = useNavigate();
  const onBehalf = hasRole('general_affairs') && !hasRole('department');
  const [type, setType] = useState('');
  const [subject, setSubject] = useState('');
  const [raw, setRaw] = useState<RawParams>({});
  const [desiredDate, setDesiredDate] = useState('');
  const [note, setNote] = useState('');
  const [departmentId, setDepartmentId] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const [due, setDue] = useState<{ dueAt: string; days: number } | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const definition = type ? REQUEST_TYPE_BY_NAME[type] : undefined;

  useEffect(() => {
    let cancelled = false;
    get<WorkRequestTypes>('/api/work-request-types')
      .then(({ slaBusinessDays }) => get<Deadline>('/api/calendar/deadline', { from: new Date().toISOString(), businessDays: slaBusinessDays }).then((d) => ({ dueAt: d.dueAt, days: slaBusinessDays })))
      .then((d) => !cancelled && setDue(d))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, []);

  const labelOf = useMemo(
    () => (field: string) => {
      if (field === 'subject') return tr('件名', 'Subject');
      if (field === 'type') return tr('依頼の種類', 'Request type');
      if (field === 'desiredDate') return tr('希望日時', 'Desired date');
      if (field === 'departmentId') return tr('依頼元の所管課', 'Requesting department');
      if (field === 'note') return tr('補足', 'Note');
      return paramLabel(definition, field, lang);
    },
    [definition, lang, tr],
  );

  const validate = (): Record<string, string> => {
    const found: Record<string, string> = {};
    if (!type) found.type = describeProblem('type is required', labelOf('type'), lang, { choice: true });
    if (!subject.trim()) found.subject = describeProblem('subject is required', labelOf('subject'), lang);
    else if (subject.trim().length > 200) found.subject = describeProblem('must be at most 200 characters', labelOf('subject'), lang);
    if (desiredDate && !fromJstInput(desiredDate)) found.desiredDate = describeProblem('must be an ISO 8601 date-time', labelOf('desiredDate'), lang);
    if (note.length > 4000) found.note = describeProblem('must be at most 4000 characters', labelOf('note'), lang);
    if (onBehalf && !departmentId) found.departmentId = describeProblem('departmentId is required', labelOf('departmentId'), lang, { choice: true });
    if (definition) {
      // Exactly the API's check (first problem), plus every other empty required parameter at once.
      const params = toParams(definition, raw);
      const problem = checkRequestParams(type, params);
      if (problem) {
        const spec = definition.params.find((p) => `params.${p.name}` === problem.field);
        found[problem.field] = describeProblem(problem.message, labelOf(problem.field), lang, { choice: spec?.type === 'enum', otherLabel: labelOf });
      }
      for (const spec of definition.params) {
        const key = `params.${spec.name}`;
        if (spec.required && params[spec.name] === undefined && !found[key]) found[key] = describeProblem(`${key} is required`, labelOf(key), lang, { choice: spec.type === 'enum' });
      }
    }
    return found;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    const found = validate();
    setErrors(found);
    if (Object.keys(found).length) {
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"]')?.focus());
      return;
    }
    setBusy(true);
    try {
      const body = {
        type: type as SubmitWorkRequest['type'], // checked above: one of REQUEST_TYPES
        subject: subject.trim(),
        params: toParams(definition!, raw),
        ...(desiredDate ? { desiredDate: fromJstInput(desiredDate)! } : {}),
        ...(note.trim() ? { note } : {}),
        ...(onBehalf ? { departmentId } : {}),
      } satisfies SubmitWorkRequest;
      const result = await post<CaseStarted>('/api/work-requests', body);
      const created = tr(`作業依頼 ${result.caseNumber ?? ''} を提出しました。総務課の受付をお待ちください。`, `Work request ${result.caseNumber ?? ''} submitted. General affairs will accept it.`);
      navigate(`/cases/${result.caseNumber ?? result.caseId}`, { state: { created } });
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, String(e));
      if (error.field && error.field !== 'type' && labelOf(error.field)) {
        setErrors({ [error.field]: describeProblem(error.message, labelOf(error.field), lang, { otherLabel: labelOf }) });
      } else setRefusal(error);
    } finally {
      setBusy(false);
    }
  };

  return (
    <>
      <PageTitle>{tr('作業依頼の作成', 'New work request')}</PageTitle>
      <p className="lead">
        {onBehalf
          ? tr('所管課に代わって作業依頼を登録します。', 'Register a work request on behalf of a department.')
          : tr(`${departmentName(user?.departmentId, lang)}から基盤の運用作業を依頼します。総務課が受け付けた時点から3営業日以内に完了します。`, `Ask for platform work for ${departmentName(user?.departmentId, lang)}. It is done within 3 business days of acceptance.`)}
      </p>
      <form ref={formRef} className="panel" onSubmit={(e) => void submit(e)} noValidate aria-label={tr('作業依頼', 'Work request')}>
        <div className="form-grid">
          {onBehalf && (
            <Field label={labelOf('departmentId')!} required error={errors.departmentId}>
              {(control) => (
                <select {...control} name="departmentId" value={departmentId} onChange={(e) => setDepartmentId(e.target.value)}>
                  <option value="">{tr('選択してください', 'Choose')}</option>
                  {departments.map((d) => (
                    <option key={d.id} value={d.id}>
                      {lang === 'ja' ? d.nameJa : d.nameEn}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          )}
          <Field label={labelOf('type')!} required error={errors.type}>
            {(control) => (
              <select
                {...control}
                name="type"
                value={type}
                onChange={(e) => {
                  setType(e.target.value);
                  setRaw({});
                  setErrors({});
                }}
              >
                <option value="">{tr('選択してください', 'Choose')}</option>
                {REQUEST_TYPES.map((t) => (
                  <option key={t.type} value={t.type}>
                    {lang === 'ja' ? t.labelJa : t.labelEn}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={labelOf('subject')!} required error={errors.subject} hint={tr('一覧で見て分かる短い件名（200文字以内）', 'A short title (up to 200 characters)')} className="wide">
            {(control) => <input {...control} name="subject" maxLength={200} value={subject} onChange={(e) => setSubject(e.target.value)} placeholder={tr('例: 税務システム検証用VMの払出し', 'e.g. VM for testing the tax system')} />}
          </Field>
        </div>
        {definition && (
          <FieldGroup legend={tr(`依頼内容: ${definition.labelJa}`, `Details: ${definition.labelEn}`)} className="params">
            <ParamsFields definition={definition} values={raw} onChange={setRaw} errors={errors} />
          </FieldGroup>
        )}
        <div className="form-grid">
          <Field label={labelOf('desiredDate')!} error={errors.desiredDate} hint={tr('任意。日本時間。', 'Optional. Japan time.')}>
            {(control) => <JstInput {...control} kind="datetime" name="desiredDate" value={desiredDate} onChange={setDesiredDate} />}
          </Field>
          <Field label={labelOf('note')!} error={errors.note} hint={tr('任意。背景や注意点など（4000文字以内）', 'Optional. Background, cautions (up to 4000 characters)')} className="wide">
            {(control) => <textarea {...control} name="note" rows={3} value={note} onChange={(e) => setNote(e.target.value)} />}
          </Field>
        </div>
        <div className="due-preview" role="note">
          <strong>{tr('完了期限の目安', 'Expected due date')}: </strong>
          {due
            ? tr(
                `本日受け付けられた場合、${fmtDateTime(due.dueAt, lang)} まで（受付から${due.days}営業日）`,
                `if accepted now: ${fmtDateTime(due.dueAt, lang)} (${due.days} business days from acceptance)`,
              )
            : tr('計算中…', 'calculating…')}
          <div className="small muted">{tr('期限は総務課が受け付けた時点から計算されます。土日・祝日・閉庁日は数えません。', 'The clock starts when general affairs accepts the request; weekends, holidays and closing days do not count.')}</div>
        </div>
        <ErrorBox error={refusal} />
        <div className="actions">
          <button type="submit" className="btn btn-primary" disabled={busy}>
            {busy ? tr('送信中…', 'Submitting…') : tr('依頼を提出する', 'Submit request')}
          </button>
        </div>
      </form>
    </>
  );
}
