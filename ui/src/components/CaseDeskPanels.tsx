import { Link } from 'react-router-dom';
import { INQUIRY_CATEGORY_LABELS, INQUIRY_CHANNEL_LABELS } from '../../../workflows/shared/desk';
import { get } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { KIND_LABELS } from '../lib/labels';
import type { DeskCase, SimilarCases } from '../lib/types';
import { useLoad } from '../lib/useLoad';

const MATCHED_ON: Record<string, { ja: string; en: string }> = {
  device: { ja: '同じ機器', en: 'same device' },
  alert: { ja: '同じ警報', en: 'same alert' },
  text: { ja: '内容が似ている', en: 'similar text' },
};

/**
 * The desk's side of any case page: who asked and by which channel (R-DESK-1, R-CONTACT-1), for a
 * case that came from an inquiry or a mail, and "has this happened before?" (R-REC-6): the closed
 * cases most like it, with what fixed them.
 */
export function CaseDeskPanels({ number }: { number: string }) {
  const { lang, tr, pick } = useI18n();
  const desk = useLoad(() => get<DeskCase>(`/api/cases/${encodeURIComponent(number)}/desk`), [number]);
  const similar = useLoad(() => get<SimilarCases>(`/api/cases/${encodeURIComponent(number)}/similar`), [number]);
  const origin = desk.data?.origin ?? null;

  return (
    <>
      {origin && (
        <section className="panel" aria-labelledby="origin-heading">
          <h2 id="origin-heading">{tr('問い合わせ元', 'Asked by')}</h2>
          <dl className="kv">
            {origin.asker && (
              <div className="kv-row">
                <dt>{tr('問い合わせ元', 'Asker')}</dt>
                <dd>
                  {origin.asker.name}
                  {origin.asker.organisation ? `（${origin.asker.organisation}）` : ''}
                  {origin.asker.email ? ` <${origin.asker.email}>` : ''}
                </dd>
              </div>
            )}
            {origin.channel && (
              <div className="kv-row">
                <dt>{tr('受付経路', 'Channel')}</dt>
                <dd>{pick(INQUIRY_CHANNEL_LABELS[origin.channel])}{origin.monitoringRule ? tr(`（監視メール: ${origin.monitoringRule}）`, ` (monitoring mail: ${origin.monitoringRule})`) : ''}</dd>
              </div>
            )}
            {origin.category && (
              <div className="kv-row">
                <dt>{tr('分類', 'Category')}</dt>
                <dd>{pick(INQUIRY_CATEGORY_LABELS[origin.category])}</dd>
              </div>
            )}
            {origin.mailFrom && (
              <div className="kv-row">
                <dt>{tr('差出人', 'Sender')}</dt>
                <dd>{origin.mailFrom}</dd>
              </div>
            )}
            {origin.inquiryNumber && origin.inquiryNumber !== number && (
              <div className="kv-row">
                <dt>{tr('元の問い合わせ', 'From the inquiry')}</dt>
                <dd><Link to={`/cases/${origin.inquiryNumber}`}>{origin.inquiryNumber}</Link></dd>
              </div>
            )}
          </dl>
        </section>
      )}
      <section className="panel" aria-labelledby="similar-heading">
        <h2 id="similar-heading">{tr('過去の類似案件', 'Has this happened before?')}</h2>
        {similar.data && similar.data.items.length === 0 && <p className="muted">{tr('似ている完了済みの案件はありません。', 'No similar closed case.')}</p>}
        {similar.data && similar.data.items.length > 0 && (
          <ul className="similar-cases">
            {similar.data.items.map((s) => (
              <li key={s.caseNumber}>
                <Link to={`/cases/${s.caseNumber}`}>{s.caseNumber}</Link> {s.subject}
                <div className="muted">
                  {KIND_LABELS[s.kind as keyof typeof KIND_LABELS] ? pick(KIND_LABELS[s.kind as keyof typeof KIND_LABELS]) : s.kind}
                  {s.completedAt ? ` · ${tr('完了', 'closed')} ${fmtDateTime(s.completedAt, lang)}` : ''}
                  {s.matchedOn.length > 0 ? ` · ${s.matchedOn.map((m) => (MATCHED_ON[m] ? pick(MATCHED_ON[m]) : m)).join('、')}` : ''}
                </div>
                {s.fixedBy.filter((f) => f.what || f.note).map((f, i) => (
                  <div key={i} className="similar-fix">{tr('対応', 'Fix')}: {f.what ?? f.note}</div>
                ))}
              </li>
            ))}
          </ul>
        )}
      </section>
    </>
  );
}
