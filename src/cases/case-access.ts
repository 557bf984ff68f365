import { forbidden } from '../common/errors';
import { TASK_TYPES } from '../../workflows/shared/task-types';
import { CASE_VISIBILITY } from '../identity/access-policy';
import type { Actor } from '../identity/current-user';
import type { CaseRecord } from './case-record.entity';

/**
 * Which cases a caller sees, from CASE_VISIBILITY (src/identity/access-policy.ts): `undefined` when
 * every case, the caller's department id when only that department's, `null` when none.
 */
export function departmentScope(actor: Actor): string | null | undefined {
  const visibility = actor.roles.map((role) => CASE_VISIBILITY[role]);
  if (visibility.includes('all')) return undefined;
  if (visibility.includes('own_department')) return actor.departmentId;
  return null;
}

/**
 * SQL saying that the case row `alias` names every one of `departmentIds`, with its `?` parameters:
 * department_ids is a text[] (served by the GIN index case_record_department_ids_gin), the ids uuids.
 */
export function namesDepartments(alias: string, departmentIds: readonly string[]): { sql: string; params: string[] } {
  return { sql: `${alias}.department_ids @> array[${departmentIds.map(() => '?').join(', ')}]::text[]`, params: [...departmentIds] };
}

export function canSee(actor: Actor, record: Pick<CaseRecord, 'departmentIds'>): boolean {
  const scope = departmentScope(actor);
  if (scope === undefined) return true;
  return !!scope && record.departmentIds.includes(scope);
}

export function assertCanSee(actor: Actor, record: Pick<CaseRecord, 'departmentIds'>): void {
  if (!canSee(actor, record)) throw forbidden('This case belongs to another department / 他課の案件は参照できません');
}

/**
 * What a department sees of a case it belongs to (issue 22, decided): the state of the case and
 * what concerns it, not the desk's internal work. Like a service desk's customer view, it sees the
 * status changes, holds, the work plan and operation results, its own steps (verification,
 * resubmission), general affairs' decisions addressed to it, and the notes of department users.
 * It does not see the internal timeline: alerts, e-mails and their recipients, phone logs, SLA
 * notices and escalations, the contractor's and the maker's steps and notes (addresses included).
 */
export const DEPARTMENT_TIMELINE_KINDS = new Set(['created', 'status', 'hold', 'resume', 'plan', 'operation']);
/** General affairs' decisions on a department's request or verification: their notes are addressed to it. */
const ADDRESSED_TO_DEPARTMENT = new Set(['accept_request', 'confirm_plan', 'request_department_verification', 'approve_completion']);

export function seesWholeCase(actor: Actor): boolean {
  return departmentScope(actor) === undefined;
}

export function departmentSeesTask(type: string): boolean {
  return TASK_TYPES[type]?.role === 'department' || ADDRESSED_TO_DEPARTMENT.has(type);
}

export function departmentSeesEntry(entry: { kind: string; actorUsername?: string | null; data?: Record<string, unknown> | null }, actor: Actor): boolean {
  if (DEPARTMENT_TIMELINE_KINDS.has(entry.kind)) return true;
  if (entry.kind === 'task_opened' || entry.kind === 'task_completed') return typeof entry.data?.type === 'string' && departmentSeesTask(entry.data.type);
  if (entry.kind === 'note') return entry.actorUsername === actor.username || entry.data?.authorRole === 'department';
  return false;
}
