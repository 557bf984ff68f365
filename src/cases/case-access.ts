import { forbidden } from '../common/errors';
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

export function canSee(actor: Actor, record: Pick<CaseRecord, 'departmentIds'>): boolean {
  const scope = departmentScope(actor);
  if (scope === undefined) return true;
  return !!scope && record.departmentIds.includes(scope);
}

export function assertCanSee(actor: Actor, record: CaseRecord): void {
  if (!canSee(actor, record)) throw forbidden('This case belongs to another department / 他課の案件は参照できません');
}
