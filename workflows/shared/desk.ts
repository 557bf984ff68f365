import { defineQuery, defineUpdate } from '@temporalio/workflow';
import type { ActorRef } from './case-model';
import type { InquiryCategory, InquiryChannel, InquiryResolution } from './contracts';

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

/** A case number in a mail subject: 【opsdesk】INC-2026-0012 …, Re: [REQ-2026-0003] … */
export const CASE_NUMBER_IN_TEXT = /\b(INC|REQ|INQ)-(\d{4})-(\d{4,8})\b/;

export function caseNumberIn(text: string | null | undefined): string | null {
  const match = CASE_NUMBER_IN_TEXT.exec(text ?? '');
  return match ? match[0] : null;
}

