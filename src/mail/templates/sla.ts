/** SLA notices (R-SLA-1..3): 50 / 75 % warnings and the breach. */
import { at, bi, fact, kindFact, SLA_KINDS, slaName, type TemplatesOf, TO } from './vocabulary';
import { formatJstEn, formatJstJa } from '../../../workflows/shared/jst';

export const SLA_TEMPLATES: TemplatesOf<'sla'> = {
  'sla.warning': (m) => ({
    title: bi(`SLA期限の${m.percent}%が経過しました`, `${m.percent}% of the SLA time used`),
    to: TO.operatorsCcGeneralAffairs,
    lead: [
      bi(
        `下記の案件について、${slaName(m.slaKind).ja}までの時間の ${m.percent}% が経過しました（期限：${formatJstJa(m.dueAt)}）。`,
        `${m.percent}% of the time to the ${slaName(m.slaKind).en} of the case below has passed (due ${formatJstEn(m.dueAt)}).`,
      ),
      Object.hasOwn(SLA_KINDS, m.slaKind) && SLA_KINDS[m.slaKind].explanation,
      bi('期限内に完了できるよう、対応状況をご確認ください。', 'Please check the progress so that the deadline is met.'),
    ],
    facts: [
      kindFact(m.kind),
      fact('期限の種類', 'Deadline', slaName(m.slaKind)),
      fact('期限', 'Due', at(m.dueAt)),
      fact('経過', 'Time used', `${m.percent}%`),
    ],
  }),
  'sla.breach': (m) => ({
    title: bi('SLA期限を超過しました', 'SLA breached'),
    to: TO.generalAffairsAndOperators,
    lead: [
      bi(
        `下記の案件について、${slaName(m.slaKind).ja}（${formatJstJa(m.dueAt)}）を超過しました。`,
        `The ${slaName(m.slaKind).en} of the case below (${formatJstEn(m.dueAt)}) has passed.`,
      ),
      Object.hasOwn(SLA_KINDS, m.slaKind) && SLA_KINDS[m.slaKind].explanation,
      bi(
        '運用保守事業者のご担当者様は、至急対応状況をご確認のうえ、総務課へのご報告をお願いいたします。',
        'O&M operators: please check the status at once and report to General Affairs.',
      ),
    ],
    facts: [
      kindFact(m.kind),
      fact('期限の種類', 'Deadline', slaName(m.slaKind)),
      fact('期限', 'Due', at(m.dueAt)),
      fact('超過を確認した日時', 'Breach recorded at', at(m.breachedAt)),
    ],
  }),
};
