/**
 * Mail templates (メール文面) of opsdesk.
 *
 * R-CONTACT-1: contact is by e-mail, to keep evidence, so every notice of both flows (R-FLOW-1
 * incident, R-FLOW-2 work request) is rendered here: a subject that carries the case number, a
 * plain-text body (Japanese first, then `---- English ----`, then English) and an equivalent,
 * accessible HTML body. Each body ends with the link to the case in the UI and a footer.
 *
 * Pure: no I/O, no clock, no Node built-ins, no Intl time zones. Times arrive as ISO strings and
 * are shown in Japan time, computed with UTC arithmetic (+9 h, Japan has no DST), so the output is
 * the same under any process TZ and the function can run anywhere (an activity, the API, a test).
 *
 * Adding a template: add its fields to `MailTemplateFields` and one entry to `TEMPLATES` (title,
 * addressee, lead paragraphs, key facts). `layout()` does the rest.
 *
 * Escaping: text bodies are plain text and are not escaped; everything that reaches the HTML body
 * goes through `escapeHtml()` at the point of output (templates never build markup), and
 * everything in the subject is reduced to a single line (no CR/LF: no header injection).
 */
import { KIND_LABELS, SEVERITY_LABELS, type Severity } from '../workflows/shared/case-model';
import type { CaseKind } from '../workflows/shared/ids';

// ---------------------------------------------------------------------------
// Public types
// ---------------------------------------------------------------------------

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

export interface MailContext {
  /** Base URL of the opsdesk UI, e.g. `https://opsdesk.example.lg.jp` (a trailing slash is fine). */
  publicUrl: string;
}

/**
 * An ISO 8601 instant, preferably with an offset (`2026-12-25T01:00:00Z`, `…+09:00`). A date
 * without a time (`2026-12-25`) is shown as that calendar date; a date-time without an offset is
 * read as Japan time (never as the process's local time). Anything unparsable is shown verbatim.
 */
export type IsoDateTime = string;

/** The two SLA clocks: R-SLA-1/2 (on site, first isolation) and R-SLA-3 (3 business days). */
export type SlaKind = 'onsite' | 'resolution' | 'desk';
export type HoldWaitingFor = 'requester' | 'vendor' | 'other';
/** R-SCHED-1: when a maintenance notice is sent. */
export type MaintenanceNoticeWhen = 'confirmed' | 'week_before' | 'day_before';

/** Fields every template has. */
export interface MailCaseRef {
  /** e.g. `INC-2026-0001`; appears in the subject and the link. */
  caseNumber: string;
  /** R-REC-1 件名 of the case (user text). */
  caseSubject: string;
}

interface HoldFields {
  reason: string;
  /** Who put the case on hold / resumed it (display name). */
  by: string;
  waitingFor?: HoldWaitingFor;
}

/** The extra fields of each template, by template name. */
export interface MailTemplateFields {
  /** To general affairs, at once (R-FLOW-1). */
  'incident.received': {
    hostname: string;
    severity: Severity;
    detectedAt: IsoDateTime;
    summary: string;
    /** The host is not in the inventory: said clearly in the mail. */
    unregisteredDevice: boolean;
    /** On-site SLA due (R-SLA-1/2). */
    onsiteDueAt: IsoDateTime;
    businessSystems?: string[];
    /** Department names. */
    departments?: string[];
  };
  /** To general affairs: out-of-hours critical incident, agree how to respond (R-SLA-2). */
  'incident.urgent_consultation': { detectedAt: IsoDateTime; severity: Severity; summary: string };
  /** To general affairs: the maker's desk has been asked to repair (R-FLOW-1, R-SCOPE-2). */
  'incident.vendor_escalation': { vendorName: string; findings: string; impactScope: string; serviceStopped: boolean };
  /** To the maker's desk (external): repair request. */
  'incident.vendor_request': {
    hostname: string;
    address?: string;
    assetKind?: string;
    findings: string;
    impactScope: string;
    serviceStopped: boolean;
    /** The operator the maker should answer. */
    contactName: string;
    contactEmail: string;
    contactPhone?: string;
  };
  /** To operators: no word from the maker for a while. */
  'incident.vendor_silence_reminder': { vendorName: string; silentSince: IsoDateTime; businessHours: number };
  /** To general affairs: the contractor verified the platform (R-FLOW-1). */
  'incident.recovered': { verifiedBy: string; note?: string };
  /** To a department: please verify (R-FLOW-1/2). */
  'case.verification_request': { kind: CaseKind; departmentName: string; what: string };
  /** To everyone involved (R-REC-8/9). */
  'case.completed': { kind: CaseKind; approver: string; completedAt: IsoDateTime; summary?: string };
  /** To operators. */
  'case.approval_rejected': { approver: string; reason: string };
  /** To operators and general affairs. */
  'case.verification_failed': { departmentName: string; reason: string };
  /** To operators, cc general affairs. */
  'sla.warning': { kind: CaseKind; slaKind: SlaKind; percent: 50 | 75; dueAt: IsoDateTime };
  /** To general affairs and operators. */
  'sla.breach': { kind: CaseKind; slaKind: SlaKind; dueAt: IsoDateTime; breachedAt: IsoDateTime };
  /** To general affairs, cc the requester (R-FLOW-2). */
  'work_request.submitted': {
    requestType: string;
    requestTypeLabelJa: string;
    requesterName: string;
    departmentName: string;
    desiredDate?: IsoDateTime;
    note?: string;
  };
  /** To operators, cc the requester (R-SLA-3). */
  'work_request.accepted': { requestTypeLabelJa: string; dueAt: IsoDateTime; acceptedBy: string };
  /** To the requester. */
  'work_request.rejected': { reason: string; decidedBy: string };
  /** To the requester: more information needed. */
  'work_request.returned': { reason: string; decidedBy: string };
  /** To operators and the requester (R-REC-7/8). */
  'work_request.plan_confirmed': {
    plannedStart: IsoDateTime;
    plannedEnd: IsoDateTime;
    content: string;
    stopsService: boolean;
    approvedBy: string;
  };
  /** To the affected departments (R-SCHED-1). */
  'maintenance.notice': {
    when: MaintenanceNoticeWhen;
    plannedStart: IsoDateTime;
    plannedEnd: IsoDateTime;
    content: string;
    businessSystems?: string[];
  };
  /** R-CONTACT-1: a phone call, reported by e-mail afterwards. */
  'case.phone_followup': { calledAt: IsoDateTime; counterpart: string; summary: string; loggedBy: string };
  'case.hold': HoldFields;
  'case.resumed': HoldFields;
  /** R-DESK-1: the asker of an inquiry is told at each step (and the desk, of a missed SLA). */
  'inquiry.notice': InquiryNoticeFields;
}

/** The steps of an inquiry the asker (or the desk) is told about. */
export type InquiryNoticeStep =
  | 'received' | 'acknowledged' | 'answered' | 'escalated' | 'converted' | 'linked' | 'closed' | 'reopened'
  | 'reply' | 'attachment_refused' | 'sla_breach';

export interface InquiryNoticeFields {
  step: InquiryNoticeStep;
  askerName: string;
  /** The answer, the desk's reply, or the refused attachments' description. */
  message?: string;
  /** The case the inquiry was converted into or linked to. */
  relatedCaseNumber?: string;
  reason?: string;
  dueAt?: IsoDateTime;
}

export type MailTemplateName = keyof MailTemplateFields;

/** The input of one template. */
export type MailTemplateInput<K extends MailTemplateName> = { template: K } & MailCaseRef & MailTemplateFields[K];

/** Discriminated union (on `template`) of every template's input. */
export type MailTemplate = { [K in MailTemplateName]: MailTemplateInput<K> }[MailTemplateName];

// ---------------------------------------------------------------------------
// Japan-time formatting (UTC arithmetic only)
// ---------------------------------------------------------------------------

const JST_OFFSET_MS = 9 * 3600 * 1000;
const WEEKDAYS_JA = ['日', '月', '火', '水', '木', '金', '土'];
const WEEKDAYS_EN = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS_EN = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const HAS_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const HAS_OFFSET = /(?:Z|[+-]\d{2}(?::?\d{2})?)$/i;

interface JstParts {
  year: number;
  month: number;
  day: number;
  weekday: number;
  /** null for a date without a time. */
  time: string | null;
}

function jstParts(iso: string): JstParts | null {
  const value = iso.trim();
  const dateOnly = DATE_ONLY.exec(value);
  if (dateOnly) {
    const [year, month, day] = [Number(dateOnly[1]), Number(dateOnly[2]), Number(dateOnly[3])];
    const at = new Date(Date.UTC(year, month - 1, day));
    if (at.getUTCMonth() !== month - 1 || at.getUTCDate() !== day) return null;
    return { year, month, day, weekday: at.getUTCDay(), time: null };
  }
  if (!HAS_TIME.test(value)) return null;
  // Without an offset, Date.parse would use the process TZ: read it as Japan time instead.
  const ms = Date.parse(HAS_OFFSET.test(value) ? value : `${value}+09:00`);
  if (Number.isNaN(ms)) return null;
  const jst = new Date(ms + JST_OFFSET_MS);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    year: jst.getUTCFullYear(),
    month: jst.getUTCMonth() + 1,
    day: jst.getUTCDate(),
    weekday: jst.getUTCDay(),
    time: `${pad(jst.getUTCHours())}:${pad(jst.getUTCMinutes())}`,
  };
}

const dateJa = (p: JstParts) => `${p.year}年${p.month}月${p.day}日(${WEEKDAYS_JA[p.weekday]})`;
const dateEn = (p: JstParts) => `${WEEKDAYS_EN[p.weekday]} ${p.day} ${MONTHS_EN[p.month - 1]} ${p.year}`;

/** `2026-12-25T01:00:00Z` → `2026年12月25日(金) 10:00` (Japan time). Unparsable input is returned as is. */
export function formatJstJa(iso: string): string {
  const p = jstParts(iso);
  if (!p) return iso;
  return p.time === null ? dateJa(p) : `${dateJa(p)} ${p.time}`;
}

/** `2026-12-25T01:00:00Z` → `Fri 25 Dec 2026 10:00 JST`. Unparsable input is returned as is. */
export function formatJstEn(iso: string): string {
  const p = jstParts(iso);
  if (!p) return iso;
  return p.time === null ? dateEn(p) : `${dateEn(p)} ${p.time} JST`;
}

// ---------------------------------------------------------------------------
// Layout vocabulary
// ---------------------------------------------------------------------------

/** A text in both languages. */
interface Bi {
  ja: string;
  en: string;
}
type Lang = keyof Bi;

/** A fact's value: one string for both languages, or one per language. Empty values drop the row. */
type FactValue = string | Bi | null | undefined;

interface Fact {
  label: Bi;
  value: FactValue;
}

/** What a template decides; `layout()` turns it into the subject and both bodies. */
interface MailLayout {
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

const bi = (ja: string, en: string): Bi => ({ ja, en });
const fact = (labelJa: string, labelEn: string, value: FactValue): Fact => ({ label: bi(labelJa, labelEn), value });

const DEFAULT_OPENER = bi('いつもお世話になっております。運用保守デスクです。', 'This is the opsdesk operation and maintenance desk.');
const DEFAULT_CLOSING = bi('よろしくお願いいたします。', 'Thank you.');

/** Salutations (宛名). */
const TO = {
  generalAffairs: bi('総務課 御中', 'Dear General Affairs Division,'),
  operators: bi('運用保守事業者 ご担当者様', 'Dear O&M operators,'),
  operatorsCcGeneralAffairs: bi('運用保守事業者 ご担当者様\n（写し）総務課 御中', 'Dear O&M operators,\n(cc: General Affairs Division)'),
  generalAffairsAndOperators: bi('総務課 御中\n運用保守事業者 ご担当者様', 'Dear General Affairs Division and O&M operators,'),
  everyone: bi('関係者各位', 'Dear all,'),
  requester: bi('ご依頼者様', 'Dear requester,'),
  vendorDesk: bi('メーカー保守窓口 ご担当者様', 'Dear maintenance desk,'),
  departments: bi('関係所管課 ご担当者様', 'Dear departments concerned,'),
};

function lookup<K extends string>(labels: Record<K, Bi>, key: K): Bi {
  // Inputs come from workflows as JSON: an unknown value is shown as it is rather than as "undefined".
  return Object.hasOwn(labels, key) ? labels[key] : bi(String(key), String(key));
}

const at = (iso: IsoDateTime): Bi => bi(formatJstJa(iso), formatJstEn(iso));

/** A time range; the end shows only its time when it is on the same Japan-time day. */
function range(start: IsoDateTime, end: IsoDateTime): Bi {
  const s = jstParts(start);
  const e = jstParts(end);
  if (s?.time && e?.time && s.year === e.year && s.month === e.month && s.day === e.day) {
    return bi(`${dateJa(s)} ${s.time}～${e.time}`, `${dateEn(s)} ${s.time}–${e.time} JST`);
  }
  if (s?.time && e?.time) {
    return bi(`${dateJa(s)} ${s.time} ～ ${dateJa(e)} ${e.time}`, `${dateEn(s)} ${s.time} – ${dateEn(e)} ${e.time} JST`);
  }
  return bi(`${formatJstJa(start)} ～ ${formatJstJa(end)}`, `${formatJstEn(start)} – ${formatJstEn(end)}`);
}

const list = (items: string[] | null | undefined): Bi | undefined =>
  items && items.length > 0 ? bi(items.join('、'), items.join(', ')) : undefined;

const yesNo = (value: boolean, yes: Bi, no: Bi): Bi => (value ? yes : no);

const serviceStopped = (stopped: boolean): Bi =>
  yesNo(stopped, bi('あり（サービスが停止しています）', 'Yes — a service is stopped'), bi('なし', 'No'));

function hours(n: number): string {
  return Number.isInteger(n) || !Number.isFinite(n) ? String(n) : n.toFixed(1);
}

const kindLabel = (kind: CaseKind): Bi => lookup(KIND_LABELS, kind);
const kindFact = (kind: CaseKind): Fact => fact('種別', 'Type', kindLabel(kind));
const severityFact = (severity: Severity): Fact => fact('重要度', 'Severity', lookup(SEVERITY_LABELS, severity));

const SLA_KINDS: Record<SlaKind, { name: Bi; explanation: Bi }> = {
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
  desk: {
    name: bi('問い合わせの受付確認期限', 'inquiry acknowledgement deadline'),
    explanation: bi('この期限は、問い合わせの受付から、運用保守デスクが受付確認するまでの期限です（受付時間内の営業分）。', 'This is the time by which the desk must acknowledge an inquiry (business minutes in reception hours).'),
  },
};

function slaName(kind: SlaKind): Bi {
  return Object.hasOwn(SLA_KINDS, kind) ? SLA_KINDS[kind].name : bi(String(kind), String(kind));
}

const WAITING_FOR: Record<HoldWaitingFor, Bi> = {
  requester: bi('ご依頼者様からの回答', 'the requester'),
  vendor: bi('メーカーの対応', 'the maker'),
  other: bi('その他', 'other'),
};

const waitingFor = (value: HoldWaitingFor | undefined): Bi | undefined => (value ? lookup(WAITING_FOR, value) : undefined);

const MAINTENANCE_WHEN: Record<MaintenanceNoticeWhen, { notice: Bi; lead: Bi }> = {
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

// ---------------------------------------------------------------------------
// The templates
// ---------------------------------------------------------------------------


const INQUIRY_TITLES: Record<InquiryNoticeStep, Bi> = {
  received: bi('お問い合わせを受け付けました', 'Inquiry received'),
  acknowledged: bi('お問い合わせの対応を開始しました', 'We are on your inquiry'),
  answered: bi('お問い合わせへの回答', 'Answer to your inquiry'),
  escalated: bi('技術サポートへ引き継ぎました', 'Passed to technical support'),
  converted: bi('案件として対応します', 'Now handled as a case'),
  linked: bi('対応中の案件に関連付けました', 'Linked to an open case'),
  closed: bi('お問い合わせを完了しました', 'Inquiry closed'),
  reopened: bi('お問い合わせの再対応', 'Inquiry reopened'),
  reply: bi('運用保守デスクからのご連絡', 'Message from the desk'),
  attachment_refused: bi('添付ファイルを受け付けできませんでした', 'Attachment refused'),
  sla_breach: bi('受付期限を超過した問い合わせ', 'Inquiry not acknowledged in time'),
};

function inquiryNotice(m: MailTemplateInput<'inquiry.notice'>): MailLayout {
  const lead: Record<InquiryNoticeStep, Bi> = {
    received: bi('お問い合わせを運用保守デスクで受け付けました。担当者より順次ご連絡いたします。', 'The desk has received your inquiry; we will get back to you shortly.'),
    acknowledged: bi('担当者がお問い合わせの確認を始めました。', 'A member of the desk has started on your inquiry.'),
    answered: bi('お問い合わせについて、下記のとおり回答いたします。解決しない場合は、このメールにご返信ください。', 'Please find our answer below. If it does not solve the matter, just reply to this e-mail.'),
    escalated: bi('お問い合わせの内容を技術サポートに引き継ぎました。回答まで今しばらくお待ちください。', 'Your inquiry has been passed to technical support; we will answer as soon as we can.'),
    converted: bi('お問い合わせは下記の案件として対応いたします。以後の経過は案件番号でご確認いただけます。', 'Your inquiry is now handled as the case below; follow it by its number.'),
    linked: bi('お問い合わせは、対応中の下記案件と同じ事象として対応いたします。', 'Your inquiry concerns the same matter as the open case below; it is handled there.'),
    closed: bi('お問い合わせを完了としました。ご協力ありがとうございました。', 'Your inquiry is closed. Thank you.'),
    reopened: bi('解決していないとのご連絡を受け、再度対応いたします。', 'You told us the matter is not solved; we are on it again.'),
    reply: bi('お問い合わせについて、運用保守デスクより下記のとおりご連絡いたします。', 'The desk writes to you about your inquiry as follows.'),
    attachment_refused: bi('お送りいただいたメールの添付ファイルが上限を超えたため、受け付けできませんでした。ファイルを分割するか、別の方法でお送りください。', 'An attachment of your e-mail exceeded our limit and was not accepted. Please split it or send it another way.'),
    sla_breach: bi('下記の問い合わせが受付期限までに受付確認されていません。至急対応してください。', 'The inquiry below was not acknowledged by its due time; please act now.'),
  };
  return {
    title: lookup(INQUIRY_TITLES, m.step),
    to: m.step === 'sla_breach' ? TO.operators : bi(`${m.askerName} 様`, `Dear ${m.askerName},`),
    lead: [lookup(lead, m.step)],
    facts: [
      m.message ? fact(m.step === 'answered' ? '回答' : '内容', m.step === 'answered' ? 'Answer' : 'Message', m.message) : null,
      m.relatedCaseNumber ? fact('案件番号（対応先）', 'Handled as case', m.relatedCaseNumber) : null,
      m.reason ? fact('理由', 'Reason', m.reason) : null,
      m.dueAt ? fact('期限', 'Due', at(m.dueAt)) : null,
    ].filter((f): f is Fact => f !== null),
  };
}

type TemplateTable = { [K in MailTemplateName]: (input: MailTemplateInput<K>) => MailLayout };

const TEMPLATES: TemplateTable = {
  'inquiry.notice': inquiryNotice,
  'incident.received': (m) => ({
    title: bi('障害を受け付けました', 'Incident received'),
    to: TO.generalAffairs,
    lead: [
      bi(
        '監視システムにより下記の障害を検知し、運用保守デスクで受け付けました。運用保守事業者が現地に向かい、一次切り分けを開始いたします。',
        'Monitoring detected the incident below and the desk has registered it. The O&M contractor is going on site to start first isolation.',
      ),
      bi('対応状況は、判明しだい順次ご報告いたします。', 'We will keep you informed as we learn more.'),
    ],
    notices: [
      m.unregisteredDevice &&
        bi(
          `このホスト（${m.hostname}）は機器台帳に登録されていない機器です。対象機器や影響範囲の特定に時間を要する場合があります。お心当たりのある所管課がございましたら、お知らせください。`,
          `This host (${m.hostname}) is NOT registered in the equipment inventory. Identifying the device and the scope of impact may take longer; if you know which department it belongs to, please let us know.`,
        ),
    ],
    facts: [
      fact('検知日時', 'Detected at', at(m.detectedAt)),
      fact('ホスト名', 'Host', m.hostname),
      severityFact(m.severity),
      fact('事象の概要', 'Summary', m.summary),
      fact('機器台帳', 'In the inventory', yesNo(m.unregisteredDevice, bi('未登録（台帳にない機器です）', 'No — not in the inventory'), bi('登録済み', 'Yes'))),
      fact('影響が想定される業務システム', 'Business systems possibly affected', list(m.businessSystems)),
      fact('関係する所管課', 'Departments concerned', list(m.departments)),
      fact('現地到着・一次切り分け開始の期限', 'On site and first isolation started by', at(m.onsiteDueAt)),
    ],
  }),

  'incident.urgent_consultation': (m) => ({
    title: bi('時間外の緊急障害：対応方針のご相談', 'Out-of-hours critical incident: how to respond'),
    to: TO.generalAffairs,
    lead: [
      bi(
        '受付時間外（平日 8:30～17:15 以外）に、下記の緊急度の高い障害を検知しました。',
        'The high-severity incident below was detected outside reception hours (weekdays 08:30–17:15).',
      ),
      bi(
        '受付時間外に検知した障害は、通常は翌営業日の対応となります。ただし、本件は業務への影響が大きいおそれがあるため、直ちに対応するか、翌営業日に対応するか、対応方針についてご相談させてください。',
        'Incidents detected outside reception hours are normally handled on the next business day. As this one may seriously affect operations, we would like to agree with you whether to respond now or on the next business day.',
      ),
      bi(
        'opsdesk の画面で「直ちに対応する」または「翌営業日に対応する」をお選びいただくか、運用保守デスクへお電話でご指示ください。お電話でいただいたご指示は、あらためてメールでご報告いたします。',
        "Please choose 'Respond now' or 'Next business day' in opsdesk, or give the desk your instruction by phone; an instruction given by phone will be confirmed by e-mail afterwards.",
      ),
    ],
    facts: [fact('検知日時', 'Detected at', at(m.detectedAt)), severityFact(m.severity), fact('事象の概要', 'Summary', m.summary)],
    closing: bi('お忙しいところ恐れ入りますが、ご判断をお願いいたします。', 'Thank you for your decision.'),
  }),

  'incident.vendor_escalation': (m) => ({
    title: bi('メーカー保守窓口へ修理を依頼しました', "Repair requested from the maker's desk"),
    to: TO.generalAffairs,
    lead: [
      bi(
        `下記の障害について一次切り分けを行った結果、メーカーによる修理・保守対応が必要と判断しました。運用保守事業者から${m.vendorName}の保守窓口へ修理を依頼しましたので、ご報告いたします。`,
        `First isolation showed that the incident below needs repair or maintenance by the maker. The O&M contractor has asked the maintenance desk of ${m.vendorName} to repair it.`,
      ),
      bi(
        '修理が完了するまで運用保守事業者が進捗を管理し、必要に応じてご報告いたします。',
        'The contractor will follow the repair through to completion and report to you as needed.',
      ),
    ],
    facts: [
      fact('修理の依頼先', 'Repair requested from', m.vendorName),
      fact('切り分け結果', 'Findings', m.findings),
      fact('影響範囲', 'Scope of impact', m.impactScope),
      fact('サービス停止', 'Service stopped', serviceStopped(m.serviceStopped)),
    ],
  }),

  'incident.vendor_request': (m) => ({
    title: bi('修理対応のお願い', 'Repair request'),
    to: TO.vendorDesk,
    opener: bi(
      'いつもお世話になっております。業務システム統合基盤の運用保守を担当しております、運用保守デスクです。',
      'We are the operation and maintenance desk of an integrated business-system platform.',
    ),
    lead: [
      bi(
        '下記の機器で障害が発生しております。お手数をおかけしますが、修理のご対応をお願いいたします。',
        'A fault has occurred on the equipment below. We would be grateful if you could arrange a repair.',
      ),
      bi(
        `対応の可否とご対応予定日時を、下記の担当者までご連絡いただけますと幸いです。記録のため、ご連絡は原則としてメールでお願いいたします${m.contactPhone ? '（お急ぎの場合は、お電話でも承ります）' : ''}。`,
        `Please let the contact person below know whether you can respond, and when. For our records, please contact us by e-mail${m.contactPhone ? ' (by phone as well if it is urgent)' : ''}.`,
      ),
      bi(
        `ご返信の際は、件名の案件番号（${m.caseNumber}）を残したままお送りください。`,
        `When you reply, please keep the case number (${m.caseNumber}) in the subject.`,
      ),
    ],
    facts: [
      fact('ホスト名', 'Host', m.hostname),
      fact('アドレス', 'Address', m.address),
      fact('機器種別', 'Equipment type', m.assetKind),
      fact('障害の内容（切り分け結果）', 'Fault (findings)', m.findings),
      fact('影響範囲', 'Scope of impact', m.impactScope),
      fact('サービス停止', 'Service stopped', serviceStopped(m.serviceStopped)),
      fact('担当者', 'Contact', m.contactName),
      fact('メールアドレス', 'E-mail', m.contactEmail),
      fact('電話番号', 'Phone', m.contactPhone),
    ],
    closing: bi('お忙しいところ恐れ入りますが、よろしくお願いいたします。', 'Thank you for your help.'),
  }),

  'incident.vendor_silence_reminder': (m) => ({
    title: bi('メーカーからの連絡が途絶えています', 'No word from the maker'),
    to: TO.operators,
    lead: [
      bi(
        `下記の案件について、${formatJstJa(m.silentSince)} 以降、${m.vendorName}からの連絡がありません（営業時間で ${hours(m.businessHours)} 時間経過）。`,
        `There has been no word from ${m.vendorName} about the case below since ${formatJstEn(m.silentSince)} (${hours(m.businessHours)} business hours).`,
      ),
      bi(
        'メーカー保守窓口へ進捗をご確認いただき、必要に応じて総務課へご報告をお願いいたします。',
        "Please check the progress with the maker's maintenance desk and report to General Affairs as needed.",
      ),
    ],
    facts: [
      fact('修理の依頼先', 'Repair requested from', m.vendorName),
      fact('最後の連絡', 'Last heard from', at(m.silentSince)),
      fact('経過時間（営業時間）', 'Silent for (business hours)', bi(`${hours(m.businessHours)} 時間`, `${hours(m.businessHours)} h`)),
    ],
  }),

  'incident.recovered': (m) => ({
    title: bi('基盤の動作が回復しました', 'Platform recovered'),
    to: TO.generalAffairs,
    lead: [
      bi(
        '下記の障害について、運用保守事業者が基盤の動作確認を行い、正常に動作していることを確認しました。',
        'The O&M contractor has checked the platform and confirmed that it works normally again after the incident below.',
      ),
      bi(
        'お手数ですが、影響を受けた業務システムの所管課へ動作確認をご依頼くださいますようお願いいたします（opsdesk の画面から依頼できます）。',
        'Please ask the departments whose business systems were affected to verify them (you can do this in opsdesk).',
      ),
    ],
    facts: [fact('動作確認を行った担当者', 'Verified by', m.verifiedBy), fact('備考', 'Note', m.note)],
  }),

  'case.verification_request': (m) => ({
    title: bi('動作確認のお願い', 'Please verify'),
    to: bi(`${m.departmentName} ご担当者様`, `Dear ${m.departmentName},`),
    lead: [
      m.kind === 'work_request'
        ? bi('ご依頼いただいた下記の作業が完了しました。', 'The work you requested below has been done.')
        : bi(
            '下記の障害について、基盤が復旧したことを運用保守事業者が確認しました。',
            'The O&M contractor has confirmed that the platform has recovered from the incident below.',
          ),
      bi(
        'お手数ですが、所管の業務システムが正常に動作しているかをご確認のうえ、opsdesk の画面から確認結果（問題なし／問題あり）をご登録ください。問題がある場合は、その内容もあわせてご記入ください。',
        'Please check that your business system works normally and record the result (OK / Not OK) in opsdesk; if there is a problem, please describe it.',
      ),
      bi('本メールは、総務課からのご依頼によりお送りしています。', 'This request is sent on behalf of the General Affairs Division.'),
    ],
    facts: [kindFact(m.kind), fact('実施した対応', 'What was done', m.what)],
  }),

  'case.completed': (m) => ({
    title: bi('対応が完了しました', 'Completed'),
    to: TO.everyone,
    lead: [
      bi(
        `下記の${kindLabel(m.kind).ja}について、総務課の完了承認をもって対応が完了しました。`,
        `The ${kindLabel(m.kind).en.toLowerCase()} below is complete: General Affairs has approved its completion.`,
      ),
      bi('ご協力いただき、ありがとうございました。', 'Thank you for your cooperation.'),
    ],
    facts: [
      kindFact(m.kind),
      fact('承認者', 'Approved by', m.approver),
      fact('完了日時', 'Completed at', at(m.completedAt)),
      fact('対応の概要', 'Summary', m.summary),
    ],
  }),

  'case.approval_rejected': (m) => ({
    title: bi('完了承認が差し戻されました', 'Completion rejected'),
    to: TO.operators,
    lead: [
      bi(
        '下記の案件について、総務課から完了承認が差し戻されました。差し戻しの理由をご確認のうえ、ご対応をお願いいたします。',
        'General Affairs did not approve completion of the case below and sent it back. Please check the reason and act on it.',
      ),
    ],
    facts: [fact('差し戻した承認者', 'Rejected by', m.approver), fact('差し戻しの理由', 'Reason', m.reason)],
  }),

  'case.verification_failed': (m) => ({
    title: bi('動作確認で問題が報告されました', 'Verification failed'),
    to: TO.generalAffairsAndOperators,
    lead: [
      bi(
        `下記の案件について、${m.departmentName}の動作確認で問題が報告されました。`,
        `${m.departmentName} reported a problem while verifying the case below.`,
      ),
      bi(
        '運用保守事業者のご担当者様は、報告内容をご確認のうえ、再度の切り分け・対応をお願いいたします。対応状況は、あらためてご報告いたします。',
        'O&M operators: please review the report and investigate again. We will report on progress.',
      ),
    ],
    facts: [fact('報告した所管課', 'Reported by', m.departmentName), fact('報告された問題', 'Problem reported', m.reason)],
  }),

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

  'work_request.submitted': (m) => ({
    title: bi('作業依頼を受け付けました（総務課確認待ち）', 'Work request submitted'),
    to: bi(
      `総務課 御中\n（写し）${m.departmentName} ${m.requesterName} 様`,
      `Dear General Affairs Division,\n(cc: ${m.requesterName}, ${m.departmentName})`,
    ),
    lead: [
      bi(
        `${m.departmentName}の${m.requesterName} 様から、下記の作業依頼が提出されました。`,
        `${m.requesterName} (${m.departmentName}) has submitted the work request below.`,
      ),
      bi(
        '内容をご確認のうえ、opsdesk の画面から「受け付ける」「却下」「差し戻し（情報不足）」のいずれかをご判断くださいますようお願いいたします。受付後、3営業日以内に作業を完了いたします。',
        'Please review it and accept, reject or return it (for more information) in opsdesk. Once it is accepted, the work is completed within 3 business days.',
      ),
      bi(
        'ご依頼者様には本メールの写しをお送りしています。総務課のご判断の結果は、あらためてお知らせいたします。',
        'The requester receives a copy of this e-mail and will be told of the decision.',
      ),
    ],
    facts: [
      fact('依頼の種類', 'Request type', bi(m.requestTypeLabelJa, `${m.requestTypeLabelJa} (${m.requestType})`)),
      fact('依頼者', 'Requested by', m.requesterName),
      fact('所管課', 'Department', m.departmentName),
      fact('希望日', 'Desired date', m.desiredDate ? at(m.desiredDate) : undefined),
      fact('備考', 'Note', m.note),
    ],
  }),

  'work_request.accepted': (m) => ({
    title: bi('作業依頼を受領しました（3営業日以内に完了）', 'Work request accepted'),
    to: bi('運用保守事業者 ご担当者様\n（写し）ご依頼者様', 'Dear O&M operators,\n(cc: the requester)'),
    lead: [
      bi('下記の作業依頼を総務課が受け付けました。', 'General Affairs has accepted the work request below.'),
      bi(
        `受付から3営業日以内（${formatJstJa(m.dueAt)} まで）に作業を完了するため、作業計画の作成をお願いいたします。`,
        `It must be completed within 3 business days of acceptance (by ${formatJstEn(m.dueAt)}); please prepare the work plan.`,
      ),
      bi(
        'ご依頼者様には本メールの写しをお送りしています。作業日程が決まりしだい、あらためてお知らせいたします。',
        'The requester receives a copy of this e-mail and will be told when the work is scheduled.',
      ),
    ],
    facts: [
      fact('依頼の種類', 'Request type', m.requestTypeLabelJa),
      fact('受付者', 'Accepted by', m.acceptedBy),
      fact('完了期限', 'Due', at(m.dueAt)),
    ],
  }),

  'work_request.rejected': (m) => ({
    title: bi('作業依頼は却下されました', 'Work request rejected'),
    to: TO.requester,
    lead: [
      bi(
        'ご依頼いただいた下記の作業依頼は、総務課で検討した結果、却下となりました。理由は下記のとおりです。',
        'After review by General Affairs, the work request below has been rejected, for the reason given below.',
      ),
      bi('ご不明な点がございましたら、総務課までお問い合わせください。', 'If you have any questions, please contact the General Affairs Division.'),
    ],
    facts: [fact('判断した方', 'Decided by', m.decidedBy), fact('却下の理由', 'Reason', m.reason)],
  }),

  'work_request.returned': (m) => ({
    title: bi('作業依頼が差し戻されました（追記のお願い）', 'Returned for more information'),
    to: TO.requester,
    lead: [
      bi(
        'ご依頼いただいた下記の作業依頼について、総務課から追加の情報をお願いしたいとの連絡がありました。',
        'General Affairs needs more information about the work request below.',
      ),
      bi(
        'お手数ですが、opsdesk の画面から依頼内容を追記・修正のうえ、再提出をお願いいたします。依頼が不要になった場合は、取り下げることもできます。',
        'Please add to or correct the request in opsdesk and resubmit it. If you no longer need the work, you can withdraw the request.',
      ),
    ],
    facts: [fact('差し戻した方', 'Returned by', m.decidedBy), fact('追記をお願いしたい内容', 'What is needed', m.reason)],
  }),

  'work_request.plan_confirmed': (m) => ({
    title: bi('作業計画が承認されました', 'Work plan confirmed'),
    to: bi('運用保守事業者 ご担当者様\nご依頼者様', 'Dear O&M operators and requester,'),
    lead: [
      bi(
        '下記の作業計画が総務課に承認されました。計画の日時に作業を実施いたします。',
        'General Affairs has confirmed the work plan below. The work will be done at the planned time.',
      ),
    ],
    notices: [
      m.stopsService &&
        bi(
          'この作業はサービスの停止を伴います。影響を受ける所管課へは、別途お知らせいたします。',
          'This work stops a service. The departments affected will be notified separately.',
        ),
    ],
    facts: [
      fact('作業日時', 'Planned', range(m.plannedStart, m.plannedEnd)),
      fact('作業内容', 'Work', m.content),
      fact('サービス停止', 'Stops a service', yesNo(m.stopsService, bi('あり', 'Yes'), bi('なし', 'No'))),
      fact('承認者', 'Approved by', m.approvedBy),
    ],
  }),

  'maintenance.notice': (m) => {
    const when = Object.hasOwn(MAINTENANCE_WHEN, m.when) ? MAINTENANCE_WHEN[m.when] : undefined;
    const named = (m.businessSystems?.length ?? 0) > 0;
    return {
      title: bi('【サービス停止を伴う作業のお知らせ】', 'Planned maintenance with service stop'),
      to: TO.departments,
      lead: [
        when?.lead,
        bi(
          `業務システム統合基盤において、下記のとおりサービスの停止を伴う作業を実施いたします。作業時間中は、${named ? '下記の業務システムをご利用いただけません' : '関係する業務システムをご利用いただけない場合があります'}。`,
          `Maintenance on the integrated business-system platform, as below, will stop services. During the work, ${named ? 'the business systems listed below will not be available' : 'some business systems may not be available'}.`,
        ),
        bi(
          'ご不便をおかけしますが、ご理解とご協力をお願いいたします。業務への影響などでご不明な点がございましたら、総務課までお問い合わせください。',
          'We apologise for the inconvenience. If you have questions about the impact on your work, please contact the General Affairs Division.',
        ),
      ],
      facts: [
        fact('お知らせ', 'Notice', when?.notice ?? String(m.when)),
        fact('作業日時', 'When', range(m.plannedStart, m.plannedEnd)),
        fact('作業内容', 'Work', m.content),
        fact('ご利用いただけない業務システム', 'Business systems unavailable', list(m.businessSystems)),
      ],
    };
  },

  'case.phone_followup': (m) => ({
    title: bi('電話連絡の内容（事後報告）', 'Report of a phone call'),
    to: TO.everyone,
    lead: [
      bi(
        '下記の案件について、お電話でご連絡した内容を、記録のためメールでご報告いたします。',
        'For the record, this e-mail reports a phone call about the case below (calls are always confirmed by e-mail afterwards).',
      ),
      bi(
        '内容に相違がございましたら、お手数ですが運用保守デスクまでお知らせください。',
        'If anything differs from your understanding, please let the desk know.',
      ),
    ],
    facts: [
      fact('通話日時', 'Call at', at(m.calledAt)),
      fact('通話の相手', 'Spoke with', m.counterpart),
      fact('内容', 'What was said', m.summary),
      fact('記録者', 'Recorded by', m.loggedBy),
    ],
  }),

  'case.hold': (m) => ({
    title: bi('対応を保留しました', 'On hold'),
    to: TO.everyone,
    lead: [
      bi('下記の案件の対応を保留しました。', 'Work on the case below is on hold.'),
      m.waitingFor === 'requester'
        ? bi(
            'ご依頼者様からのご回答をお待ちしております。ご回答をいただきしだい、対応を再開いたします。なお、作業依頼の場合、ご依頼者様の回答待ちの期間は作業完了期限（3営業日）に含めません。',
            "We are waiting for the requester's answer and will resume as soon as we have it. For a work request, time spent waiting for the requester does not count towards the 3-business-day deadline.",
          )
        : m.waitingFor === 'vendor'
          ? bi('メーカーからの回答・対応をお待ちしております。状況が変わりしだい、対応を再開いたします。', 'We are waiting for the maker and will resume as soon as there is news.')
          : bi('状況が整いしだい、対応を再開いたします。', 'We will resume as soon as we can.'),
    ],
    facts: [
      fact('保留の理由', 'Reason', m.reason),
      fact('保留した担当者', 'Put on hold by', m.by),
      fact('お待ちしているもの', 'Waiting for', waitingFor(m.waitingFor)),
    ],
  }),

  'case.resumed': (m) => ({
    title: bi('対応を再開しました', 'Resumed'),
    to: TO.everyone,
    lead: [bi('保留していた下記の案件の対応を再開しました。', 'Work on the case below, which was on hold, has resumed.')],
    facts: [
      fact('再開の理由', 'Reason', m.reason),
      fact('再開した担当者', 'Resumed by', m.by),
      fact('保留中にお待ちしていたもの', 'Was waiting for', waitingFor(m.waitingFor)),
    ],
  }),
};

/** Every template name, in the order of the table. */
export const MAIL_TEMPLATE_NAMES = Object.freeze(Object.keys(TEMPLATES) as MailTemplateName[]);

// ---------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------

/** Longest subject line, in characters (code points). */
export const MAX_SUBJECT_LENGTH = 200;
const ELLIPSIS = '…';
const SEPARATOR = '---- English ----';

const FOOTER = bi(
  'このメールは opsdesk（運用保守デスク）から自動送信しています。本メールは対応の記録として保存されます。ご返信・お問い合わせは、運用保守デスク宛てにお願いいたします。',
  'This e-mail was sent automatically by opsdesk (運用保守デスク, the operation and maintenance desk) and is kept as a record of the case. Please address replies and questions to the desk.',
);

const LINK_LABEL = bi('案件の詳細は、次の URL からご確認いただけます。', 'Case details:');
const FACTS_CAPTION = bi('概要', 'Key facts');
const NOTICE_LABEL = bi('ご注意', 'Important');

/** One line, no control characters (CR, LF, TAB, NUL, NEL, LS/PS ...): nothing can start a new header. */
function singleLine(value: string): string {
  return String(value)
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
}

function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  if (max <= 0) return '';
  return chars.slice(0, max - 1).join('').trimEnd() + ELLIPSIS;
}

function subjectLine(caseNumber: string, title: Bi, caseSubject: string): string {
  const prefix = `【opsdesk】${singleLine(caseNumber)} ${singleLine(title.ja)} / ${singleLine(title.en)}: `;
  const budget = Math.max(MAX_SUBJECT_LENGTH - Array.from(prefix).length, 1);
  return prefix + truncate(singleLine(caseSubject), budget);
}

function caseUrl(publicUrl: string, caseNumber: string): string {
  return `${String(publicUrl).trim().replace(/\/+$/, '')}/cases/${encodeURIComponent(caseNumber)}`;
}

const normaliseNewlines = (value: string) => String(value).replace(/\r\n?/g, '\n');

function factText(value: FactValue, lang: Lang): string {
  if (value === null || value === undefined) return '';
  return normaliseNewlines(typeof value === 'string' ? value : value[lang]).trim();
}

interface Section {
  title: string;
  to: string;
  paragraphs: string[];
  notices: string[];
  facts: Array<{ label: string; value: string }>;
  closing: string;
}

function section(layout: MailLayout, caseRows: Fact[], lang: Lang): Section {
  const present = <T>(items: Array<T | false | null | undefined> | undefined) => (items ?? []).filter((x): x is T => Boolean(x));
  return {
    title: layout.title[lang],
    to: normaliseNewlines(layout.to[lang]),
    paragraphs: [layout.opener ?? DEFAULT_OPENER, ...present(layout.lead)].map((p) => normaliseNewlines(p[lang])),
    notices: present(layout.notices).map((n) => normaliseNewlines(n[lang])),
    facts: [...caseRows, ...layout.facts]
      .map((f) => ({ label: f.label[lang], value: factText(f.value, lang) }))
      .filter((f) => f.value !== ''),
    closing: (layout.closing ?? DEFAULT_CLOSING)[lang],
  };
}

// ---- plain text -------------------------------------------------------------

function textFact(label: string, value: string, lang: Lang): string {
  const multiLine = value.includes('\n');
  if (lang === 'ja') {
    return multiLine ? `【${label}】\n${indent(value, '  ')}` : `【${label}】${value}`;
  }
  return multiLine ? `- ${label}:\n${indent(value, '    ')}` : `- ${label}: ${value}`;
}

const indent = (value: string, by: string) =>
  value
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');

function textSection(s: Section, lang: Lang, url: string): string {
  const notice = (n: string) => (lang === 'ja' ? `【${NOTICE_LABEL.ja}】${n}` : `${NOTICE_LABEL.en}: ${n}`);
  return [
    s.to,
    ...s.paragraphs,
    ...s.notices.map(notice),
    s.facts.map((f) => textFact(f.label, f.value, lang)).join('\n'),
    s.closing,
    `${LINK_LABEL[lang]}\n${url}`,
  ].join('\n\n');
}

// ---- HTML -------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and (double-quoted) attribute values. */
export function escapeHtml(value: string): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escaped text with line breaks kept. */
const htmlLines = (value: string) => escapeHtml(value).split('\n').join('<br>\n');

const STYLE = {
  body: 'margin:0;padding:16px;font-family:sans-serif;font-size:15px;line-height:1.6;color:#1a1a1a;background:#ffffff;',
  h1: 'font-size:20px;margin:0 0 16px;',
  h2: 'font-size:18px;margin:0 0 16px;',
  notice: 'margin:16px 0;padding:8px 12px;border-left:4px solid #b00020;background:#fff4f4;',
  table: 'border-collapse:collapse;margin:16px 0;',
  caption: 'text-align:left;font-weight:bold;padding:0 0 4px;',
  th: 'text-align:left;vertical-align:top;padding:6px 12px;border:1px solid #999999;background:#f0f0f0;white-space:nowrap;',
  td: 'vertical-align:top;padding:6px 12px;border:1px solid #999999;',
  hr: 'margin:32px 0;border:0;border-top:1px solid #999999;',
  footer: 'margin-top:32px;padding-top:8px;border-top:1px solid #cccccc;font-size:13px;color:#444444;',
};

function htmlLink(url: string): string {
  // publicUrl is configuration, but a link is only made for http(s): never a javascript: URL.
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url);
}

function htmlSection(s: Section, lang: Lang, url: string): string {
  const heading = lang === 'ja' ? `<h1 style="${STYLE.h1}">` : `<h2 style="${STYLE.h2}">`;
  const headingEnd = lang === 'ja' ? '</h1>' : '</h2>';
  const rows = s.facts
    .map((f) => `<tr><th scope="row" style="${STYLE.th}">${htmlLines(f.label)}</th><td style="${STYLE.td}">${htmlLines(f.value)}</td></tr>`)
    .join('\n');
  return [
    `<section lang="${lang}">`,
    `${heading}${escapeHtml(s.title)}${headingEnd}`,
    `<p>${htmlLines(s.to)}</p>`,
    ...s.paragraphs.map((p) => `<p>${htmlLines(p)}</p>`),
    ...s.notices.map((n) => `<p style="${STYLE.notice}"><strong>${escapeHtml(NOTICE_LABEL[lang])}${lang === 'ja' ? '：' : ':'}</strong> ${htmlLines(n)}</p>`),
    `<table style="${STYLE.table}">`,
    `<caption style="${STYLE.caption}">${escapeHtml(FACTS_CAPTION[lang])}</caption>`,
    `<tbody>\n${rows}\n</tbody>`,
    '</table>',
    `<p>${htmlLines(s.closing)}</p>`,
    `<p>${escapeHtml(LINK_LABEL[lang])}<br>\n${htmlLink(url)}</p>`,
    '</section>',
  ].join('\n');
}

/** The one layout used by every template: subject, text body and HTML body. */
function layout(caseNumber: string, caseSubject: string, content: MailLayout, publicUrl: string): RenderedMail {
  const subject = subjectLine(caseNumber, content.title, caseSubject);
  const url = caseUrl(publicUrl, caseNumber);
  const caseRows = [fact('案件番号', 'Case number', singleLine(caseNumber)), fact('件名', 'Subject', singleLine(caseSubject))];
  const ja = section(content, caseRows, 'ja');
  const en = section(content, caseRows, 'en');

  const text = [textSection(ja, 'ja', url), SEPARATOR, textSection(en, 'en', url), `--\n${FOOTER.ja}\n${FOOTER.en}`].join('\n\n') + '\n';

  const html = [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    `<body style="${STYLE.body}">`,
    '<main>',
    htmlSection(ja, 'ja', url),
    `<hr style="${STYLE.hr}">`,
    htmlSection(en, 'en', url),
    '</main>',
    `<footer style="${STYLE.footer}">`,
    `<p>${escapeHtml(FOOTER.ja)}</p>`,
    `<p lang="en">${escapeHtml(FOOTER.en)}</p>`,
    '</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');

  return { subject, text, html };
}

/**
 * Renders one mail. Throws only for an unknown template name (a programming error); odd values
 * (an unparsable time, an unknown severity) are shown as they are rather than failing the send.
 */
export function renderMail(input: MailTemplate, context: MailContext): RenderedMail {
  const name = input?.template;
  if (typeof name !== 'string' || !Object.hasOwn(TEMPLATES, name)) {
    throw new Error(`Unknown mail template: ${String(name)}`);
  }
  const define = TEMPLATES[name] as (m: MailTemplate) => MailLayout;
  return layout(String(input.caseNumber ?? ''), String(input.caseSubject ?? ''), define(input), context.publicUrl);
}
