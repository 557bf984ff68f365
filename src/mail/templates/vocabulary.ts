/**
 * The vocabulary of the mail templates: texts in both languages (Bi), key facts, the addressees,
 * the labels of kinds, severities, SLAs and notices. A template (incident.ts, work-request.ts, ...)
 * says what a mail contains in these words; layout.ts turns it into the subject and both bodies.
 */
import { KIND_LABELS, SEVERITY_LABELS, type Severity } from '../../../workflows/shared/case-model';
import type {
  HoldWaitingFor, IsoDateTime, MailTemplateInput, MailTemplateName, MaintenanceNoticeWhen, SlaKind,
} from '../../../workflows/shared/contracts';
import type { CaseKind } from '../../../workflows/shared/ids';
import { formatJstEn, formatJstJa, jstDateEn, jstDateJa, jstParts } from '../../../workflows/shared/jst';
import { ROLE_LABELS } from '../../../workflows/shared/roles';

/** A text in both languages. */
export interface Bi {
  ja: string;
  en: string;
}
export type Lang = keyof Bi;

/** A fact's value: one string for both languages, or one per language. Empty values drop the row. */
export type FactValue = string | Bi | null | undefined;

export interface Fact {
  label: Bi;
  value: FactValue;
}

/** What a template decides; `layout()` turns it into the subject and both bodies. */
export interface MailLayout {
  /** The subject part after the case number (and the heading of each section). */
  title: Bi;
  /** Salutation (宛名); may span lines. */
  to: Bi;
  /** First line after the salutation; defaults to the desk's greeting. */
  opener?: Bi;
  /** Paragraphs; falsy entries are skipped so conditions can stay inline. */
  lead: Array<Bi | false | null | undefined>;
  /** Highlighted remarks (ご注意 / Important). */
  notices?: Array<Bi | false | null | undefined>;
  /** Key facts after the case number and subject. */
  facts: Fact[];
  /** Last sentence before the link; defaults to よろしくお願いいたします。 */
  closing?: Bi;
}

export const bi = (ja: string, en: string): Bi => ({ ja, en });
export const fact = (labelJa: string, labelEn: string, value: FactValue): Fact => ({ label: bi(labelJa, labelEn), value });

export const DEFAULT_OPENER = bi('いつもお世話になっております。運用保守デスクです。', 'This is the opsdesk operation and maintenance desk.');
export const DEFAULT_CLOSING = bi('よろしくお願いいたします。', 'Thank you.');

/** Salutations (宛名). */
const GENERAL_AFFAIRS = ROLE_LABELS.general_affairs.ja;
const OPERATORS = ROLE_LABELS.operator.ja;

export const TO = {
  generalAffairs: bi(`${GENERAL_AFFAIRS} 御中`, 'Dear General Affairs Division,'),
  operators: bi(`${OPERATORS} ご担当者様`, 'Dear O&M operators,'),
  operatorsCcGeneralAffairs: bi(`${OPERATORS} ご担当者様\n（写し）${GENERAL_AFFAIRS} 御中`, 'Dear O&M operators,\n(cc: General Affairs Division)'),
  generalAffairsAndOperators: bi(`${GENERAL_AFFAIRS} 御中\n${OPERATORS} ご担当者様`, 'Dear General Affairs Division and O&M operators,'),
  everyone: bi('関係者各位', 'Dear all,'),
  requester: bi('ご依頼者様', 'Dear requester,'),
  vendorDesk: bi('メーカー保守窓口 ご担当者様', 'Dear maintenance desk,'),
  departments: bi('関係所管課 ご担当者様', 'Dear departments concerned,'),
};

export function lookup<K extends string>(labels: Record<K, Bi>, key: K): Bi {
  // Inputs come from workflows as JSON: an unknown value is shown as it is rather than as "undefined".
  return Object.hasOwn(labels, key) ? labels[key] : bi(String(key), String(key));
}

export const at = (iso: IsoDateTime): Bi => bi(formatJstJa(iso), formatJstEn(iso));

/** A time range; the end shows only its time when it is on the same Japan-time day. */
export function range(start: IsoDateTime, end: IsoDateTime): Bi {
  const s = jstParts(start);
  const e = jstParts(end);
  if (s?.time && e?.time && s.year === e.year && s.month === e.month && s.day === e.day) {
    return bi(`${jstDateJa(s)} ${s.time}～${e.time}`, `${jstDateEn(s)} ${s.time}–${e.time} JST`);
  }
  if (s?.time && e?.time) {
    return bi(`${jstDateJa(s)} ${s.time} ～ ${jstDateJa(e)} ${e.time}`, `${jstDateEn(s)} ${s.time} – ${jstDateEn(e)} ${e.time} JST`);
  }
  return bi(`${formatJstJa(start)} ～ ${formatJstJa(end)}`, `${formatJstEn(start)} – ${formatJstEn(end)}`);
}

export const list = (items: string[] | null | undefined): Bi | undefined =>
  items && items.length > 0 ? bi(items.join('、'), items.join(', ')) : undefined;

export const yesNo = (value: boolean, yes: Bi, no: Bi): Bi => (value ? yes : no);

export const serviceStopped = (stopped: boolean): Bi =>
  yesNo(stopped, bi('あり（サービスが停止しています）', 'Yes — a service is stopped'), bi('なし', 'No'));

export function hours(n: number): string {
  return Number.isInteger(n) || !Number.isFinite(n) ? String(n) : n.toFixed(1);
}

export const kindLabel = (kind: CaseKind): Bi => lookup(KIND_LABELS, kind);
export const kindFact = (kind: CaseKind): Fact => fact('種別', 'Type', kindLabel(kind));
export const severityFact = (severity: Severity): Fact => fact('重要度', 'Severity', lookup(SEVERITY_LABELS, severity));

export const SLA_KINDS: Record<SlaKind, { name: Bi; explanation: Bi }> = {
  onsite: {
    name: bi('現地到着（一次切り分け開始）期限', 'on-site deadline (arrive and start first isolation)'),
    explanation: bi(
      'この期限は、障害の検知から、現地に到着して一次切り分けを開始するまでの期限です（受付時間内に検知した障害は検知から2時間以内、受付時間外に検知した障害は翌営業日）。',
      'This is the time by which an operator must be on site and have started first isolation after the fault was detected: within 2 hours when detected inside reception hours, on the next business day when detected outside them.',
    ),
  },
  resolution: {
    name: bi('作業完了期限（3営業日）', 'completion deadline (3 business days)'),
    explanation: bi(
      'この期限は、作業依頼の受付から3営業日以内に作業を完了するための期限です。',
      'This is the time by which the work must be completed: within 3 business days of receiving the request.',
    ),
  },
};

export function slaName(kind: SlaKind): Bi {
  return Object.hasOwn(SLA_KINDS, kind) ? SLA_KINDS[kind].name : bi(String(kind), String(kind));
}

export const WAITING_FOR: Record<HoldWaitingFor, Bi> = {
  requester: bi('ご依頼者様からの回答', 'the requester'),
  vendor: bi('メーカーの対応', 'the maker'),
  other: bi('その他', 'other'),
};

export const waitingFor = (value: HoldWaitingFor | undefined): Bi | undefined => (value ? lookup(WAITING_FOR, value) : undefined);

export const MAINTENANCE_WHEN: Record<MaintenanceNoticeWhen, { notice: Bi; lead: Bi }> = {
  confirmed: {
    notice: bi('作業日程確定のお知らせ', 'Schedule fixed'),
    lead: bi('作業日程が確定しましたので、お知らせいたします。', 'The schedule of the work below is now fixed.'),
  },
  week_before: {
    notice: bi('1週間前のお知らせ', 'One week before'),
    lead: bi('1週間前のお知らせです。', 'A reminder, one week before the work.'),
  },
  day_before: {
    notice: bi('前日のお知らせ', 'The day before'),
    lead: bi('前日のお知らせです。', 'A reminder, the day before the work.'),
  },
};

/** What each template makes of its input. */
export type TemplateTable = { [K in MailTemplateName]: (input: MailTemplateInput<K>) => MailLayout };

/** The templates whose names start with `<prefix>.`: one file each. */
export type TemplatesOf<P extends string> = Pick<TemplateTable, Extract<MailTemplateName, `${P}.${string}`>>;
