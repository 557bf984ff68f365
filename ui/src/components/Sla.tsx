import type { SlaView } from '../../../workflows/shared/case-model';
import { fmtDateTime, fmtDuration } from '../lib/format';
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
          <li key={s.p} className={reached(s.p) ? `reached step-${s.p}` : ''}>
            <span className="step-bar" aria-hidden="true" />
            <span className="step-label">
              {lang === 'ja' ? s.ja : s.en}
              {reached(s.p) ? tr('（経過）', ' (reached)') : tr('（未到達）', ' (not yet)')}
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
