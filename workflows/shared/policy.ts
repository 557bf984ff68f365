import type { ActorRole } from './case-model';
import { ROLE_LABELS } from './roles';
import { TASK_TYPES } from './task-types';

/**
 * Who may complete which human step, and the separation-of-duties rules: the one table that both
 * the workflow's Update validator (workflows/case-engine.ts) and the API (src/cases/tasks.service.ts)
 * read, so that a task cannot be completed around the API by anyone the API would refuse.
 *
 * Pure and deterministic: it runs inside the Temporal workflow sandbox. Route-level rules (who may
 * call which HTTP route) are in src/identity/access-policy.ts.
 */

export interface TaskPolicy {
  /** Roles that may complete the step (any one of them). */
  roles: readonly ActorRole[];
  /**
   * When the task is bound to a department (department verification, resubmission), only users of
   * that department may complete it. Always applied when the task carries a departmentId.
   */
  departmentBound?: boolean;
}

/** Read from the task table (workflows/shared/task-types.ts), where each task says its role once. */
export const TASK_POLICY: Readonly<Record<string, TaskPolicy>> = Object.freeze(
  Object.fromEntries(
    Object.values(TASK_TYPES).map((definition): [string, TaskPolicy] => [
      definition.type,
      definition.departmentBound ? { roles: [definition.role], departmentBound: true } : { roles: [definition.role] },
    ]),
  ),
);

/**
 * Separation of duties (職務分離), always on: whoever completed one of `excludes` in the same case
 * may not complete `task`. The maker is never the checker, even when one person holds both roles.
 */
export interface SeparationOfDutiesRule {
  task: string;
  excludes: readonly string[];
  messageJa: string;
  messageEn: string;
}

export const SEPARATION_OF_DUTIES: readonly SeparationOfDutiesRule[] = [
  {
    task: 'approve_completion',
    excludes: ['triage', 'vendor_repair', 'verify_platform', 'execute_work', 'execution_failed', 'verify_work'],
    messageJa: '職務分離: この案件の作業を実施または確認した方は完了承認できません。別の総務課職員が承認してください',
    messageEn: 'separation of duties: you executed or verified the work of this case, so someone else from general affairs must approve its completion',
  },
  {
    task: 'confirm_plan',
    excludes: ['plan_work'],
    messageJa: '職務分離: 作業計画を作成した方はその計画を承認できません。別の総務課職員が承認してください',
    messageEn: 'separation of duties: you drew up this work plan, so someone else from general affairs must confirm it',
  },
];


/** The parts of an actor the policy looks at (ActorRef fits). */
export interface PolicyActor {
  userId?: string | null;
  username: string;
  roles: readonly string[];
  departmentId: string | null;
}

/** A step already completed in the same case, and by whom. */
export interface CompletedStep {
  type: string;
  actor: { userId?: string | null; username?: string | null };
}

export type PolicyRule = 'unknown_task' | 'role' | 'department' | 'separation_of_duties';

export interface PolicyRefusal {
  rule: PolicyRule;
  /** Bilingual, for the person refused: `日本語 / English`. */
  message: string;
}

function sameActor(a: PolicyActor, b: CompletedStep['actor']): boolean {
  if (a.userId && b.userId) return a.userId === b.userId;
  return !!b.username && a.username === b.username;
}

/**
 * May `actor` complete this task, given the steps completed so far in the same case? Returns the
 * first refusal, or null. The caller checks the task's state (open, not on hold) and its data.
 */
export function checkTaskActor(task: { type: string; departmentId?: string | null }, actor: PolicyActor, completed: readonly CompletedStep[]): PolicyRefusal | null {
  const policy = TASK_POLICY[task.type];
  if (!policy) return { rule: 'unknown_task', message: `この作業の権限が定義されていません / no policy allows completing ${task.type} (TASK_POLICY in workflows/shared/policy.ts has no entry)` };
  if (!policy.roles.some((role) => actor.roles.includes(role))) {
    return {
      rule: 'role',
      message: `この作業は${policy.roles.map((r) => ROLE_LABELS[r].ja).join('・')}が行います / only ${policy.roles.join(' or ')} may complete ${task.type}`,
    };
  }
  if (task.departmentId && actor.departmentId !== task.departmentId) {
    return { rule: 'department', message: 'この作業は対象の所管課のみが行えます / only the department this task is assigned to may complete it' };
  }
  for (const rule of SEPARATION_OF_DUTIES) {
    if (rule.task !== task.type) continue;
    const conflicting = completed.find((step) => rule.excludes.includes(step.type) && sameActor(actor, step.actor));
    if (conflicting) return { rule: 'separation_of_duties', message: `${rule.messageJa} / ${rule.messageEn} (${conflicting.type})` };
  }
  return null;
}

/**
 * Actions on a whole case that go through the workflow (Update validators) as well as the API:
 * holding and resuming. Notes and contact logs do not touch the workflow; their roles are in the
 * route table.
 */
export const CASE_ACTION_POLICY = {
  hold: { roles: ['operator', 'general_affairs'], messageJa: '保留にできるのは運用保守事業者と総務課です', messageEn: 'only operators and general affairs may hold a case' },
  resume: { roles: ['operator', 'general_affairs'], messageJa: '再開できるのは運用保守事業者と総務課です', messageEn: 'only operators and general affairs may resume a case' },
} as const satisfies Record<string, { roles: readonly ActorRole[]; messageJa: string; messageEn: string }>;

export type CaseAction = keyof typeof CASE_ACTION_POLICY;

export function checkCaseAction(action: CaseAction, actor: { roles?: readonly string[] } | null | undefined): PolicyRefusal | null {
  const policy = CASE_ACTION_POLICY[action];
  const roles = Array.isArray(actor?.roles) ? actor.roles : [];
  if (policy.roles.some((role) => roles.includes(role))) return null;
  return { rule: 'role', message: `${policy.messageJa} / ${policy.messageEn}` };
}
