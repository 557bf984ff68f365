import { useState, type FormEvent } from 'react';
import { Empty, ErrorBox, Field, Loading, Notice, PageTitle } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { api, ApiError, get } from '../lib/api';
import { clockToMinutes, fmtDate, jstDateKey, minutesToClock } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { describeProblem } from '../lib/problems';
import type { CalendarSettings, CalendarSettingsRequest, ClosingDay, ClosingDayRequest, Holidays } from '../lib/types';
import { useLoad } from '../lib/useLoad';
import { JstInput } from '../components/JstInput';

/**
 * 営業日カレンダー (R-HOURS-1): the non-business days of a year (national holidays and closing
 * days), the extra closing days an admin adds or removes, and the reception hours.
 */
export function BusinessCalendarPage() {
  const { lang, tr } = useI18n();
  const [year, setYear] = useState(() => Number(jstDateKey(Date.now()).slice(0, 4)));
  const [message, setMessage] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const holidays = useLoad(() => get<Holidays>('/api/calendar/holidays', { year }), [year]);
  const closing = useLoad(() => get<ClosingDay[]>('/api/calendar/closing-days'), []);

  const remove = async (day: ClosingDay) => {
    if (!window.confirm(tr(`${day.date}（${day.nameJa}）を閉庁日から外しますか？期限の計算が変わります。`, `Remove ${day.date} (${day.nameEn}) from the closing days? Deadlines will change.`))) return;
    setRefusal(null);
    try {
      await api('DELETE', `/api/calendar/closing-days/${day.date}`);
      setMessage(tr(`${day.date} を閉庁日から外しました。`, `${day.date} is no longer a closing day.`));
      closing.reload();
      holidays.reload();
    } catch (e) {
      setRefusal(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  };

  return (
    <>
      <PageTitle>{tr('営業日カレンダー', 'Business calendar')}</PageTitle>
      <p className="lead">{tr('SLAの期限は、土日・祝日・閉庁日を除いた受付時間で計算されます。ここでの変更は、これから計算される期限に反映されます。', 'SLA deadlines count reception hours on business days only (not weekends, national holidays or closing days). Changes here apply to deadlines computed from now on.')}</p>
      {message && <Notice>{message}</Notice>}
      <ErrorBox error={refusal} />
      <div className="grid-2">
        <section className="panel" aria-labelledby="closing-heading">
          <h2 id="closing-heading">{tr('追加の閉庁日', 'Extra closing days')}</h2>
          <ErrorBox error={closing.error} />
          {closing.data && closing.data.length === 0 && <Empty>{tr('追加の閉庁日はありません（年末年始は下の設定で管理します）。', 'None (the year-end period is set below).')}</Empty>}
          {closing.data && closing.data.length > 0 && (
            <table className="table compact">
              <thead>
                <tr>
                  <th scope="col">{tr('日付', 'Date')}</th>
                  <th scope="col">{tr('名称', 'Name')}</th>
                  <th scope="col">{tr('登録者', 'Added by')}</th>
                  <th scope="col">
                    <span className="sr-only">{tr('操作', 'Actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {closing.data.map((d) => (
                  <tr key={d.date}>
                    <td className="nowrap">{fmtDate(`${d.date}T12:00:00+09:00`, lang)}</td>
                    <td>{lang === 'ja' ? d.nameJa : d.nameEn}</td>
                    <td>{d.createdBy ?? '—'}</td>
                    <td>
                      <button type="button" className="btn btn-small btn-caution" onClick={() => void remove(d)}>
                        {tr('削除', 'Remove')}
                        <span className="sr-only"> {d.date}</span>
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <AddClosingDay
            onAdded={(date) => {
              setMessage(tr(`${date} を閉庁日に追加しました。`, `${date} added as a closing day.`));
              closing.reload();
              holidays.reload();
            }}
          />
        </section>
        <Settings onSaved={() => setMessage(tr('受付時間と年末年始の設定を保存しました。', 'Reception hours and year-end closing saved.'))} />
      </div>

      <section className="panel" aria-labelledby="holidays-heading">
        <div className="panel-head">
          <h2 id="holidays-heading">{tr(`${year}年の休日（土日以外）`, `Non-business days in ${year} (besides weekends)`)}</h2>
          <div className="month-nav">
            <button type="button" className="btn btn-secondary btn-small" onClick={() => setYear(year - 1)}>
              {tr(`← ${year - 1}年`, `← ${year - 1}`)}
            </button>
            <button type="button" className="btn btn-secondary btn-small" onClick={() => setYear(year + 1)}>
              {tr(`${year + 1}年 →`, `${year + 1} →`)}
            </button>
          </div>
        </div>
        <ErrorBox error={holidays.error} />
        {holidays.loading && !holidays.data && <Loading />}
        {holidays.data && (
          <DataTable
            columns={[
              tr('日付', 'Date'),
              tr('名称', 'Name'),
              tr('区分', 'Kind'),
            ]}
            className="table compact"
            wrap={false}
          >
            {holidays.data.days.map((d) => (
              <tr key={d.date}>
                <td className="nowrap">{fmtDate(`${d.date}T12:00:00+09:00`, lang)}</td>
                <td>{lang === 'ja' ? d.nameJa : d.nameEn}</td>
                <td>
                  {d.kind === 'national_holiday' ? tr('国民の祝日', 'National holiday') : tr('閉庁日', 'Closing day')}
                  {d.onWeekend && <span className="muted small">{tr('（土日と重複）', ' (on a weekend)')}</span>}
                </td>
              </tr>
            ))}
          </DataTable>
        )}
      </section>
    </>
  );
}

function AddClosingDay({ onAdded }: { onAdded(date: string): void }) {
  const { lang, tr } = useI18n();
  const [date, setDate] = useState('');
  const [nameJa, setNameJa] = useState('');
  const [nameEn, setNameEn] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const labels: Record<string, string> = { date: tr('日付', 'Date'), nameJa: tr('名称（日本語）', 'Name (Japanese)'), nameEn: tr('名称（英語）', 'Name (English)') };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    const found: Record<string, string> = {};
    if (!/^\d{4}-\d{2}-\d{2}$/.test(date)) found.date = describeProblem('is required', labels.date, lang);
    if (!nameJa.trim()) found.nameJa = describeProblem('is required', labels.nameJa, lang);
    else if (nameJa.length > 100) found.nameJa = describeProblem('must be at most 100 characters', labels.nameJa, lang);
    if (!nameEn.trim()) found.nameEn = describeProblem('is required', labels.nameEn, lang);
    else if (nameEn.length > 100) found.nameEn = describeProblem('must be at most 100 characters', labels.nameEn, lang);
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await api('POST', '/api/calendar/closing-days', { date, nameJa: nameJa.trim(), nameEn: nameEn.trim() } satisfies ClosingDayRequest);
      onAdded(date);
      setDate('');
      setNameJa('');
      setNameEn('');
    } catch (e) {
      const error = e instanceof ApiError ? e : new ApiError(0, String(e));
      if (error.field && labels[error.field]) setErrors({ [error.field]: describeProblem(error.message, labels[error.field], lang) });
      else setRefusal(error);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="form-grid three subform" aria-label={tr('閉庁日の追加', 'Add a closing day')}>
      <h3 className="wide3">{tr('閉庁日を追加する', 'Add a closing day')}</h3>
      <Field label={labels.date} required error={errors.date}>
        {(control) => <JstInput {...control} kind="date" value={date} onChange={setDate} />}
      </Field>
      <Field label={labels.nameJa} required error={errors.nameJa}>
        {(control) => <input {...control} value={nameJa} onChange={(e) => setNameJa(e.target.value)} placeholder="庁舎設備点検" />}
      </Field>
      <Field label={labels.nameEn} required error={errors.nameEn}>
        {(control) => <input {...control} value={nameEn} onChange={(e) => setNameEn(e.target.value)} placeholder="Building inspection" />}
      </Field>
      <div className="wide3">
        <ErrorBox error={refusal} />
        <button type="submit" className="btn btn-primary">
          {tr('追加する', 'Add')}
        </button>
      </div>
    </form>
  );
}

function Settings({ onSaved }: { onSaved(): void }) {
  const { lang, tr } = useI18n();
  const settings = useLoad(() => get<CalendarSettings>('/api/calendar/settings'), []);
  const [form, setForm] = useState<{ open: string; close: string; from: string; to: string } | null>(null);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const current = form ?? (settings.data ? { open: minutesToClock(settings.data.openMinutes), close: minutesToClock(settings.data.closeMinutes), from: settings.data.closingPeriodFrom ?? '', to: settings.data.closingPeriodTo ?? '' } : null);
  const set = (k: 'open' | 'close' | 'from' | 'to', v: string) => setForm({ ...current!, [k]: v });
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!current) return;
    setRefusal(null);
    const found: Record<string, string> = {};
    const open = clockToMinutes(current.open);
    const close = clockToMinutes(current.close);
    if (open === null) found.open = tr('時刻を入力してください。', 'Enter a time.');
    if (close === null) found.close = tr('時刻を入力してください。', 'Enter a time.');
    if (open !== null && close !== null && open >= close) found.close = tr('終了は開始より後にしてください。', 'The end must be after the start.');
    const md = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
    if (current.from && !md.test(current.from)) found.from = tr('MM-DD の形式で入力してください（例: 12-29）。', 'Use MM-DD (e.g. 12-29).');
    if (current.to && !md.test(current.to)) found.to = tr('MM-DD の形式で入力してください（例: 01-03）。', 'Use MM-DD (e.g. 01-03).');
    if (!current.from !== !current.to) found.to = tr('開始と終了は両方入力するか、両方空欄にしてください。', 'Give both or neither.');
    setErrors(found);
    if (Object.keys(found).length) return;
    try {
      await api('PUT', '/api/calendar/settings', { openMinutes: open!, closeMinutes: close!, closingPeriodFrom: current.from || null, closingPeriodTo: current.to || null } satisfies CalendarSettingsRequest);
      setForm(null);
      settings.reload();
      onSaved();
    } catch (e) {
      setRefusal(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  };
  return (
    <section className="panel" aria-labelledby="settings-heading">
      <h2 id="settings-heading">{tr('受付時間と年末年始の閉庁', 'Reception hours and year-end closing')}</h2>
      {settings.loading && !settings.data && <Loading />}
      <ErrorBox error={settings.error} />
      {current && (
        <form onSubmit={(e) => void submit(e)} noValidate className="form-grid two">
          <Field label={tr('受付開始', 'Opens at')} required error={errors.open} hint={tr('日本時間', 'Japan time')}>
            {(control) => <JstInput {...control} kind="time" value={current.open} onChange={(v) => set('open', v)} />}
          </Field>
          <Field label={tr('受付終了', 'Closes at')} required error={errors.close}>
            {(control) => <JstInput {...control} kind="time" value={current.close} onChange={(v) => set('close', v)} />}
          </Field>
          <Field label={tr('年末年始閉庁の開始（MM-DD）', 'Year-end closing from (MM-DD)')} error={errors.from}>
            {(control) => <input {...control} value={current.from} onChange={(e) => set('from', e.target.value)} placeholder="12-29" inputMode="numeric" />}
          </Field>
          <Field label={tr('年末年始閉庁の終了（MM-DD）', 'Year-end closing until (MM-DD)')} error={errors.to}>
            {(control) => <input {...control} value={current.to} onChange={(e) => set('to', e.target.value)} placeholder="01-03" inputMode="numeric" />}
          </Field>
          <div className="wide">
            <ErrorBox error={refusal} />
            <button type="submit" className="btn btn-primary">
              {tr('保存する', 'Save')}
            </button>
            {settings.data?.updatedBy && <span className="muted small"> {tr(`最終更新: ${settings.data.updatedBy}`, `Last changed by ${settings.data.updatedBy}`)}{settings.data.updatedAt && `（${fmtDate(settings.data.updatedAt, lang)}）`}</span>}
          </div>
        </form>
      )}
    </section>
  );
}
