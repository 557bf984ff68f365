/**
 * The steps both case flows take, beside the engine they run on: the departments' verification,
 * the SLA notices and the approval of completion. Each emits exactly the commands the flows
 * emitted when these steps lived in them (same activities, same keys, same order), so every
 * recorded history replays.
 */
import { recordActivities } from './activity-profiles';
import type { CaseEngine, TaskResult } from './case-engine';

/**
 * R-SLA-1..3: a warning to the operators (cc general affairs) at 50 % and 75 % of the SLA's time,
 * and a breach notice to both at 100 %. `dueAt` is the due time the notice names.
 */
export async function notifySla(engine: CaseEngine, percent: number, at: string, dueAt: string): Promise<void> {
  const base = { caseNumber: engine.caseNumber!, caseSubject: engine.subject, kind: engine.kind, slaKind: engine.sla!.kind };
  if (percent < 100) {
    await engine.mail(`sla-${percent}`, { template: 'sla.warning', ...base, percent: percent as 50 | 75, dueAt }, [{ role: 'operators' }], [{ role: 'general_affairs' }]);
  } else {
    await engine.mail('sla-breach', { template: 'sla.breach', ...base, dueAt, breachedAt: at }, [{ role: 'general_affairs' }, { role: 'operators' }]);
  }
}

/**
 * The last step of both flows: general affairs approves the completion (returned), or rejects it
 * with a reason: the operators are told and the case goes back to work (null).
 */
export async function approveCompletion(engine: CaseEngine): Promise<TaskResult | null> {
  const decision = await engine.humanTask('approve_completion');
  if (decision.outcome === 'approved') return decision;
  await engine.mail('approval-rejected', {
    template: 'case.approval_rejected', caseNumber: engine.caseNumber!, caseSubject: engine.subject, approver: decision.actor.displayName, reason: decision.note ?? '',
  }, [{ role: 'operators' }]);
  await engine.setStatus('in_progress');
  return null;
}

/**
 * Steps 6 of both flows: general affairs picks the departments (preselected), each verifies;
 * any "not OK" sends the case back with its reason.
 */
export async function verifyWithDepartments(
  engine: CaseEngine, suggested: string[], subject: string, kind: 'incident' | 'work_request', what: string,
  /** Names the flow already has (the incident's asset lookup): with batchWrites, no departmentNames activity for them. */
  knownNames: Record<string, string> = {},
): Promise<boolean> {
  const nameOf = async (departmentId: string): Promise<string | undefined> =>
    engine.batchingWrites && knownNames[departmentId] !== undefined
      ? knownNames[departmentId]
      : (await Promise.all([recordActivities.departmentNames({ departmentIds: [departmentId] }), engine.flush()]))[0][0];
  const request = await engine.humanTask('request_department_verification', { suggested: { departmentIds: suggested } });
  const departmentIds = [...new Set(request.data.departmentIds as string[])];
  await engine.setStatus('verifying', request.actor);
  const slots = [];
  for (const departmentId of departmentIds) {
    slots.push(await engine.openTask('department_verification', { departmentId }));
    const name = await nameOf(departmentId);
    await engine.mailInBackground(`verification-request-${departmentId}`, {
      template: 'case.verification_request', caseNumber: engine.caseNumber!, caseSubject: subject, kind, departmentName: name ?? '', what,
    }, [{ departmentId }], [{ role: 'general_affairs' }]);
  }
  const results = await engine.waitAll(slots, (done) => done.some((r) => r.outcome === 'not_ok'));
  const failed = results.find((r) => r.outcome === 'not_ok');
  if (!failed) return true;
  await engine.cancelTasks(slots, '所管課の確認で問題が報告されたため', 'a department reported a problem');
  const departmentName = await nameOf(failed.actor.departmentId ?? '');
  await engine.mail('verification-failed', {
    template: 'case.verification_failed', caseNumber: engine.caseNumber!, caseSubject: subject, departmentName: departmentName ?? failed.actor.displayName, reason: failed.note ?? '',
  }, [{ role: 'operators' }], [{ role: 'general_affairs' }]);
  return false;
}
