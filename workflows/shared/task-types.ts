import type { ActorRole } from './case-model';

/**
 * Every human step of both flows: who may complete it, with which outcomes, and what data each
 * outcome needs. The Update validator, the API and the UI all read this one table.
 */
export type FieldType = 'string' | 'text' | 'boolean' | 'datetime' | 'email' | 'string[]' | 'object';

export interface TaskField {
  name: string;
  type: FieldType;
  labelJa: string;
  labelEn: string;
  /** Required for these outcomes (all outcomes when `true`). */
  required?: boolean | string[];
  maxLength?: number;
  /** Only meaningful with these outcomes: the form shows the field beside them and sends it only with them. */
  onlyFor?: string[];
}

export interface TaskOutcome {
  value: string;
  /** The button text: what the person does (依頼する). */
  labelJa: string;
  labelEn: string;
  /** What the step's record says afterwards (依頼済み): the completed-task table and notices. */
  resultJa: string;
  resultEn: string;
}

export interface TaskTypeDefinition {
  type: string;
  labelJa: string;
  labelEn: string;
  /** Who completes the step: said here only (the policy, the inbox and the engine read it). */
  role: ActorRole;
  /** Only users of the department the task is assigned to may complete it. */
  departmentBound?: boolean;
  outcomes: TaskOutcome[];
  /** Outcomes for which a note (the reason) is mandatory. */
  noteRequiredFor?: string[];
  fields?: TaskField[];
}

const outcome = (value: string, labelJa: string, labelEn: string, resultJa = labelJa, resultEn = labelEn): TaskOutcome => ({ value, labelJa, labelEn, resultJa, resultEn });

export const TASK_TYPES: Record<string, TaskTypeDefinition> = {
  acknowledge: {
    type: 'acknowledge', labelJa: '現地到着・一次切り分け開始', labelEn: 'On site, first isolation started', role: 'operator',
    outcomes: [outcome('on_site', '現地で対応開始', 'On site and started', '現地で対応開始済み', 'Started on site')],
  },
  urgent_consultation: {
    type: 'urgent_consultation', labelJa: '時間外緊急対応の協議', labelEn: 'Out-of-hours urgency consultation', role: 'general_affairs',
    outcomes: [outcome('respond_now', '直ちに対応する', 'Respond now', '直ちに対応と決定', 'Decided: respond now'), outcome('next_business_day', '翌営業日に対応する', 'Next business day', '翌営業日に対応と決定', 'Decided: next business day')],
  },
  triage: {
    type: 'triage', labelJa: '切り分け結果の報告', labelEn: 'Report triage findings', role: 'operator',
    outcomes: [outcome('resolved', '現地で復旧した', 'Fixed on site', '現地で復旧', 'Fixed on site'), outcome('needs_vendor', 'メーカー対応が必要', 'Needs the maker\'s desk', 'メーカー対応へ', 'Passed to the maker')],
    fields: [
      { name: 'findings', type: 'text', labelJa: '切り分け結果', labelEn: 'Findings', required: true, maxLength: 4000 },
      { name: 'impactScope', type: 'text', labelJa: '影響範囲', labelEn: 'Scope of impact', required: true, maxLength: 2000 },
      { name: 'serviceStopped', type: 'boolean', labelJa: 'サービス停止の有無', labelEn: 'Service stopped', required: true },
      { name: 'vendorEmail', type: 'email', labelJa: 'メーカー保守窓口のメール', labelEn: 'Maker desk e-mail (if not in the inventory)', onlyFor: ['needs_vendor'] },
    ],
  },
  vendor_repair: {
    type: 'vendor_repair', labelJa: 'メーカー修理の完了', labelEn: 'Maker repair done', role: 'operator',
    outcomes: [outcome('repaired', '修理完了', 'Repaired')],
    fields: [
      { name: 'vendorTicket', type: 'string', labelJa: 'メーカー受付番号', labelEn: 'Maker ticket', maxLength: 200 },
      { name: 'summary', type: 'text', labelJa: '修理内容', labelEn: 'What was repaired', required: true, maxLength: 4000 },
    ],
  },
  verify_platform: {
    type: 'verify_platform', labelJa: '基盤の動作確認', labelEn: 'Verify the platform', role: 'operator',
    outcomes: [outcome('ok', '正常', 'Working'), outcome('not_ok', '異常あり（切り分けへ戻す）', 'Not working (back to triage)', '異常あり（切り分けへ戻した）', 'Not working (sent back to triage)')],
    noteRequiredFor: ['not_ok'],
  },
  request_department_verification: {
    type: 'request_department_verification', labelJa: '所管課への動作確認依頼', labelEn: 'Ask departments to verify', role: 'general_affairs',
    outcomes: [outcome('requested', '依頼する', 'Request', '依頼済み', 'Requested')],
    fields: [{ name: 'departmentIds', type: 'string[]', labelJa: '確認を依頼する所管課', labelEn: 'Departments that verify', required: true }],
  },
  department_verification: {
    type: 'department_verification', labelJa: '所管課の動作確認', labelEn: 'Department verification', role: 'department', departmentBound: true,
    outcomes: [outcome('ok', '問題なし', 'OK'), outcome('not_ok', '問題あり', 'Not OK')],
    noteRequiredFor: ['not_ok'],
  },
  approve_completion: {
    type: 'approve_completion', labelJa: '完了承認', labelEn: 'Approve completion', role: 'general_affairs',
    outcomes: [outcome('approved', '承認', 'Approve', '承認済み', 'Approved'), outcome('rejected', '差し戻し', 'Reject', '差し戻し済み', 'Rejected')],
    noteRequiredFor: ['rejected'],
  },
  accept_request: {
    type: 'accept_request', labelJa: '作業依頼の受付', labelEn: 'Accept the request', role: 'general_affairs',
    outcomes: [outcome('accepted', '受け付ける', 'Accept', '受付済み', 'Accepted'), outcome('rejected', '却下', 'Reject', '却下済み', 'Rejected'), outcome('returned', '差し戻し（情報不足）', 'Return for more information', '差し戻し済み（情報不足）', 'Returned for more information')],
    noteRequiredFor: ['rejected', 'returned'],
  },
  resubmit_request: {
    type: 'resubmit_request', labelJa: '依頼内容の修正・再提出', labelEn: 'Edit and resubmit', role: 'department', departmentBound: true,
    outcomes: [outcome('resubmitted', '再提出', 'Resubmit', '再提出済み', 'Resubmitted'), outcome('withdrawn', '取り下げ', 'Withdraw', '取り下げ済み', 'Withdrawn')],
    fields: [
      { name: 'subject', type: 'string', labelJa: '件名', labelEn: 'Subject', maxLength: 200 },
      { name: 'params', type: 'object', labelJa: 'パラメータ', labelEn: 'Parameters' },
      { name: 'desiredDate', type: 'datetime', labelJa: '希望日', labelEn: 'Desired date' },
    ],
  },
  plan_work: {
    type: 'plan_work', labelJa: '作業計画の作成', labelEn: 'Plan the work', role: 'operator',
    outcomes: [outcome('planned', '計画を提出', 'Submit plan', '計画提出済み', 'Plan submitted')],
    fields: [
      { name: 'plannedStart', type: 'datetime', labelJa: '作業開始日時', labelEn: 'Planned start', required: true },
      { name: 'plannedEnd', type: 'datetime', labelJa: '作業終了日時', labelEn: 'Planned end', required: true },
      { name: 'content', type: 'text', labelJa: '作業内容', labelEn: 'Work content', required: true, maxLength: 4000 },
      { name: 'stopsService', type: 'boolean', labelJa: 'サービス停止を伴う', labelEn: 'Stops a service', required: true },
    ],
  },
  confirm_plan: {
    type: 'confirm_plan', labelJa: '作業計画の承認', labelEn: 'Confirm the plan', role: 'general_affairs',
    outcomes: [outcome('confirmed', '承認', 'Confirm', '承認済み', 'Confirmed'), outcome('revise', '修正依頼', 'Ask for revision', '修正依頼済み', 'Revision asked')],
    noteRequiredFor: ['revise'],
  },
  execute_work: {
    type: 'execute_work', labelJa: '作業の実施', labelEn: 'Execute the work', role: 'operator',
    outcomes: [outcome('done', '作業完了', 'Done')],
    fields: [{ name: 'result', type: 'text', labelJa: '作業結果', labelEn: 'Result', required: true, maxLength: 4000 }],
  },
  execution_failed: {
    type: 'execution_failed', labelJa: '自動実行の失敗への対応', labelEn: 'Automated execution failed', role: 'operator',
    outcomes: [outcome('retry', '原因を取り除いて再実行する', 'Retry (after fixing the cause)', '再実行した', 'Retried'), outcome('abandon', '自動実行を中止し手作業で対応する', 'Abandon automation and do it by hand', '自動実行を中止（手作業で対応）', 'Automation abandoned (by hand)')],
    noteRequiredFor: ['abandon'],
  },
  verify_work: {
    type: 'verify_work', labelJa: '作業後の動作確認', labelEn: 'Verify the work', role: 'operator',
    outcomes: [outcome('ok', '正常', 'Working'), outcome('not_ok', '異常あり（再作業）', 'Not working (redo)', '異常あり（再作業へ）', 'Not working (sent to redo)')],
    noteRequiredFor: ['not_ok'],
  },
};

export type TaskType = keyof typeof TASK_TYPES;

export interface TaskDataProblem {
  field: string;
  message: string;
}

/** Checks an outcome, note and data against the task type; the first problem names its field. */
export function checkTaskCompletion(type: string, outcomeValue: unknown, note: unknown, data: unknown): TaskDataProblem | null {
  const definition = TASK_TYPES[type];
  if (!definition) return { field: 'type', message: `unknown task type ${type}` };
  if (typeof outcomeValue !== 'string' || !definition.outcomes.some((o) => o.value === outcomeValue)) {
    return { field: 'outcome', message: `outcome must be one of: ${definition.outcomes.map((o) => o.value).join(', ')}` };
  }
  if (note !== undefined && note !== null && typeof note !== 'string') return { field: 'note', message: 'note must be text' };
  if (definition.noteRequiredFor?.includes(outcomeValue) && (typeof note !== 'string' || note.trim() === '')) {
    return { field: 'note', message: `a note (the reason) is required for the outcome ${outcomeValue}` };
  }
  if (data !== undefined && data !== null && (typeof data !== 'object' || Array.isArray(data))) return { field: 'data', message: 'data must be an object' };
  const values = (data ?? {}) as Record<string, unknown>;
  const known = new Set((definition.fields ?? []).map((f) => f.name));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) return { field: `data.${key}`, message: `data.${key} is not a field of ${type}` };
  }
  for (const field of definition.fields ?? []) {
    const value = values[field.name];
    const required = field.required === true || (Array.isArray(field.required) && field.required.includes(outcomeValue));
    if (value === undefined || value === null || value === '') {
      if (required) return { field: `data.${field.name}`, message: `data.${field.name} is required` };
      continue;
    }
    const problem = checkFieldValue(field, value);
    if (problem) return { field: `data.${field.name}`, message: `data.${field.name} ${problem}` };
  }
  return null;
}

const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;
const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

function checkFieldValue(field: TaskField, value: unknown): string | null {
  switch (field.type) {
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'datetime':
      return typeof value === 'string' && ISO_DATETIME.test(value) && !Number.isNaN(Date.parse(value)) ? null : 'must be an ISO 8601 date-time with an offset';
    case 'email':
      return typeof value === 'string' && EMAIL.test(value) && value.length <= 254 ? null : 'must be an e-mail address';
    case 'object':
      return typeof value === 'object' && !Array.isArray(value) ? null : 'must be an object';
    case 'string[]':
      return Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string' && v.length > 0 && v.length <= 100) ? null : 'must be a non-empty list of ids';
    default:
      if (typeof value !== 'string') return 'must be text';
      if (field.maxLength && value.length > field.maxLength) return `must be at most ${field.maxLength} characters`;
      return null;
  }
}
