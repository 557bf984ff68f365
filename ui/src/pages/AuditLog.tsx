import { useEffect, useState, type FormEvent } from 'react';
import { useSearchParams } from 'react-router-dom';
import { Empty, ErrorBox, Field, Loading, PageTitle, Pager } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { ApiError, fetchFile, get, type Query } from '../lib/api';
import { downloadBlob } from '../lib/csv';
import { fmtDateTimeSeconds, jstDateKey, jstDayStart, localiseInstants } from '../lib/format';
import { humanMessage, useI18n } from '../lib/i18n';
import type { AuditPage, AuditVerification } from '../lib/types';
import { AUDIT_ACTION_LABELS, AUDIT_FIELD_LABELS } from '../../../workflows/shared/audit-actions';
import { useLoad } from '../lib/useLoad';
import { JstInput } from '../components/JstInput';

const PAGE_SIZE = 50;
const FILTER_KEYS = ['actor', 'action', 'target', 'outcome', 'from', 'to'] as const;
type Filters = Record<(typeof FILTER_KEYS)[number], string>;

const OUTCOMES: Record<string, { ja: string; en: string; glyph: string }> = {
  ok: { ja: '成功', en: 'OK', glyph: '✔' },
  success: { ja: '成功', en: 'OK', glyph: '✔' },
  failure: { ja: '失敗', en: 'Failed', glyph: '✖' },
  refused: { ja: '拒否', en: 'Refused', glyph: '⛔' },
  failed: { ja: '失敗', en: 'Failed', glyph: '✖' },
};

const REASONS: Record<string, { ja: string; en: string }> = {
  altered: { ja: '行の内容が書き換えられています', en: 'an entry was changed' },
  link: { ja: '前の行とのつながりが切れています', en: 'the link to the previous entry is broken' },
  missing: { ja: '行が削除されています', en: 'entries were deleted' },
  head: { ja: 'チェーンの先頭情報と合いません', en: 'the chain head does not match' },
};

function filtersOf(params: URLSearchParams): Filters {
  return Object.fromEntries(FILTER_KEYS.map((k) => [k, params.get(k) ?? ''])) as Filters;
}

/** The API's query: dates are Japan-time days, `to` inclusive (the API's `to` is exclusive). */
function apiQuery(f: Filters): Query {
  return {
    actor: f.actor.trim() || undefined,
    action: f.action.trim() || undefined,
    target: f.target.trim() || undefined,
    outcome: f.outcome || undefined,
    from: f.from ? jstDayStart(f.from) : undefined,
    to: f.to ? jstDayStart(f.to, 1) : undefined,
  };
}

/**
 * Control and direction-override characters stored in a target or a request (a hostile client's
 * bell, an escape code) written out as escapes (\u0007, \u202E), never rendered as boxes or,
 * worse, reordering the line.
 */
export function visibleControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}`);
}

/** What an entry changed, for people: labelled fields (依頼内容: 結果=承認、…), no JSON. */
function changeText(change: unknown, lang: 'ja' | 'en'): string {
  if (change === null || change === undefined) return '';
  const label = (key: string) => (AUDIT_FIELD_LABELS[key] ? (lang === 'ja' ? AUDIT_FIELD_LABELS[key].ja : AUDIT_FIELD_LABELS[key].en) : key);
  const value = (v: unknown, depth: number): string => {
    if (v === null || v === undefined) return '—';
    if (typeof v === 'boolean') return lang === 'ja' ? (v ? 'はい' : 'いいえ') : v ? 'yes' : 'no';
    if (typeof v !== 'object') return localiseInstants(visibleControls(String(v)), lang);
    if (Array.isArray(v)) return v.map((x) => value(x, depth + 1)).join(lang === 'ja' ? '、' : ', ');
    const parts = Object.entries(v as Record<string, unknown>).map(([k, x]) => `${label(k)}${depth === 0 ? ': ' : '='}${value(x, depth + 1)}`);
    return depth === 0 ? parts.join(' ／ ') : `（${parts.join(lang === 'ja' ? '、' : ', ')}）`;
  };
  const text = value(change, 0);
  return text.length > 300 ? `${text.slice(0, 297)}…` : text;
}

/**
 * 監査ログ (auditors and admins): who did what to which record and when, filtered; the CSV the API
 * writes (UTF-8 with BOM, Japanese headers; the export is itself recorded); and the hash chain check.
 */
export function AuditLogPage() {
  const { lang, tr, pick } = useI18n();
  const [params, setParams] = useSearchParams();
  const applied = filtersOf(params);
  const offset = Number(params.get('offset') ?? 0) || 0;
  const key = params.toString();
  const [form, setForm] = useState<Filters>(applied);
  const [dateError, setDateError] = useState<string | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<ApiError | null>(null);
  const [verifying, setVerifying] = useState(false);
  const [verification, setVerification] = useState<AuditVerification | null>(null);
  const [verifyError, setVerifyError] = useState<ApiError | null>(null);
  useEffect(() => setForm(filtersOf(new URLSearchParams(key))), [key]);

  const { data, error, loading } = useLoad(() => get<AuditPage>('/api/audit', { ...apiQuery(applied), limit: PAGE_SIZE, offset }), [key]);

  const search = (e: FormEvent) => {
    e.preventDefault();
    if (form.from && form.to && form.from > form.to) {
      setDateError(tr('終了日は開始日以降にしてください。', 'The end date must be on or after the start date.'));
      return;
    }
    setDateError(null);
    const next = new URLSearchParams();
    for (const k of FILTER_KEYS) if (form[k].trim()) next.set(k, form[k].trim());
    setParams(next);
  };
  const clear = () => {
    setForm(Object.fromEntries(FILTER_KEYS.map((k) => [k, ''])) as Filters);
    setDateError(null);
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
      const { blob, filename } = await fetchFile('/api/audit', { ...apiQuery(applied), format: 'csv' });
      downloadBlob(filename ?? `opsdesk-audit-${jstDateKey(Date.now()).replace(/-/g, '')}.csv`, blob);
    } catch (e) {
      setExportError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setExporting(false);
    }
  };
  const verify = async () => {
    setVerifying(true);
    setVerification(null);
    setVerifyError(null);
    try {
      setVerification(await get<AuditVerification>('/api/audit/verify'));
    } catch (e) {
      setVerifyError(e instanceof ApiError ? e : new ApiError(0, String(e)));
    } finally {
      setVerifying(false);
    }
  };
  const set = (k: keyof Filters, v: string) => setForm((f) => ({ ...f, [k]: v }));

  return (
    <>
      <PageTitle
        actions={
          <button type="button" className="btn btn-secondary" onClick={() => void verify()} disabled={verifying}>
            {verifying ? tr('検証中…', 'Verifying…') : tr('チェーン検証', 'Verify chain')}
          </button>
        }
      >
        {tr('監査ログ', 'Audit log')}
      </PageTitle>
      <p className="lead">
        {tr(
          '誰が・いつ・何に対して・どの操作をしたかの記録です。各行は前の行のハッシュを含む連鎖になっており、「チェーン検証」で削除や改ざんがないことを確認できます。',
          'Who did what, to which record, and when. Each entry carries the hash of the one before it; "Verify chain" checks that nothing was deleted or altered.',
        )}
      </p>

      <div aria-live="polite">
        {verifyError && <ErrorBox error={verifyError} title={tr('チェーンを検証できませんでした。', 'The chain could not be verified.')} />}
        {verification?.ok && (
          <div className="alert alert-success" role="status">
            <strong>
              {tr('チェーン検証: OK', 'Chain verified: OK')}
            </strong>
            <p>{tr(`${verification.checked} 件すべての行がつながっており、削除・改ざんはありません（最終行 ${verification.lastSeq}）。`, `All ${verification.checked} entries link up: nothing was deleted or altered (last entry ${verification.lastSeq}).`)}</p>
            <p className="small mono break">{verification.headHash}</p>
          </div>
        )}
        {verification && !verification.ok && (
          <div className="alert alert-error" role="alert">
            <strong>
              {tr('チェーン検証: 異常あり', 'Chain verification: broken')}
            </strong>
            {verification.firstBroken && (
              <>
                <p>
                  {tr(
                    `最初の異常は ${verification.firstBroken.seq} 行目です: ${pick(REASONS[verification.firstBroken.reason])}。`,
                    `The first broken link is at entry ${verification.firstBroken.seq}: ${pick(REASONS[verification.firstBroken.reason])}.`,
                  )}
                </p>
                <p className="small">{humanMessage(verification.firstBroken.message, lang)}</p>
              </>
            )}
            <p className="small">{tr(`それより前の ${verification.checked} 件は正常です。`, `The ${verification.checked} entries before it are intact.`)}</p>
          </div>
        )}
      </div>

      <form className="panel search-form" onSubmit={search} noValidate role="search" aria-label={tr('監査ログの検索', 'Search the audit log')}>
        <div className="form-grid search">
          <Field label={tr('操作者（ユーザー名）', 'Actor (user name)')} hint={tr('例: ga1', 'e.g. ga1')}>
            {(p) => <input {...p} type="text" value={form.actor} onChange={(e) => set('actor', e.target.value)} autoComplete="off" />}
          </Field>
          <Field label={tr('操作', 'Action')} hint={tr('完全一致、または末尾に * で前方一致（例: task.*）', 'Exact, or a prefix ending in * (e.g. task.*)')}>
            {(p) => <input {...p} type="text" value={form.action} onChange={(e) => set('action', e.target.value)} autoComplete="off" />}
          </Field>
          <Field label={tr('対象', 'Target')} hint={tr('完全一致、または末尾に * で前方一致（例: case:INC-2026-*）', 'Exact, or a prefix ending in * (e.g. case:INC-2026-*)')}>
            {(p) => <input {...p} type="text" value={form.target} onChange={(e) => set('target', e.target.value)} autoComplete="off" />}
          </Field>
          <Field label={tr('結果', 'Outcome')}>
            {(p) => (
              <select {...p} value={form.outcome} onChange={(e) => set('outcome', e.target.value)}>
                <option value="">{tr('すべて', 'All')}</option>
                {Object.entries(OUTCOMES).map(([value, o]) => (
                  <option key={value} value={value}>
                    {pick(o)}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label={tr('開始日', 'From')} error={dateError}>
            {(p) => <JstInput {...p} kind="date" value={form.from} onChange={(v) => set('from', v)} />}
          </Field>
          <Field label={tr('終了日', 'To')} hint={tr('この日を含む（日本時間）', 'Inclusive (Japan time)')}>
            {(p) => <JstInput {...p} kind="date" value={form.to} onChange={(v) => set('to', v)} />}
          </Field>
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
            {exporting ? tr('出力中…', 'Exporting…') : tr('CSV出力', 'Export CSV')}
          </button>
        </div>
      </form>
      <ErrorBox error={exportError} title={tr('CSVを出力できませんでした。', 'The CSV could not be exported.')} />

      {loading && !data && <Loading />}
      {error && <ErrorBox error={error} />}
      {data && (
        <section aria-labelledby="audit-results-heading" className="panel">
          <h2 id="audit-results-heading">
            {tr(`検索結果 ${data.total} 件`, `${data.total} entr${data.total === 1 ? 'y' : 'ies'}`)}
            {data.total > 0 && <span className="muted small"> {tr(`（${offset + 1}〜${Math.min(offset + PAGE_SIZE, data.total)} 件目、新しい順）`, ` (${offset + 1}–${Math.min(offset + PAGE_SIZE, data.total)}, newest first)`)}</span>}
          </h2>
          {data.items.length === 0 ? (
            <Empty>{tr('条件に合う記録はありません。', 'No entries match.')}</Empty>
          ) : (
            <DataTable
              columns={[
                tr('番号', 'No.'),
                tr('日時', 'At'),
                tr('操作者', 'Actor'),
                tr('操作', 'Action'),
                tr('対象', 'Target'),
                tr('結果', 'Outcome'),
                tr('内容', 'Change'),
              ]}
              className="table compact audit-table"
            >
              {data.items.map((e) => {
                const o = OUTCOMES[e.outcome];
                return (
                  <tr key={e.id}>
                    <td className="nowrap">{e.seq}</td>
                    <td className="nowrap">{fmtDateTimeSeconds(e.at, lang)}</td>
                    <td>
                      {e.actor ? (
                        <>
                          {e.actor.displayName ?? e.actor.username}
                          {e.actor.username && <div className="small muted mono">{e.actor.username}</div>}
                        </>
                      ) : (
                        <span className="muted">{tr('システム', 'System')}</span>
                      )}
                    </td>
                    <td className="small" title={e.action}>{AUDIT_ACTION_LABELS[e.action] ? pick(AUDIT_ACTION_LABELS[e.action]) : e.action}</td>
                    <td className="mono small">{e.target ? visibleControls(e.target) : <span className="muted">—</span>}</td>
                    <td className="nowrap">
                      <span className={`badge outcome outcome-${e.outcome}`}>
                        <span aria-hidden="true">{o?.glyph ?? '•'} </span>
                        {o ? pick(o) : e.outcome}
                      </span>
                      {e.status !== null && <span className="small muted"> {e.status}</span>}
                    </td>
                    <td className="small change">{changeText(e.change, lang)}</td>
                  </tr>
                );
              })}
            </DataTable>
          )}
          <Pager offset={offset} pageSize={PAGE_SIZE} total={data.total} onGoto={goto} />
        </section>
      )}
    </>
  );
}
