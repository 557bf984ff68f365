import { CancellationScope, isCancellation, patched, sleep } from '@temporalio/workflow';
import { calendarActivities } from './activity-profiles';
import { CaseEngine, conflict, invalid, type TaskResult } from './case-engine';
import { tellFollower } from './case-followers';
import { approveCompletion, notifySla, verifyWithDepartments } from './case-steps';
import { nowIso, nowMs } from './clock';
import type { WorkPlan } from './shared/case-model';
import type { WorkRequestInput, WorkRequestResult } from './shared/contracts';
import { executeAutomated } from './operation-step';
import { jstLabel } from './shared/jst';
import { maintenanceTooSoon } from './shared/maintenance';
import { checkRequestParams, REQUEST_TYPE_BY_NAME } from './shared/request-types';

type Step = 'plan' | 'wait_for_start' | 'execute' | 'verify_work' | 'department_verification' | 'approval';

const DAY_MS = 86_400_000;

/**
 * R-FLOW-2 作業依頼 under R-SLA-3: submitted → accepted by general affairs (the receipt that starts
 * the three-business-day clock) → planned and confirmed (R-SCHED-1 for service stops) → executed at
 * the planned start → verified by the operator, the department, and approved.
 */
export async function workRequestWorkflow(input: WorkRequestInput): Promise<WorkRequestResult> {
  const engine = new CaseEngine('work_request', input.subject);
  engine.install();
  let params = input.params;
  const typeDefinition = REQUEST_TYPE_BY_NAME[input.type];

  engine.validateTask('resubmit_request', ({ data }) => {
    if (data?.params !== undefined) {
      const problem = checkRequestParams(input.type, data.params);
      if (problem) throw invalid(`data.${problem.field}`, problem.message);
    }
  });
  engine.validateTask('plan_work', ({ data }) => {
    if (Date.parse(String(data!.plannedEnd)) <= Date.parse(String(data!.plannedStart))) throw invalid('data.plannedEnd', 'data.plannedEnd must be after data.plannedStart');
  });
  engine.validateTask('confirm_plan', ({ outcome }) => {
    if (outcome !== 'confirmed' || !engine.workPlan?.stopsService) return;
    const earliest = maintenanceTooSoon(engine.workPlan.plannedStart, nowIso());
    if (earliest) {
      throw conflict(
        `サービス停止を伴う作業は1箇月以上前に協議が必要です。作業開始を${earliest}以降にしてください / ` +
          `a service-stopping maintenance must be agreed at least one month ahead (R-SCHED-1): the earliest start is ${earliest}`,
      );
    }
  });
  // R-SLA-3: the clock pauses only while the request waits for its requester.
  engine.onHold = (hold) => {
    if (hold.waitingFor === 'requester') engine.sla?.pause();
  };
  engine.onResume = () => engine.sla?.resume();

  await engine.register({
    subject: input.subject, occurredAt: input.submittedAt, departmentIds: [input.departmentId], requesterId: input.requester.userId,
    requestType: input.type, params, description: input.note, createdBy: input.requester.displayName,
  });
  const requester = [{ userId: input.requester.userId }];
  const base = () => ({ caseNumber: engine.caseNumber!, caseSubject: engine.subject });
  await engine.mail('submitted', {
    template: 'work_request.submitted', ...base(), requestType: input.type, requestTypeLabelJa: typeDefinition.labelJa,
    requesterName: input.requester.displayName, departmentName: input.departmentName, desiredDate: input.desiredDate ?? undefined, note: input.note ?? undefined,
  }, [{ role: 'general_affairs' }], requester);
  // The asker of the inquiry this came from follows it, unless the asker is the requester (who hears of every step anyway).
  const follower = input.follower && input.follower.userId !== input.requester.userId ? input.follower : null;
  await tellFollower(engine, follower, 'opened');

  // Intake: accepted, rejected, or returned to the requester until it is complete.
  let accepted: TaskResult | null = null;
  while (!accepted) {
    const decision = await engine.humanTask('accept_request');
    if (decision.outcome === 'accepted') {
      accepted = decision;
    } else if (decision.outcome === 'rejected') {
      await engine.mail('rejected', { template: 'work_request.rejected', ...base(), reason: decision.note ?? '', decidedBy: decision.actor.displayName }, requester, [{ departmentId: input.departmentId }]);
      await engine.close('rejected');
      await tellFollower(engine, follower, 'closed', { resolution: 'rejected' });
      return { caseNumber: engine.caseNumber!, resolution: 'rejected' };
    } else {
      await engine.mail('returned', { template: 'work_request.returned', ...base(), reason: decision.note ?? '', decidedBy: decision.actor.displayName }, requester);
      const resubmission = await engine.humanTask('resubmit_request', { departmentId: input.departmentId, suggested: { subject: engine.subject, params } });
      if (resubmission.outcome === 'withdrawn') {
        await engine.close('withdrawn');
        await tellFollower(engine, follower, 'closed', { resolution: 'withdrawn' });
        return { caseNumber: engine.caseNumber!, resolution: 'withdrawn' };
      }
      if (typeof resubmission.data.subject === 'string' && resubmission.data.subject.trim()) engine.subject = resubmission.data.subject.trim();
      if (resubmission.data.params) params = resubmission.data.params as Record<string, unknown>;
      await engine.record('resubmitted', {
        kind: 'note', actor: resubmission.actor.displayName, actorUsername: resubmission.actor.username,
        messageJa: '依頼内容を修正して再提出しました', messageEn: 'Request edited and resubmitted', data: { subject: engine.subject, params },
      }, { patch: { subject: engine.subject, params } });
    }
  }

  // The receipt: the contractor has the request from now on (R-SLA-3).
  const plan = await calendarActivities.planSla({ kind: 'resolution', startAt: accepted.completedAt });
  // The notices name the due time of the moment: a service-stopping plan moves it to the planned end.
  const sla = await engine.startSla(plan, (percent, at) => notifySla(engine, percent, at, engine.sla!.due));
  await engine.setStatus('in_progress', accepted.actor, { sla: engine.sla!.view() });
  await engine.mail('accepted', {
    template: 'work_request.accepted', ...base(), requestTypeLabelJa: typeDefinition.labelJa, dueAt: plan.dueAt, acceptedBy: accepted.actor.displayName,
  }, [{ role: 'operators' }], requester);

  let notices: Promise<void> | null = null;
  let noticeScope: CancellationScope | null = null;
  let step: Step = 'plan';
  let approval: TaskResult | null = null;
  let execution: TaskResult | null = null;
  // R-OP-1..9: an automated type runs its operation once at the planned time; a redo is by hand.
  let automatedSummary: string | null = null;
  let automationTried = false;
  while (!approval) {
    switch (step) {
      case 'plan': {
        const proposal = await engine.humanTask('plan_work');
        engine.workPlan = {
          plannedStart: String(proposal.data.plannedStart), plannedEnd: String(proposal.data.plannedEnd), content: String(proposal.data.content),
          stopsService: proposal.data.stopsService === true, plannedBy: proposal.actor.displayName,
        };
        await engine.record('plan', {
          kind: 'plan', actor: proposal.actor.displayName, actorUsername: proposal.actor.username,
          messageJa: `作業計画: ${jstLabel(engine.workPlan.plannedStart)} 〜 ${jstLabel(engine.workPlan.plannedEnd)} ${engine.workPlan.content}${engine.workPlan.stopsService ? '（サービス停止あり）' : ''}`,
          messageEn: `Work plan: ${jstLabel(engine.workPlan.plannedStart)} – ${jstLabel(engine.workPlan.plannedEnd)} ${engine.workPlan.content}${engine.workPlan.stopsService ? ' (stops a service)' : ''}`,
        }, { patch: { workPlan: engine.workPlan } });
        const confirmation = await engine.humanTask('confirm_plan');
        if (confirmation.outcome === 'revise') break;
        engine.workPlan = { ...engine.workPlan, approvedBy: confirmation.actor.displayName, approvedAt: confirmation.completedAt };
        await engine.record('plan-confirmed', {
          kind: 'plan', actor: confirmation.actor.displayName, actorUsername: confirmation.actor.username,
          messageJa: `作業計画を承認しました（承認者: ${confirmation.actor.displayName}）`, messageEn: `Work plan confirmed by ${confirmation.actor.displayName}`,
        }, { patch: { workPlan: engine.workPlan } });
        if (engine.workPlan.stopsService) {
          engine.sla!.replanToFixedDue(engine.workPlan.plannedEnd);
          await engine.saveSla('maintenance-due', `サービス停止を伴う作業のため、期限を作業終了予定（${jstLabel(engine.workPlan.plannedEnd)}）とします`, `Service-stopping maintenance: due at the planned end (${jstLabel(engine.workPlan.plannedEnd)})`);
          noticeScope?.cancel();
          noticeScope = new CancellationScope();
          const currentPlan = engine.workPlan;
          notices = noticeScope.run(() => maintenanceNotices(engine, currentPlan, input.departmentId)).catch((e: unknown) => {
            if (!isCancellation(e)) throw e;
          });
        }
        await engine.mail('plan-confirmed', {
          template: 'work_request.plan_confirmed', ...base(), plannedStart: engine.workPlan.plannedStart, plannedEnd: engine.workPlan.plannedEnd,
          content: engine.workPlan.content, stopsService: engine.workPlan.stopsService, approvedBy: confirmation.actor.displayName,
        }, [{ role: 'operators' }], requester);
        step = 'wait_for_start';
        break;
      }
      case 'wait_for_start': {
        // A durable timer: the work starts at the planned time, whatever restarts happen meanwhile.
        const startMs = Date.parse(engine.workPlan!.plannedStart);
        await engine.waitUntil(() => false, Math.max(0, startMs - nowMs()));
        step = 'execute';
        break;
      }
      case 'execute': {
        // patched(): a run whose history predates automation replays its by-hand execution unchanged.
        if (typeDefinition.automated && !automationTried && patched('automated-operation-items')) {
          automationTried = true;
          const outcome = await executeAutomated({ engine, definition: typeDefinition, params, departmentId: input.departmentId, responsible: engine.workPlan!.plannedBy ?? '' });
          if (outcome?.handledBy === 'automation') {
            automatedSummary = outcome.summaryJa;
            step = 'verify_work';
            break;
          }
        }
        execution = await engine.humanTask('execute_work', { dueAt: engine.workPlan!.plannedEnd, suggested: { checklistJa: typeDefinition.checklistJa, checklistEn: typeDefinition.checklistEn } });
        await engine.record('executed', {
          kind: 'note', actor: execution.actor.displayName, actorUsername: execution.actor.username,
          messageJa: `作業結果: ${String(execution.data.result)}`, messageEn: `Result: ${String(execution.data.result)}`,
        }, { patch: { assignee: execution.actor.displayName, assigneeUsername: execution.actor.username } });
        step = 'verify_work';
        break;
      }
      case 'verify_work': {
        const verified = await engine.humanTask('verify_work');
        if (verified.outcome === 'not_ok') {
          step = 'execute';
          break;
        }
        // The contractor's part is done: the three-business-day clock stops here.
        engine.sla!.stop();
        await engine.saveSla('sla-stopped', '作業が完了したため、SLAの計測を終了しました', 'Work done: the SLA clock stopped');
        await tellFollower(engine, follower, 'resolved', { summary: execution ? String(execution.data.result) : automatedSummary ?? undefined });
        step = 'department_verification';
        break;
      }
      case 'department_verification': {
        const what = `${typeDefinition.labelJa}: ${execution ? String(execution.data.result) : automatedSummary ?? engine.subject}`;
        const passed = await verifyWithDepartments(engine, [input.departmentId], engine.subject, 'work_request', what);
        if (!passed) await engine.setStatus('in_progress');
        step = passed ? 'approval' : 'execute';
        break;
      }
      case 'approval': {
        approval = await approveCompletion(engine);
        if (!approval) step = 'verify_work';
        break;
      }
    }
  }

  const completedAt = nowIso();
  noticeScope?.cancel();
  await engine.close('completed', { approver: approval.actor.displayName, completedAt });
  await engine.mail('completed', {
    template: 'case.completed', ...base(), kind: 'work_request', approver: approval.actor.displayName, completedAt, summary: execution ? String(execution.data.result) : automatedSummary ?? undefined,
  }, [...requester, { departmentId: input.departmentId }, { role: 'general_affairs' }, { role: 'operators' }]);
  await tellFollower(engine, follower, 'closed', { resolution: 'completed', summary: execution ? String(execution.data.result) : automatedSummary ?? undefined });
  await Promise.all([sla.running, notices]);
  return { caseNumber: engine.caseNumber!, resolution: 'completed' };
}

/** R-SCHED-1: the affected departments hear of a service stop on confirmation, a week before and a day before. */
async function maintenanceNotices(engine: CaseEngine, plan: WorkPlan, departmentId: string): Promise<void> {
  const notice = (when: 'confirmed' | 'week_before' | 'day_before') =>
    engine.mail(`maintenance-${when}`, {
      template: 'maintenance.notice', caseNumber: engine.caseNumber!, caseSubject: engine.subject, when, plannedStart: plan.plannedStart, plannedEnd: plan.plannedEnd, content: plan.content,
    }, [{ departmentId }], [{ role: 'general_affairs' }]);
  await notice('confirmed');
  const startMs = Date.parse(plan.plannedStart);
  for (const [when, before] of [['week_before', 7 * DAY_MS], ['day_before', DAY_MS]] as const) {
    const wait = startMs - before - nowMs();
    if (wait > 0) await sleep(wait);
    if (startMs - nowMs() > 0) await notice(when);
  }
}
