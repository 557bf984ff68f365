import { forbidden } from '../common/errors';
import type { Actor } from '../identity/current-user';
import type { CaseRecord } from './case-record.entity';

/**
 * Who may see a case: department users only their own department's requests and the incidents
 * that affect it; operators, general affairs, auditors and admins every case.
 */
export function departmentScope(actor: Actor): string | null | undefined {
  const seesAll = actor.roles.some((r) => r !== 'department');
  if (seesAll) return undefined;
  return actor.departmentId;
}

export function assertCanSee(actor: Actor, record: CaseRecord): void {
  const scope = departmentScope(actor);
  if (scope === undefined) return;
  if (!scope || !record.departmentIds.includes(scope)) throw forbidden('This case belongs to another department / 他課の案件は参照できません');
}
