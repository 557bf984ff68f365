import type { SlaView } from '../lib/types';
import { fmtDate, fmtDateTime, fmtDuration, fmtTime, jstParts } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { SLA_KIND_LABELS } from '../lib/labels';

export type SlaStateKind = 'ok' | 'warn50' | 'warn75' | 'breached' | 'paused' | 'met' | 'missed' | 'none';

/**
 * The SLA state as the server's clock saw it: the 50 % and 75 % warnings are measured in business
 * time by the workflow (warningsSent), so the UI never guesses them from wall-clock time.
 */
export function slaState(sla: SlaView | null | undefined, fallback?: { dueAt: string | null; breached: boolean; status?: string }): SlaStateKind {
  if (sla) {
    if (sla.stoppedAt) return sla.breached ? 'missed' : 'met';
    if (sla.breached) return 'breached';
    if (sla.paused) return 'paused';
    if (sla.warningsSent.includes(75)) return 'warn75';
    if (sla.warningsSent.includes(50)) return 'warn50';
    return 'ok';
  }
  if (!fallback?.dueAt) return 'none';
  if (fallback.breached) return fallback.status === 'done' ? 'missed' : 'breached';
  if (fallback.status === 'done') return 'met';
  return 'ok';
}

const STATE_TEXT: Record<SlaStateKind, { ja: string; en: string; glyph: string }> = {
  ok: { ja: '期限内', en: 'On track', glyph: '●' },
  warn50: { ja: '50%経過', en: '50% used', glyph: '▲' },
  warn75: { ja: '75%経過', en: '75% used', glyph: '▲' },
  breached: { ja: '期限超過', en: 'Breached', glyph: '■' },
  paused: { ja: '一時停止中', en: 'Paused', glyph: '‖' },
  met: { ja: '期限内に達成', en: 'Met', glyph: '✓' },
  missed: { ja: '期限超過で終了', en: 'Missed', glyph: '✕' },
  none: { ja: 'SLA対象外', en: 'No SLA', glyph: '–' },
};

export function SlaBadge({ state }: { state: SlaStateKind }) {
  const { lang } = useI18n();
  const text = STATE_TEXT[state];
  return (
    <span className={`badge sla sla-${state}`}>
      <span aria-hidden="true">{text.glyph} </span>
      {text[lang]}
    </span>
  );
}

/** "残り 1時間20分" or "3時間 超過": time to the due instant, from now. */
export function Countdown({ dueAt, now, state }: { dueAt: string | null | undefined; now: number; state: SlaStateKind }) {
  const { lang, tr } = useI18n();
  if (!dueAt || state === 'met' || state === 'missed' || state === 'none') return null;
  const left = Date.parse(dueAt) - now;
  if (state === 'paused') return <span className="countdown">{tr('期限は再開後に延長されます', 'due time extends on resume')}</span>;
  return left >= 0 ? (
    <span className="countdown">{tr(`残り ${fmtDuration(left, lang)}`, `${fmtDuration(left, lang)} left`)}</span>
  ) : (
    <span className="countdown overdue">{tr(`${fmtDuration(left, lang)} 超過`, `${fmtDuration(left, lang)} over`)}</span>
  );
}

/**
 * Whether an SLA started outside reception hours (R-SLA-2: due at 10:30 on the next business day).
 * Records from before issue 22 lack the workflow's answer: read it from the start's Japan time
 * (weekends and 08:30–17:15; a holiday is not known here, and then the due's gap tells).
 */
export function startedOutOfHours(sla: SlaView): boolean {
  if (sla.withinReceptionHours !== undefined) return !sla.withinReceptionHours;
  if (sla.kind !== 'onsite') return false;
  const p = jstParts(sla.startAt);
  const minutes = p.hour * 60 + p.minute;
  return p.weekday === 0 || p.weekday === 6 || minutes < 510 || minutes >= 1035 || Date.parse(sla.originalDueAt) - Date.parse(sla.startAt) > 2 * 3_600_000 + 60_000;
}

type Bi = { ja: string; en: string };

/** What the SLA covers and what comes after it: the steps after an incident's on-site SLA have none. */
export function slaScope(kind: SlaView['kind']): Bi {
  if (kind === 'desk') return { ja: '問い合わせのSLAは受付確認まで（受付時間内の営業分、R-DESK-1）です。', en: "An inquiry's SLA ends when the desk acknowledges it (business minutes, R-DESK-1)." };
  return kind === 'onsite'
    ? { ja: '障害のSLAは現地到着・一次切り分け開始までです（R-SLA-1/2）。以降の切り分け・所管課の確認・完了承認に期限の定めはありません。', en: 'An incident\'s SLA ends when someone is on site (R-SLA-1/2); triage, department verification and approval have no due time.' }
    : { ja: '作業依頼のSLAは受付から作業完了まで（3営業日、R-SLA-3）です。作業後の確認・承認に期限の定めはありません。', en: 'A work request\'s SLA runs from acceptance to the work done (3 business days, R-SLA-3); the checks after it have no due time.' };
}

/**
 * Why a step of the queue has no due time of its own: what governs it instead. A work request
 * not yet accepted is measured from acceptance; a step after the SLA stopped has none, with why.
 */
export function noDueReason(detail: { kind: string; status: string; sla: SlaView | null } | null | undefined): { head: Bi; why: Bi } {
  const head = { ja: 'この手順はSLA対象外', en: 'No SLA for this step' };
  if (!detail) return { head, why: { ja: '', en: '' } };
  if (detail.kind === 'work_request' && detail.status === 'received' && !detail.sla) {
    return { head: { ja: 'SLAは受付から計測', en: 'SLA starts on acceptance' }, why: { ja: 'SLA（3営業日）は総務課の受付時から計測', en: 'the 3-day SLA starts on acceptance' } };
  }
  if (detail.sla?.stoppedAt) {
    const ended = detail.sla.breached ? { ja: '超過で終了', en: 'ended missed' } : { ja: '達成済み', en: 'met' };
    return detail.sla.kind === 'onsite'
      ? { head, why: { ja: `障害のSLAは現地到着まで（${ended.ja}）`, en: `the incident's SLA ends on site (${ended.en})` } }
      : { head, why: { ja: `作業依頼のSLAは作業完了まで（${ended.ja}）`, en: `the request's SLA ends when the work is done (${ended.en})` } };
  }
  return { head, why: { ja: 'この手順に期限の定めはありません', en: 'this step has no due time' } };
}

/** The case page's SLA panel: the kind, the due time, and a three-step bar (50 % / 75 % / 100 %). */
export function SlaPanel({ sla, now }: { sla: SlaView | null; now: number }) {
  const { lang, tr, pick } = useI18n();
  if (!sla) {
    return (
      <section className="panel" aria-labelledby="sla-heading">
        <h2 id="sla-heading">{tr('SLA', 'SLA')}</h2>
        <p className="muted">{tr('SLAの計測はまだ始まっていません（作業依頼は総務課の受付から計測します）。', 'The SLA clock has not started (a work request is measured from its acceptance).')}</p>
      </section>
    );
  }
  const state = slaState(sla);
  const reached = (p: number) => sla.warningsSent.includes(p) || (p === 100 && sla.breached);
  const met = !!sla.stoppedAt && !sla.breached;
  /** After the SLA is met, a stage not reached is not "not yet": it will never come. */
  const stepText = (p: number) =>
    reached(p) ? tr('（経過）', ' (reached)') : met ? (p === 100 ? tr('（達成）', ' (met)') : tr('（到達前に達成）', ' (met before)')) : sla.stoppedAt ? tr('（計測終了）', ' (stopped)') : tr('（未到達）', ' (not yet)');
  const outOfHours = sla.kind === 'onsite' && startedOutOfHours(sla);
  const scope = slaScope(sla.kind);
  const steps = [
    { p: 50, ja: '50%', en: '50%' },
    { p: 75, ja: '75%', en: '75%' },
    { p: 100, ja: '期限', en: 'Due' },
  ];
  return (
    <section className="panel sla-panel" aria-labelledby="sla-heading">
      <h2 id="sla-heading">
        {tr('SLA', 'SLA')}: {pick(SLA_KIND_LABELS[sla.kind])}
      </h2>
      <div className="sla-head">
        <SlaBadge state={state} /> <Countdown dueAt={sla.dueAt} now={now} state={state} />
      </div>
      <ol className="sla-steps" aria-label={tr('SLA の経過段階', 'SLA stages')}>
        {steps.map((s) => (
          <li key={s.p} className={reached(s.p) ? `reached step-${s.p}` : met ? `met step-${s.p}` : ''}>
            <span className="step-bar" aria-hidden="true" />
            <span className="step-label">
              {lang === 'ja' ? s.ja : s.en}
              {stepText(s.p)}
            </span>
          </li>
        ))}
      </ol>
      <dl className="kv compact">
        <dt>{tr('計測開始', 'Started')}</dt>
        <dd>{fmtDateTime(sla.startAt, lang)}</dd>
        <dt>{tr('期限', 'Due')}</dt>
        <dd>
          {fmtDateTime(sla.dueAt, lang)}
          {sla.originalDueAt !== sla.dueAt && (
            <span className="muted"> {tr(`（当初 ${fmtDateTime(sla.originalDueAt, lang)}）`, ` (originally ${fmtDateTime(sla.originalDueAt, lang)})`)}</span>
          )}
          {outOfHours && (
            <div className="sla-reason muted">
              {tr(
                `受付時間外（${fmtDateTime(sla.startAt, lang)}）の検知のため、期限は次の営業日の受付開始後、${fmtDate(sla.originalDueAt, lang)} ${fmtTime(sla.originalDueAt)} です（R-SLA-2）。50%・75%の通知もその日の受付時間内に送ります。`,
                `Detected outside reception hours (${fmtDateTime(sla.startAt, lang)}): due after the next business opening, ${fmtDate(sla.originalDueAt, lang)} ${fmtTime(sla.originalDueAt)} (R-SLA-2). The 50 % and 75 % notices come in that day's reception hours too.`,
              )}
            </div>
          )}
        </dd>
        <dt>{tr('次の目標', 'Next target')}</dt>
        <dd>
          {sla.stoppedAt ? tr('なし', 'None') : tr(`${pick(SLA_KIND_LABELS[sla.kind])} ${fmtDateTime(sla.dueAt, lang)}`, `${pick(SLA_KIND_LABELS[sla.kind])} by ${fmtDateTime(sla.dueAt, lang)}`)}
          <div className="sla-reason muted">{pick(scope)}</div>
        </dd>
        {sla.pausedSeconds > 0 && (
          <>
            <dt>{tr('停止していた時間', 'Time paused')}</dt>
            <dd>{fmtDuration(sla.pausedSeconds * 1000, lang)}{tr('（営業時間）', ' (business time)')}</dd>
          </>
        )}
        {sla.breachedAt && (
          <>
            <dt>{tr('超過日時', 'Breached at')}</dt>
            <dd>{fmtDateTime(sla.breachedAt, lang)}</dd>
          </>
        )}
        {sla.stoppedAt && (
          <>
            <dt>{tr('計測終了', 'Stopped')}</dt>
            <dd>{fmtDateTime(sla.stoppedAt, lang)}</dd>
          </>
        )}
      </dl>
    </section>
  );
}
