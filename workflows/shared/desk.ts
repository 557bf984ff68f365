// No Temporal imports here: the UI bundles this file (the inquiry's messages are in messages.ts).
import type { InquiryCategory, InquiryChannel } from './contracts';

/**
 * The support desk (R-DESK-1): inquiries (問い合わせ) and their human steps. Pure and deterministic:
 * read by the inquiry workflow, its Update validators, the API and the UI alike.
 *
 * Who is the desk: an operator duty, not a new role. The requirements put the desk with the O&M
 * contractor (parties table: 運用保守事業者 "does the work, runs the desk"), and the step from
 * the desk to technical support is a hand-over between people of the same contractor, not a
 * boundary of what they may see or do: both read every case and log calls. A separate role would
 * add a row to every policy table (routes, case visibility, task policy, UI menus) for no
 * permission that differs. So desk steps are operator steps (TASK_TYPES, task-types.ts); escalation names the operator
 * of technical support (suggested on the task, taken with the existing claim mechanism).
 */

export const INQUIRY_CHANNELS = ['mail', 'phone', 'ui', 'api'] as const satisfies readonly InquiryChannel[];

export const INQUIRY_CATEGORIES = ['question', 'request_for_work', 'fault_report', 'other'] as const satisfies readonly InquiryCategory[];

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
