import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActorRef } from './case-model';
import type { TaskPolicy } from './policy';
import type { TaskOutcome, TaskTypeDefinition } from './task-types';

/**
 * The support desk (R-DESK-1): inquiries (問い合わせ) and their human steps. Pure and deterministic:
 * read by the inquiry workflow, its Update validators, the API and the UI alike.
 *
 * Who is the desk: an operator duty, not a new role. The requirements put the desk with the O&M
 * contractor (parties table: 運用保守事業者 "does the work, runs the desk"), and the step from
 * the desk to technical support is a hand-over between people of the same contractor, not a
 * boundary of what they may see or do: both read every case and log calls. A separate role would
 * add a row to every policy table (routes, case visibility, task policy, UI menus) for no
 * permission that differs. So desk steps are assigned to operators; escalation names the operator
 * of technical support (suggested on the task, taken with the existing claim mechanism).
 */

export const INQUIRY_CHANNELS = ['mail', 'phone', 'ui', 'api'] as const;
export type InquiryChannel = (typeof INQUIRY_CHANNELS)[number];

export const INQUIRY_CATEGORIES = ['question', 'request_for_work', 'fault_report', 'other'] as const;
export type InquiryCategory = (typeof INQUIRY_CATEGORIES)[number];

export const INQUIRY_CATEGORY_LABELS: Record<InquiryCategory, { ja: string; en: string }> = {
  question: { ja: '質問', en: 'Question' },
  request_for_work: { ja: '作業の依頼', en: 'Request for work' },
  fault_report: { ja: '障害の報告', en: 'Fault report' },
  other: { ja: 'その他', en: 'Other' },
};

export const INQUIRY_CHANNEL_LABELS: Record<InquiryChannel, { ja: string; en: string }> = {
  mail: { ja: 'メール', en: 'E-mail' },
  phone: { ja: '電話', en: 'Phone' },
  ui: { ja: '画面', en: 'Web UI' },
  api: { ja: 'API', en: 'API' },
};

/** Who asked: a user of opsdesk, or someone known only by name and address (a system vendor, say). */
export interface InquiryAsker {
  name: string;
  email: string | null;
  userId: string | null;
  departmentId: string | null;
  /** Free text: 税務課, ○○システム保守事業者, ... */
  organisation?: string | null;
}

export interface InquiryAttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** The inquiry workflow's input: one type, read once when the case starts (replay-safe). */
export interface InquiryInput {
  intakeId: string;
  subject: string;
  text: string;
  asker: InquiryAsker;
  channel: InquiryChannel;
  category: InquiryCategory;
  /** The affected system or device (a host name of the inventory, or free text). */
  affected: string | null;
  receivedAt: string;
  attachments: InquiryAttachmentRef[];
  /** The received mail this inquiry came from (its Message-ID), so replies thread. */
  mailMessageId?: string | null;
  /** Who logged it (phone, UI on someone's behalf); null for mail and the asker's own API call. */
  loggedBy?: { username: string; displayName: string } | null;
}

export interface InquiryResult {
  caseNumber: string;
  resolution: InquiryResolution;
  linkedCaseNumber: string | null;
}

export type InquiryResolution = 'answered' | 'converted' | 'linked';

export interface InquiryStateView {
  caseNumber: string | null;
  acknowledged: boolean;
  escalated: boolean;
  answer: string | null;
  reopenCount: number;
  linkedCaseNumber: string | null;
  resolution: InquiryResolution | null;
  /** The answer is out and the asker's confirmation is awaited. */
  awaitingConfirmation: boolean;
}

export const getInquiryState = defineQuery<InquiryStateView>('getInquiryState');

/** The asker's own answer to "is it solved?" (a department user in the UI): validated by the workflow. */
export interface AskerAnswerInput {
  outcome: 'confirmed' | 'reopened';
  note?: string;
  actor: ActorRef;
}

export const askerAnswer = defineUpdate<InquiryStateView, [AskerAnswerInput]>('askerAnswer');

const outcome = (value: string, labelJa: string, labelEn: string, resultJa = labelJa, resultEn = labelEn): TaskOutcome => ({ value, labelJa, labelEn, resultJa, resultEn });

export const DESK_TASK_TYPES: Record<string, TaskTypeDefinition> = {
  inquiry_acknowledge: {
    type: 'inquiry_acknowledge', labelJa: '問い合わせの受付確認', labelEn: 'Acknowledge the inquiry', role: 'operator',
    outcomes: [outcome('acknowledged', '受け付ける', 'Acknowledge', '受付確認済み', 'Acknowledged')],
  },
  inquiry_respond: {
    type: 'inquiry_respond', labelJa: '問い合わせへの対応', labelEn: 'Handle the inquiry', role: 'operator',
    outcomes: [
      outcome('answer', '回答する', 'Answer', '回答済み', 'Answered'),
      outcome('escalate', '技術サポートへエスカレーション', 'Escalate to technical support', 'エスカレーション済み', 'Escalated'),
      outcome('convert_incident', '障害対応に切り替える', 'Convert into an incident', '障害対応へ切替', 'Converted into an incident'),
      outcome('convert_work_request', '作業依頼に切り替える', 'Convert into a work request', '作業依頼へ切替', 'Converted into a work request'),
      outcome('link', '対応中の案件に関連付ける', 'Link to an open case', '関連付け済み', 'Linked'),
    ],
    noteRequiredFor: ['escalate'],
    fields: [
      { name: 'answer', type: 'text', labelJa: '回答', labelEn: 'Answer', required: ['answer'], onlyFor: ['answer'], maxLength: 8000 },
      { name: 'assignee', type: 'string', labelJa: '技術サポート担当（ユーザー名）', labelEn: 'Technical support (user name)', onlyFor: ['escalate'], maxLength: 100 },
      { name: 'severity', type: 'string', labelJa: '重要度', labelEn: 'Severity', required: ['convert_incident'], onlyFor: ['convert_incident'], maxLength: 20 },
      { name: 'hostname', type: 'string', labelJa: 'ホスト名', labelEn: 'Host name', onlyFor: ['convert_incident'], maxLength: 253 },
      { name: 'departmentId', type: 'string', labelJa: '依頼元の所管課', labelEn: 'Requesting department', onlyFor: ['convert_work_request'], maxLength: 100 },
      { name: 'caseNumber', type: 'string', labelJa: '関連付ける案件番号', labelEn: 'Case number to link to', required: ['link'], onlyFor: ['link'], maxLength: 30 },
    ],
  },
  inquiry_technical: {
    type: 'inquiry_technical', labelJa: '技術サポートの回答', labelEn: 'Technical support answer', role: 'operator',
    outcomes: [
      outcome('answer', '回答する', 'Answer', '回答済み', 'Answered'),
      outcome('return_to_desk', 'デスクへ戻す', 'Return to the desk', 'デスクへ戻した', 'Returned to the desk'),
    ],
    noteRequiredFor: ['return_to_desk'],
    fields: [{ name: 'answer', type: 'text', labelJa: '回答', labelEn: 'Answer', required: ['answer'], onlyFor: ['answer'], maxLength: 8000 }],
  },
  inquiry_confirm: {
    type: 'inquiry_confirm', labelJa: '回答の確認（問い合わせ元）', labelEn: "Asker's confirmation", role: 'operator',
    outcomes: [
      outcome('confirmed', '解決した', 'Resolved', '解決確認済み', 'Confirmed'),
      outcome('reopened', '解決していない（再対応）', 'Not resolved (reopen)', '再対応の依頼', 'Reopened'),
    ],
    noteRequiredFor: ['reopened'],
  },
};

/**
 * Desk steps are an operator duty (see above). The asker's confirmation is recorded by the desk
 * (`inquiry_confirm`, from the asker's reply mail or call), or given by the asker in the UI through
 * the `askerAnswer` Update (a user of the asker's department; the workflow's validator checks it).
 */
export const DESK_TASK_POLICY: Readonly<Record<string, TaskPolicy>> = {
  inquiry_acknowledge: { roles: ['operator'] },
  inquiry_respond: { roles: ['operator'] },
  inquiry_technical: { roles: ['operator'] },
  inquiry_confirm: { roles: ['operator'] },
};

/** A case number in a mail subject: 【opsdesk】INC-2026-0012 …, Re: [REQ-2026-0003] … */
export const CASE_NUMBER_IN_TEXT = /\b(INC|REQ|INQ)-(\d{4})-(\d{4,8})\b/;

export function caseNumberIn(text: string | null | undefined): string | null {
  const match = CASE_NUMBER_IN_TEXT.exec(text ?? '');
  return match ? match[0] : null;
}

/** The audit log's words for the desk's routes (merged into AUDIT_ACTION_LABELS). */
export const DESK_AUDIT_ACTION_LABELS: Readonly<Record<string, { ja: string; en: string }>> = {
  'inquiry.create': { ja: '問い合わせの受付', en: 'Inquiry received' },
  'inquiry.list': { ja: '問い合わせの一覧', en: 'Inquiries listed' },
  'inquiry.read': { ja: '問い合わせの参照', en: 'Inquiry read' },
  'inquiry.reply': { ja: '問い合わせ元への返信', en: 'Reply to the asker' },
  'inquiry.confirm': { ja: '問い合わせ元による回答の確認', en: 'Answer confirmed by the asker' },
  'case.call': { ja: '電話の記録', en: 'Call logged' },
  'case.call.followup': { ja: '電話の事後報告メール', en: 'Call reported by mail' },
  'case.desk': { ja: '案件のデスク情報の参照', en: 'Desk view of a case read' },
  'case.similar': { ja: '類似案件の参照', en: 'Similar cases read' },
  'attachment.read': { ja: '添付ファイルの取得', en: 'Attachment downloaded' },
  'desk.settings': { ja: 'デスク設定の参照', en: 'Desk settings read' },
  'desk.settings.update': { ja: 'デスク設定の変更', en: 'Desk settings changed' },
  'desk.monitoring_rule.list': { ja: '監視メール規則の一覧', en: 'Monitoring mail rules listed' },
  'desk.monitoring_rule.test': { ja: '監視メール規則の試験', en: 'Monitoring mail rule tested' },
  'desk.monitoring_rule.create': { ja: '監視メール規則の登録', en: 'Monitoring mail rule added' },
  'desk.monitoring_rule.delete': { ja: '監視メール規則の削除', en: 'Monitoring mail rule removed' },
  'desk.mail_inbox': { ja: '受信メールの一覧', en: 'Received mail listed' },
};
