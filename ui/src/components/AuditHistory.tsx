import { useState } from 'react';
import { ApiError, fetchFile, get, post } from '../lib/api';
import { downloadBlob } from '../lib/csv';
import { fmtDateTimeSeconds, localiseInstants } from '../lib/format';
import { humanMessage, useI18n } from '../lib/i18n';
import type { CaseHistoryView, ConsistencyResult, ReplayResult } from '../lib/types';
import { useLoad } from '../lib/useLoad';
import { Empty, ErrorBox, Loading } from './ui';

const EVENT_KIND: Record<string, { ja: string; en: string }> = {
  workflow_started: { ja: '開始', en: 'Started' },
  workflow_closed: { ja: '終了', en: 'Closed' },
  timer_started: { ja: 'タイマー', en: 'Timer' },
  timer_fired: { ja: 'タイマー満了', en: 'Timer fired' },
  timer_cancelled: { ja: 'タイマー取消', en: 'Timer cancelled' },
  task_completed: { ja: '作業完了', en: 'Step done' },
  update_rejected: { ja: '操作拒否', en: 'Rejected' },
  hold: { ja: '保留', en: 'Hold' },
  resume: { ja: '再開', en: 'Resume' },
  signal: { ja: 'シグナル', en: 'Signal' },
  email: { ja: 'メール', en: 'E-mail' },
  record: { ja: '記録', en: 'Record' },
  activity: { ja: '処理', en: 'Activity' },
  activity_failed: { ja: '処理失敗', en: 'Activity failed' },
  status: { ja: '状況', en: 'Status' },
  marker: { ja: 'マーカー', en: 'Marker' },
  workflow_task_failed: { ja: '実行失敗', en: 'Task failed' },
};

const WORKFLOW_STATUS: Record<string, { ja: string; en: string }> = {
  RUNNING: { ja: '実行中', en: 'Running' },
  COMPLETED: { ja: '完了', en: 'Completed' },
  FAILED: { ja: '失敗', en: 'Failed' },
  CANCELED: { ja: '取消', en: 'Cancelled' },
  CANCELLED: { ja: '取消', en: 'Cancelled' },
  TERMINATED: { ja: '強制終了', en: 'Terminated' },
  CONTINUED_AS_NEW: { ja: '継続（新しい実行）', en: 'Continued as new' },
  TIMED_OUT: { ja: 'タイムアウト', en: 'Timed out' },
};

const toError = (e: unknown) => (e instanceof ApiError ? e : new ApiError(0, e instanceof Error ? e.message : String(e)));

/**
 * ワークフロー履歴 (auditors and admins): the Temporal history of the case's workflow as a
 * readable timeline, the raw JSON to download, a replay against the current workflow code, and a
 * comparison of the case record with the history. Every call is itself written to the audit log.
 */
export function AuditHistoryPanel({ caseId, caseNumber }: { caseId: string; caseNumber: string }) {
  const { lang, tr, pick } = useI18n();
  const path = `/api/cases/${encodeURIComponent(caseId)}`;
  const history = useLoad(() => get<CaseHistoryView>(`${path}/history`), [path]);
  const [downloading, setDownloading] = useState(false);
  const [downloadError, setDownloadError] = useState<ApiError | null>(null);
  const [replaying, setReplaying] = useState(false);
  const [replay, setReplay] = useState<ReplayResult | null>(null);
  const [replayError, setReplayError] = useState<ApiError | null>(null);
  const [checking, setChecking] = useState(false);
  const [consistency, setConsistency] = useState<ConsistencyResult | null>(null);
  const [consistencyError, setConsistencyError] = useState<ApiError | null>(null);
  const [showAll, setShowAll] = useState(false);

  const downloadRaw = async () => {
    setDownloading(true);
    setDownloadError(null);
    try {
      const { blob, filename } = await fetchFile(`${path}/history`, { format: 'raw' });
      downloadBlob(filename ?? `${caseNumber}.history.json`, blob);
    } catch (e) {
      setDownloadError(toError(e));
    } finally {
      setDownloading(false);
    }
  };
  const runReplay = async () => {
    setReplaying(true);
    setReplay(null);
    setReplayError(null);
    try {
      setReplay(await post<ReplayResult>(`${path}/replay`));
    } catch (e) {
      setReplayError(toError(e));
    } finally {
      setReplaying(false);
    }
  };
  const runConsistency = async () => {
    setChecking(true);
    setConsistency(null);
    setConsistencyError(null);
    try {
      setConsistency(await get<ConsistencyResult>(`${path}/consistency`));
    } catch (e) {
      setConsistencyError(toError(e));
    } finally {
      setChecking(false);
    }
  };

  const h = history.data;
  const LIMIT = 200;
  const events = h ? (showAll ? h.timeline : h.timeline.slice(0, LIMIT)) : [];
  const sourceText = (source: string) => (source === 'archive' ? tr('アーカイブ', 'archive') : tr('Temporalサーバー', 'Temporal server'));

  return (
    <section className="panel audit-history" aria-labelledby="workflow-history-heading">
      <div className="panel-head">
        <h2 id="workflow-history-heading">{tr('ワークフロー履歴', 'Workflow history')}</h2>
        <div className="actions audit-actions">
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void downloadRaw()} disabled={downloading}>
            {downloading ? tr('取得中…', 'Downloading…') : tr('履歴JSONをダウンロード', 'Download history JSON')}
          </button>
          <button type="button" className="btn btn-primary btn-small" onClick={() => void runReplay()} disabled={replaying}>
            {replaying ? tr('再生検証中…', 'Replaying…') : tr('再生検証', 'Replay')}
          </button>
          <button type="button" className="btn btn-secondary btn-small" onClick={() => void runConsistency()} disabled={checking}>
            {checking ? tr('確認中…', 'Checking…') : tr('整合性確認', 'Consistency')}
          </button>
        </div>
      </div>
      <p className="muted small">
        {tr('この画面での参照・ダウンロード・検証はすべて監査ログに記録されます。', 'Every view, download and check here is written to the audit log.')}
      </p>

      <ErrorBox error={downloadError} title={tr('履歴JSONをダウンロードできませんでした。', 'The history JSON could not be downloaded.')} />

      <div aria-live="polite">
        {replayError && <ErrorBox error={replayError} title={tr('再生検証を実行できませんでした。', 'The replay could not be run.')} />}
        {replay && <ReplayOutcome result={replay} sourceText={sourceText} />}
        {consistencyError && <ErrorBox error={consistencyError} title={tr('整合性を確認できませんでした。', 'The consistency check could not be run.')} />}
        {consistency && (
          <div className={`alert ${consistency.consistent ? 'alert-success' : 'alert-warning'}`} role="status">
            <strong>
              {!consistency.consistent && <span aria-hidden="true">⚠ </span>}
              {tr('整合性確認', 'Consistency')}: {consistency.consistent ? tr('一致', 'consistent') : tr(`不一致 ${consistency.mismatches.length} 件`, `${consistency.mismatches.length} mismatch${consistency.mismatches.length === 1 ? '' : 'es'}`)}
            </strong>
            <p className="small">
              {tr(
                `案件記録と履歴を比較しました（工程 ${consistency.checked.steps}・作業 ${consistency.checked.tasks}・保留/再開 ${consistency.checked.holdsAndResumes}・メール ${consistency.checked.emails}・対応内容 ${consistency.checked.timelineEntries} 件、時刻の許容差 ${Math.round(consistency.toleranceMs / 1000)} 秒、履歴の取得元: ${sourceText(consistency.source)}）。`,
                `Compared the case record with the history (${consistency.checked.steps} steps, ${consistency.checked.tasks} tasks, ${consistency.checked.holdsAndResumes} holds/resumes, ${consistency.checked.emails} e-mails, ${consistency.checked.timelineEntries} record entries; time tolerance ${Math.round(consistency.toleranceMs / 1000)} s; history from the ${sourceText(consistency.source)}).`,
              )}
            </p>
            {consistency.mismatches.length > 0 && (
              <ul className="mismatches">
                {consistency.mismatches.map((m, i) => (
                  <li key={i}>
                    {pick(m)}
                    {m.eventId !== undefined && <span className="muted small"> {tr(`（履歴イベント ${m.eventId}）`, ` (history event ${m.eventId})`)}</span>}
                  </li>
                ))}
              </ul>
            )}
          </div>
        )}
      </div>

      {history.loading && !h && <Loading />}
      {history.error && <ErrorBox error={history.error} title={tr('ワークフロー履歴を取得できませんでした。', 'The workflow history could not be loaded.')} />}
      {h && (
        <>
          <dl className="kv history-summary">
            <dt>{tr('ワークフロー', 'Workflow')}</dt>
            <dd>
              <span className="mono">{h.workflowType}</span> <span className="muted small mono">{h.workflowId}</span>
            </dd>
            <dt>{tr('状態', 'State')}</dt>
            <dd>
              <span className="badge neutral">{pick(WORKFLOW_STATUS[h.status] ?? { ja: h.status, en: h.status })}</span>{' '}
              {fmtDateTimeSeconds(h.startTime, lang)} 〜 {h.closeTime ? fmtDateTimeSeconds(h.closeTime, lang) : tr('（実行中）', '(running)')}
            </dd>
            <dt>{tr('イベント数', 'Events')}</dt>
            <dd>{h.eventCount}</dd>
            <dt>{tr('取得元', 'Source')}</dt>
            <dd>
              {sourceText(h.source)}
              {h.archive && (
                <span className="small">
                  {' '}
                  {tr(`（${fmtDateTimeSeconds(h.archive.archivedAt, 'ja')} アーカイブ済み、チェックサム${h.archive.checksumVerified ? '確認済み' : '未確認'}）`, ` (archived ${fmtDateTimeSeconds(h.archive.archivedAt, 'en')}, checksum ${h.archive.checksumVerified ? 'verified' : 'not verified'})`)}
                </span>
              )}
            </dd>
            <dt>SHA-256</dt>
            <dd className="mono small break">{h.sha256}</dd>
          </dl>
          <h3 id="history-timeline-heading">{tr('履歴（時系列）', 'History (in time order)')}</h3>
          {h.timeline.length === 0 ? (
            <Empty>—</Empty>
          ) : (
            <ol className="timeline history-timeline" aria-labelledby="history-timeline-heading">
              {events.map((e, i) => (
                // One recordCaseEvents activity is several readable steps of the same event.
                <li key={`${e.eventId}-${i}`} className={`tl tl-${e.kind}`}>
                  <time dateTime={e.at}>{fmtDateTimeSeconds(e.at, lang)}</time>
                  <span className={`badge tl-kind hk-${e.kind}`}>{pick(EVENT_KIND[e.kind] ?? { ja: e.kind, en: e.kind })}</span>
                  <div className="tl-body">
                    <span className="tl-msg pre">{localiseInstants(lang === 'ja' ? e.ja : e.en, lang)}</span>
                    {e.actor && <span className="tl-actor muted"> — {e.actor}</span>}
                    <span className="muted small"> #{e.eventId}</span>
                  </div>
                </li>
              ))}
            </ol>
          )}
          {h.timeline.length > LIMIT && (
            <button type="button" className="btn btn-secondary btn-small" onClick={() => setShowAll((v) => !v)} aria-expanded={showAll}>
              {showAll ? tr(`先頭 ${LIMIT} 件だけ表示`, `Show the first ${LIMIT} only`) : tr(`残り ${h.timeline.length - LIMIT} 件も表示`, `Show the other ${h.timeline.length - LIMIT}`)}
            </button>
          )}
        </>
      )}
    </section>
  );
}

function ReplayOutcome({ result, sourceText }: { result: ReplayResult; sourceText: (s: string) => string }) {
  const { lang, tr, pick } = useI18n();
  const facts = tr(
    `ワークフロー ${result.workflowType}、イベント ${result.eventCount} 件、所要 ${result.durationMs} ms、履歴の取得元: ${sourceText(result.source)}`,
    `workflow ${result.workflowType}, ${result.eventCount} events, ${result.durationMs} ms, history from the ${sourceText(result.source)}`,
  );
  if (result.ok) {
    return (
      <div className="alert alert-success" role="status">
        <strong>
          {tr('再生検証: OK', 'Replay: OK')}
        </strong>
        <p>{tr('現在のワークフローのコードで履歴を再生し、記録どおりの結果になりました。', 'The history replays on the current workflow code and gives the same result as recorded.')}</p>
        <p className="small">{facts}</p>
      </div>
    );
  }
  const p = result.problem;
  return (
    <div className="alert alert-error" role="alert">
      <strong>
        {tr('再生検証: 不一致', 'Replay: does not match')}
      </strong>
      <p>{p ? humanMessage(pick(p), lang) : tr('現在のコードでは履歴どおりに再生できませんでした。', 'The current code does not replay this history as recorded.')}</p>
      {p && (p.historyDid || p.codeDid || p.eventId !== null) && (
        <dl className="kv small">
          {p.eventId !== null && (
            <>
              <dt>{tr('イベント', 'Event')}</dt>
              <dd>
                #{p.eventId} {p.eventType ?? ''} {p.eventTime ? fmtDateTimeSeconds(p.eventTime, lang) : ''}
              </dd>
            </>
          )}
          {p.historyDid && (
            <>
              <dt>{tr('履歴の記録', 'History says')}</dt>
              <dd>{pick(p.historyDid)}</dd>
            </>
          )}
          {p.codeDid && (
            <>
              <dt>{tr('現在のコード', 'Current code did')}</dt>
              <dd>{pick(p.codeDid)}</dd>
            </>
          )}
        </dl>
      )}
      <p className="small">{facts}</p>
      {p?.sdkMessage && (
        <details className="small">
          <summary>{tr('開発者向けの詳細', 'Details for developers')}</summary>
          <pre className="pre mono">{p.sdkMessage}</pre>
        </details>
      )}
    </div>
  );
}
