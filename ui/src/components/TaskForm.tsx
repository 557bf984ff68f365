import { useMemo, useRef, useState, type FormEvent } from 'react';
import { maintenanceTooSoon } from '../../../workflows/shared/maintenance';
import { checkRequestParams, REQUEST_TYPE_BY_NAME } from '../../../workflows/shared/request-types';
import { checkTaskCompletion, TASK_TYPES, type TaskField } from '../../../workflows/shared/task-types';
import { ApiError, post } from '../lib/api';
import { fmtDateTime, fromJstInput, toJstInput } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { OPTION_LABELS, requestTypeLabel } from '../lib/labels';
import { describeProblem } from '../lib/problems';
import { useSession } from '../lib/session';
import type { CaseDetail, CompleteTaskRequest, Task } from '../lib/types';
import { fromParams, paramLabel, ParamsFields, toParams, type RawParams } from './ParamsFields';
import { ErrorBox, Field, FieldGroup } from './ui';
import { JstInput } from './JstInput';

type Values = Record<string, string | boolean | string[] | undefined>;

function initialValues(task: Task): Values {
  const values: Values = {};
  const suggested = task.suggested ?? {};
  for (const field of TASK_TYPES[task.type]?.fields ?? []) {
    const s = suggested[field.name];
    if (field.type === 'string[]' && Array.isArray(s)) values[field.name] = s.filter((v): v is string => typeof v === 'string');
    else if ((field.type === 'string' || field.type === 'text') && typeof s === 'string') values[field.name] = s;
    else if (field.type === 'datetime' && typeof s === 'string' && !Number.isNaN(Date.parse(s))) values[field.name] = toJstInput(s);
  }
  return values;
}

/**
 * Completes one human step in place: the outcomes this task allows (one button each), the note
 * and the data fields of TASK_TYPES, checked with the same checkTaskCompletion() as the API before
 * anything is sent. The API's refusals (403, 409, 422 with a field) are shown in plain words.
 */
export function TaskForm({ task, detail, onCompleted }: { task: Task; detail?: CaseDetail | null; onCompleted(task: Task, outcome: string): void }) {
  const { lang, tr } = useI18n();
  const { departments } = useSession();
  const definition = TASK_TYPES[task.type];
  const [values, setValues] = useState<Values>(() => initialValues(task));
  const [note, setNote] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [lastOutcome, setLastOutcome] = useState<string | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const formRef = useRef<HTMLFormElement>(null);
  const requestDefinition = detail?.requestType ? REQUEST_TYPE_BY_NAME[detail.requestType] : undefined;
  const [rawParams, setRawParams] = useState<RawParams>(() =>
    requestDefinition ? fromParams(requestDefinition, (task.suggested?.params as Record<string, unknown> | undefined) ?? detail?.params) : {},
  );
  const checklist = useMemo(() => {
    const list = (lang === 'ja' ? task.suggested?.checklistJa : task.suggested?.checklistEn) ?? task.suggested?.checklistJa;
    return Array.isArray(list) ? list.filter((v): v is string => typeof v === 'string') : [];
  }, [task.suggested, lang]);
  const [checked, setChecked] = useState<boolean[]>(() => checklist.map(() => false));

  if (!definition) return <p className="muted">{tr('この作業の入力画面はありません。', 'No form for this task.')}</p>;
  const outcomes = definition.outcomes.filter((o) => task.allowedOutcomes.includes(o.value));
  const fields = definition.fields ?? [];
  const fieldLabel = (name: string) => {
    const f = fields.find((x) => x.name === name);
    return f ? (lang === 'ja' ? f.labelJa : f.labelEn) : null;
  };
  const noteRequiredFor = (definition.noteRequiredFor ?? []).filter((o) => task.allowedOutcomes.includes(o));
  const outcomeLabel = (value: string) => {
    const o = definition.outcomes.find((x) => x.value === value);
    return o ? (lang === 'ja' ? o.labelJa : o.labelEn) : value;
  };

  const labelFor = (field: string): string | null => {
    if (field === 'note') return tr('コメント', 'Comment');
    if (field.startsWith('data.params.')) return paramLabel(requestDefinition, field, lang);
    if (field.startsWith('data.')) return fieldLabel(field.slice(5));
    return null;
  };

  const buildData = (outcome: string): Record<string, unknown> => {
    const data: Record<string, unknown> = {};
    for (const field of fields) {
      if (field.onlyFor && !field.onlyFor.includes(outcome)) continue;
      if (field.type === 'object') {
        if (task.type === 'resubmit_request' && requestDefinition) data[field.name] = toParams(requestDefinition, rawParams);
        continue;
      }
      const value = values[field.name];
      if (value === undefined || value === '') continue;
      if (field.type === 'boolean') data[field.name] = value === 'true';
      else if (field.type === 'datetime') data[field.name] = fromJstInput(String(value)) ?? String(value);
      else if (field.type === 'string[]') {
        if (Array.isArray(value) && value.length) data[field.name] = value;
      } else data[field.name] = typeof value === 'string' && field.type !== 'text' ? value.trim() : value;
    }
    return data;
  };

  /** The same checks as the API (and the workflow's extra rules), first problem per field. */
  const validate = (outcome: string, data: Record<string, unknown>, noteText: string | undefined): Record<string, string> => {
    const found: Record<string, string> = {};
    const problem = checkTaskCompletion(task.type, outcome, noteText, data);
    if (problem) {
      const f = fields.find((x) => `data.${x.name}` === problem.field);
      found[problem.field] = describeProblem(problem.message, labelFor(problem.field), lang, { choice: f?.type === 'boolean' || f?.type === 'string[]' });
      // Also report other missing required fields at once, so the form is fixed in one go.
      for (const field of fields) {
        const key = `data.${field.name}`;
        if (found[key]) continue;
        const required = field.required === true || (Array.isArray(field.required) && field.required.includes(outcome));
        if (required && (data[field.name] === undefined || data[field.name] === '')) {
          found[key] = describeProblem(`${key} is required`, labelFor(key), lang, { choice: field.type === 'boolean' || field.type === 'string[]' });
        }
      }
    }
    if (task.type === 'plan_work' && !found['data.plannedEnd'] && typeof data.plannedStart === 'string' && typeof data.plannedEnd === 'string') {
      if (Date.parse(data.plannedEnd) <= Date.parse(data.plannedStart)) found['data.plannedEnd'] = describeProblem('data.plannedEnd must be after data.plannedStart', null, lang);
    }
    if (task.type === 'resubmit_request' && outcome === 'resubmitted' && requestDefinition && data.params) {
      const p = checkRequestParams(requestDefinition.type, data.params);
      if (p) found[`data.${p.field}`] = describeProblem(p.message, labelFor(`data.${p.field}`), lang, { otherLabel: (f) => paramLabel(requestDefinition, f, lang) });
    }
    if (task.type === 'confirm_plan' && outcome === 'confirmed' && detail?.record.workPlan?.stopsService) {
      const earliest = maintenanceTooSoon(detail.record.workPlan.plannedStart, new Date().toISOString());
      if (earliest) {
        found.outcome = tr(
          `サービス停止を伴う作業は1か月以上前に協議が必要です（R-SCHED-1）。作業開始を ${earliest} 以降にするよう「修正依頼」してください。`,
          `A service-stopping maintenance must be agreed at least one month ahead (R-SCHED-1): ask for a revision with a start on or after ${earliest}.`,
        );
      }
    }
    return found;
  };

  const submit = async (outcome: string) => {
    setRefusal(null);
    setLastOutcome(outcome);
    const data = buildData(outcome);
    let noteText = note.trim() ? note : undefined;
    if (task.type === 'execute_work' && checklist.length) {
      const done = checked.filter(Boolean).length;
      if (done < checklist.length && !window.confirm(tr(`チェックリストに未確認の項目が ${checklist.length - done} 件あります。作業完了にしますか？`, `${checklist.length - done} checklist item(s) are not ticked. Mark the work as done anyway?`))) return;
      const lines = checklist.map((item, i) => `${checked[i] ? '☑' : '☐'} ${item}`).join('\n');
      noteText = `${noteText ? `${noteText}\n` : ''}${tr('チェックリスト', 'Checklist')} ${done}/${checklist.length}:\n${lines}`;
    }
    if (outcome === 'withdrawn' && !window.confirm(tr('この作業依頼を取り下げます。よろしいですか？', 'Withdraw this request?'))) return;
    const found = validate(outcome, data, noteText);
    setErrors(found);
    if (Object.keys(found).length) {
      requestAnimationFrame(() => formRef.current?.querySelector<HTMLElement>('[aria-invalid="true"], .field-invalid input, .field-invalid textarea')?.focus());
      return;
    }
    setBusy(outcome);
    try {
      await post(`/api/tasks/${encodeURIComponent(task.id)}/complete`, { outcome, ...(noteText ? { note: noteText } : {}), ...(Object.keys(data).length ? { data } : {}) } satisfies CompleteTaskRequest);
      onCompleted(task, outcome);
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, String(e));
      if (error.field && (error.field === 'note' || error.field.startsWith('data.'))) {
        setErrors({ [error.field]: describeProblem(error.message, labelFor(error.field), lang) });
      } else {
        setRefusal(error);
      }
    } finally {
      setBusy(null);
    }
  };

  const onSubmit = (e: FormEvent) => {
    e.preventDefault();
    if (outcomes.length === 1) void submit(outcomes[0].value);
  };

  const setValue = (name: string, value: string | boolean | string[] | undefined) => setValues((v) => ({ ...v, [name]: value }));

  const renderField = (field: TaskField) => {
    const key = `data.${field.name}`;
    const labelText = lang === 'ja' ? field.labelJa : field.labelEn;
    const required = field.required === true || (Array.isArray(field.required) && outcomes.every((o) => (field.required as string[]).includes(o.value)));
    const error = errors[key] ?? null;
    const value = values[field.name];
    if (field.type === 'object') {
      if (!requestDefinition) return null;
      return (
        <FieldGroup key={field.name} legend={`${labelText}（${requestTypeLabel(requestDefinition.type, lang)}）`} className="wide">
          <ParamsFields definition={requestDefinition} values={rawParams} onChange={setRawParams} errors={errors} errorPrefix="data.params." />
        </FieldGroup>
      );
    }
    if (field.type === 'boolean') {
      const yes = field.name === 'serviceStopped' ? tr('あり（停止した）', 'Yes (stopped)') : field.name === 'stopsService' ? tr('伴う', 'Yes') : tr('はい', 'Yes');
      const no = field.name === 'serviceStopped' ? tr('なし', 'No') : field.name === 'stopsService' ? tr('伴わない', 'No') : tr('いいえ', 'No');
      return (
        <FieldGroup key={field.name} legend={labelText} required={required} error={error}>
          <div className="choices inline">
            {[
              ['true', yes],
              ['false', no],
            ].map(([v, text]) => (
              <label key={v} className="choice">
                <input type="radio" name={`${task.id}-${field.name}`} value={v} checked={value === v} onChange={() => setValue(field.name, v)} aria-invalid={error ? true : undefined} /> {text}
              </label>
            ))}
          </div>
        </FieldGroup>
      );
    }
    if (field.type === 'string[]') {
      const selected = Array.isArray(value) ? value : [];
      const suggested = Array.isArray(task.suggested?.[field.name]) ? (task.suggested![field.name] as string[]) : [];
      return (
        <FieldGroup
          key={field.name}
          legend={labelText}
          required={required}
          error={error}
          hint={suggested.length ? tr('構成管理台帳で対象機器を使う所管課を選択済みです。必要に応じて変更してください。', 'Preselected from the inventory: the departments whose systems use the device.') : undefined}
        >
          <div className="choices">
            {departments.map((d) => (
              <label key={d.id} className="choice">
                <input
                  type="checkbox"
                  value={d.id}
                  checked={selected.includes(d.id)}
                  aria-invalid={error ? true : undefined}
                  onChange={(e) => setValue(field.name, e.target.checked ? [...selected, d.id] : selected.filter((x) => x !== d.id))}
                />{' '}
                {lang === 'ja' ? d.nameJa : d.nameEn}
                {suggested.includes(d.id) && <span className="tag">{tr('対象機器の所管', 'uses the device')}</span>}
              </label>
            ))}
          </div>
        </FieldGroup>
      );
    }
    const hint =
      field.type === 'datetime'
        ? tr('日本時間で入力', 'Japan time')
        : field.maxLength && field.type === 'text'
          ? tr(`${field.maxLength}文字以内`, `up to ${field.maxLength} characters`)
          : undefined;
    return (
      <Field key={field.name} label={labelText} required={required} error={error} hint={hint} className={field.type === 'text' ? 'wide' : ''}>
        {(control) =>
          field.type === 'text' ? (
            <textarea {...control} rows={3} value={typeof value === 'string' ? value : ''} onChange={(e) => setValue(field.name, e.target.value)} />
          ) : field.type === 'datetime' ? (
            <JstInput {...control} kind="datetime" value={typeof value === 'string' ? value : ''} onChange={(v) => setValue(field.name, v)} className="narrow" />
          ) : (
            <input
              {...control}
              type={field.type === 'email' ? 'email' : 'text'}
              value={typeof value === 'string' ? value : ''}
              onChange={(e) => setValue(field.name, e.target.value)}
            />
          )
        }
      </Field>
    );
  };

  const plan = detail?.record.workPlan;
  const mainFields = fields.filter((f) => !f.onlyFor);
  /** Fields that only one outcome needs (the maker's desk e-mail): shown beside that outcome, folded until opened. */
  const outcomeExtras = outcomes
    .map((o) => ({ outcome: o, fields: fields.filter((f) => f.onlyFor?.includes(o.value)) }))
    .filter((x) => x.fields.length > 0);
  return (
    <form ref={formRef} className="task-form" onSubmit={onSubmit} noValidate aria-label={lang === 'ja' ? definition.labelJa : definition.labelEn}>
      {task.type === 'confirm_plan' && plan && (
        <div className="context">
          <strong>{tr('承認する作業計画', 'Plan to confirm')}</strong>
          <p>
            {fmtDateTime(plan.plannedStart, lang)} 〜 {fmtDateTime(plan.plannedEnd, lang)}
            {plan.stopsService ? <span className="badge stop">{tr('⚠ サービス停止あり', '⚠ Stops a service')}</span> : <span className="badge neutral">{tr('サービス停止なし', 'No service stop')}</span>}
          </p>
          <p className="pre">{plan.content}</p>
        </div>
      )}
      {task.type === 'accept_request' && detail?.params && (
        <div className="context">
          <strong>{tr('依頼内容', 'Request')}: {requestTypeLabel(detail.requestType, lang)}</strong>
          <ParamsSummary detail={detail} />
        </div>
      )}
      {task.type === 'plan_work' && (
        <p className="hint">
          {tr('サービス停止を伴う作業は、作業日の1か月以上前に総務課と合意が必要です（R-SCHED-1）。', 'A service-stopping maintenance must be agreed with general affairs at least one month before the work date (R-SCHED-1).')}
        </p>
      )}
      {checklist.length > 0 && (
        <FieldGroup legend={tr('作業チェックリスト', 'Checklist')} hint={tr('確認した項目はコメントとして作業履歴に残ります。', 'The ticked items are kept in the work history as a comment.')}>
          <div className="choices">
            {checklist.map((item, i) => (
              <label key={item} className="choice">
                <input type="checkbox" checked={checked[i] ?? false} onChange={(e) => setChecked((c) => c.map((x, j) => (j === i ? e.target.checked : x)))} /> {item}
              </label>
            ))}
          </div>
        </FieldGroup>
      )}
      <div className="form-grid">{mainFields.map(renderField)}</div>
      <Field
        label={tr('コメント', 'Comment')}
        required={noteRequiredFor.length > 0 && noteRequiredFor.length === outcomes.length}
        error={errors.note ?? null}
        hint={
          noteRequiredFor.length > 0
            ? tr(`「${noteRequiredFor.map(outcomeLabel).join('」「')}」を選ぶときは理由を必ず入力してください。`, `Required (the reason) for: ${noteRequiredFor.map(outcomeLabel).join(', ')}.`)
            : tr('任意。作業履歴に残ります。', 'Optional. Kept in the work history.')
        }
        className="wide"
      >
        {(control) => <textarea {...control} rows={2} value={note} onChange={(e) => setNote(e.target.value)} />}
      </Field>
      {errors.outcome && (
        <div className="field-error" role="alert">
          <span aria-hidden="true">⚠ </span>
          {errors.outcome}
        </div>
      )}
      <ErrorBox error={refusal} onRetry={lastOutcome ? () => void submit(lastOutcome) : undefined} />
      {outcomeExtras.map(({ outcome: o, fields: extra }) => (
        <details key={o.value} className="outcome-extra" open={extra.some((f) => errors[`data.${f.name}`] || values[f.name]) || undefined}>
          <summary>{tr(`「${o.labelJa}」を選ぶ場合の入力`, `Only for "${o.labelEn}"`)}</summary>
          <div className="form-grid">{extra.map(renderField)}</div>
        </details>
      ))}
      <div className="actions">
        {outcomes.map((o, i) => (
          <button
            key={o.value}
            type={outcomes.length === 1 ? 'submit' : 'button'}
            className={`btn ${i === 0 ? 'btn-primary' : /reject|revise|returned|not_ok|withdrawn/.test(o.value) ? 'btn-caution' : 'btn-secondary'}`}
            disabled={busy !== null}
            onClick={outcomes.length === 1 ? undefined : () => void submit(o.value)}
          >
            {busy === o.value ? tr('送信中…', 'Sending…') : lang === 'ja' ? o.labelJa : o.labelEn}
          </button>
        ))}
      </div>
    </form>
  );
}

export function ParamsSummary({ detail }: { detail: CaseDetail }) {
  const { lang } = useI18n();
  const definition = detail.requestType ? REQUEST_TYPE_BY_NAME[detail.requestType] : undefined;
  if (!detail.params) return null;
  const params = detail.params;
  // The schema's order (what the requester saw), then anything the schema does not know.
  const keys = [...(definition?.params.map((p) => p.name).filter((k) => k in params) ?? []), ...Object.keys(params).filter((k) => !definition?.params.some((p) => p.name === k))];
  return (
    <dl className="kv compact">
      {keys.map((key) => {
        const value = params[key];
        const spec = definition?.params.find((p) => p.name === key);
        const text = typeof value === 'string' ? (spec?.type === 'enum' ? OPTION_LABELS[value]?.[lang] ?? value : value) : typeof value === 'boolean' ? (value ? '✓' : '—') : JSON.stringify(value);
        return (
          <div key={key} className="kv-row">
            <dt>{spec ? (lang === 'ja' ? spec.labelJa : spec.labelEn) : key}</dt>
            <dd>{text}</dd>
          </div>
        );
      })}
    </dl>
  );
}
