import { condition, ParentClosePolicy, patched, setHandler, startChild, workflowInfo } from '@temporalio/workflow';
import { deskActivities, recordActivities } from './activity-profiles';
import { CaseEngine, conflict, forbidden, invalid, type TaskResult } from './case-engine';
import { nowIso } from './clock';
import { incidentWorkflow } from './incident.workflow';
import { SlaClock } from './sla-clock';
import { SEVERITIES, type ActorRef, type Severity } from './shared/case-model';
import type {
  CaseFollower, DeskSlaPlan, IncidentInput, InquiryInput, InquiryResolution, InquiryResult, MailTemplate, RecipientSpec, WorkRequestInput,
} from './shared/contracts';
import { caseNumberIn, INQUIRY_CATEGORY_LABELS, INQUIRY_CHANNEL_LABELS } from './shared/desk';
import { askerAnswer, getInquiryState, type AskerAnswerInput, type InquiryStateView } from './shared/messages';
import { jstLabel } from './shared/jst';
import { workRequestWorkflow } from './work-request.workflow';

/**
 * R-DESK-1 問い合わせ: received (mail, phone, UI, API) → acknowledged by the desk within the
 * reception-hours SLA → answered directly, or escalated to technical support with a reason → the
 * asker confirms or reopens. Or the desk converts it into an incident or a work request (the new
 * case links back), or links it to an open case. The asker is told by mail at each step
 * (R-CONTACT-1).
 */
export async function inquiryWorkflow(input: InquiryInput): Promise<InquiryResult> {
  const engine = new CaseEngine('inquiry', input.subject, null);
  engine.install();
  const state: InquiryStateView = { caseNumber: null, acknowledged: false, escalated: false, answer: null, reopenCount: 0, linkedCaseNumber: null, resolution: null, awaitingConfirmation: false };
  setHandler(getInquiryState, () => ({ ...state, caseNumber: engine.caseNumber }));
  let askerVerdict: AskerAnswerInput | null = null;
  let verdictsTaken = 0;
  setHandler(askerAnswer, async (answer) => {
    askerVerdict = answer;
    const mine = verdictsTaken + 1;
    await condition(() => verdictsTaken >= mine);
    return { ...state, caseNumber: engine.caseNumber };
  }, {
    validator: (answer: AskerAnswerInput) => {
      if (!state.awaitingConfirmation || askerVerdict) throw conflict('回答の確認を待っていません / no answer is waiting for confirmation');
      if (!answer || !answer.actor || !Array.isArray(answer.actor.roles)) throw invalid('actor', 'actor is required');
      if (answer.outcome !== 'confirmed' && answer.outcome !== 'reopened') throw invalid('outcome', 'outcome must be confirmed or reopened');
      if (answer.outcome === 'reopened' && (typeof answer.note !== 'string' || !answer.note.trim())) throw invalid('note', 'a note (what is still wrong) is required to reopen');
      const own = answer.actor.userId === input.asker.userId || (!!input.asker.departmentId && answer.actor.departmentId === input.asker.departmentId && answer.actor.roles.includes('department'));
      if (!own) throw forbidden('この問い合わせの回答を確認できるのは問い合わせ元です / only the asker may answer for the asker');
    },
  });

  engine.validateTask('inquiry_respond', ({ outcome, data }) => {
    const values = data ?? {};
    if (outcome === 'convert_incident') {
      if (!SEVERITIES.includes(values.severity as Severity)) throw invalid('data.severity', `data.severity must be one of ${SEVERITIES.join(', ')}`);
      if (!values.hostname && !input.affected) throw invalid('data.hostname', 'data.hostname is required: the inquiry names no affected device');
    }
    if (outcome === 'convert_work_request' && !values.departmentId && !input.asker.departmentId) {
      throw invalid('data.departmentId', 'data.departmentId is required: the asker belongs to no department');
    }
    const linkTo = typeof values.caseNumber === 'string' ? values.caseNumber.trim().toUpperCase() : '';
    if (outcome === 'link' && (!linkTo || caseNumberIn(linkTo) !== linkTo)) {
      throw invalid('data.caseNumber', 'data.caseNumber must be a case number such as INC-2026-0012');
    }
    if (outcome === 'link' && String(values.caseNumber).trim().toUpperCase() === engine.caseNumber) throw invalid('data.caseNumber', 'an inquiry cannot be linked to itself');
  });

  await engine.register({
    subject: input.subject,
    occurredAt: input.receivedAt,
    hostname: input.affected,
    departmentIds: input.asker.departmentId ? [input.asker.departmentId] : [],
    requesterId: input.asker.userId,
    requestType: input.category,
    description: input.text,
    params: {
      asker: input.asker, channel: input.channel, category: input.category, affected: input.affected,
      attachments: input.attachments, mailMessageId: input.mailMessageId ?? null,
    },
    createdBy: input.loggedBy?.displayName ?? input.asker.name,
  });
  state.caseNumber = engine.caseNumber;
  await deskActivities.claimInquiryAttachments({ caseId: engine.caseId!, intakeId: input.intakeId });
  await engine.record('intake', {
    kind: 'note', actor: input.loggedBy?.displayName ?? input.asker.name, actorUsername: input.loggedBy?.username ?? null,
    messageJa: `問い合わせ（${INQUIRY_CHANNEL_LABELS[input.channel].ja}・${INQUIRY_CATEGORY_LABELS[input.category].ja}）: ${input.asker.name}${input.asker.organisation ? `（${input.asker.organisation}）` : ''}`,
    messageEn: `Inquiry (${INQUIRY_CHANNEL_LABELS[input.channel].en}, ${INQUIRY_CATEGORY_LABELS[input.category].en}) from ${input.asker.name}`,
    data: { channel: input.channel, category: input.category, asker: input.asker, attachments: input.attachments, text: input.text },
  });

  // The desk SLA: acknowledged within N business minutes (a setting), from the business calendar.
  const plan = await deskActivities.planDeskSla({ startAt: input.receivedAt });
  const slaRunning = startDeskSla(engine, plan);
  await tellAsker(engine, input, 'received', { dueAt: plan.dueAt });

  const acknowledged = await engine.humanTask('inquiry_acknowledge', { dueAt: plan.dueAt });
  engine.sla!.stop();
  state.acknowledged = true;
  await engine.setStatus('in_progress', acknowledged.actor, { assignee: acknowledged.actor.displayName, assigneeUsername: acknowledged.actor.username, sla: engine.sla!.view() });
  engine.pushSearchAttributes();

  /** The desk records the asker's answer (a task), or the asker gives it (the askerAnswer Update): whichever comes first. */
  async function awaitConfirmation(): Promise<{ outcome: string; note: string | null; actor: ActorRef }> {
    const slot = await engine.openTask('inquiry_confirm');
    state.awaitingConfirmation = true;
    await engine.waitUntil(() => slot.result !== undefined || askerVerdict !== null);
    state.awaitingConfirmation = false;
    if (slot.result) return slot.result;
    const verdict = askerVerdict!;
    askerVerdict = null;
    await engine.cancelTasks([slot], '問い合わせ元が回答を確認したため', 'the asker answered');
    await engine.record(`asker-${verdict.outcome}`, {
      kind: 'note', actor: verdict.actor.displayName, actorUsername: verdict.actor.username,
      messageJa: verdict.outcome === 'confirmed' ? '問い合わせ元: 解決しました' : `問い合わせ元: 解決していません（${verdict.note}）`,
      messageEn: verdict.outcome === 'confirmed' ? 'Asker: resolved' : `Asker: not resolved (${verdict.note})`,
      data: { authorRole: 'department', outcome: verdict.outcome },
    });
    verdictsTaken += 1;
    return { outcome: verdict.outcome, note: verdict.note?.trim() || null, actor: verdict.actor };
  }

  let resolution: InquiryResolution | null = null;
  while (!resolution) {
    const decision = await engine.humanTask('inquiry_respond');
    let answered: TaskResult | null = decision.outcome === 'answer' ? decision : null;

    if (decision.outcome === 'escalate') {
      state.escalated = true;
      const assignee = typeof decision.data.assignee === 'string' && decision.data.assignee ? decision.data.assignee : null;
      await engine.record('escalation', {
        kind: 'escalation', actor: decision.actor.displayName, actorUsername: decision.actor.username,
        messageJa: `技術サポートへエスカレーション${assignee ? `（${assignee}）` : ''}: ${decision.note ?? ''}`,
        messageEn: `Escalated to technical support${assignee ? ` (${assignee})` : ''}: ${decision.note ?? ''}`,
        data: { reason: decision.note, assignee },
      });
      await tellAsker(engine, input, 'escalated', { reason: decision.note ?? undefined });
      const technical = await engine.humanTask('inquiry_technical', { suggested: { assignee, reason: decision.note } });
      if (technical.outcome === 'return_to_desk') continue;
      answered = technical;
    }

    if (answered) {
      state.answer = String(answered.data.answer);
      await tellAsker(engine, input, 'answered', { message: state.answer });
      await engine.setStatus('verifying', answered.actor);
      const confirmation = await awaitConfirmation();
      if (confirmation.outcome === 'confirmed') {
        resolution = 'answered';
        break;
      }
      state.reopenCount += 1;
      await tellAsker(engine, input, 'reopened', { reason: confirmation.note ?? undefined });
      await engine.setStatus('in_progress', confirmation.actor);
      continue;
    }

    if (decision.outcome === 'convert_incident' || decision.outcome === 'convert_work_request') {
      const linked = await convert(engine, input, decision);
      state.linkedCaseNumber = linked;
      await tellAsker(engine, input, 'converted', { relatedCaseNumber: linked });
      resolution = 'converted';
      break;
    }

    if (decision.outcome === 'link') {
      const target = String(decision.data.caseNumber).trim().toUpperCase();
      const link = await deskActivities.linkCases({
        fromCaseId: engine.caseId!, fromCaseNumber: engine.caseNumber!, toCaseNumber: target, relation: 'linked', actor: decision.actor.displayName, key: `${workflowInfo().runId}:link:${target}`,
      });
      if (!link.ok) {
        await engine.record(`link-refused-${target}`, {
          kind: 'note', actor: decision.actor.displayName, actorUsername: decision.actor.username,
          messageJa: `${target} には関連付けできません（${link.reason}）`, messageEn: `Cannot link to ${target} (${link.reason})`,
        });
        continue;
      }
      state.linkedCaseNumber = target;
      await tellAsker(engine, input, 'linked', { relatedCaseNumber: target });
      resolution = 'linked';
    }
  }

  state.resolution = resolution;
  const completedAt = nowIso();
  await engine.close(resolution, { completedAt });
  if (resolution === 'answered') await tellAsker(engine, input, 'closed', {});
  await slaRunning;
  return { caseNumber: engine.caseNumber!, resolution, linkedCaseNumber: state.linkedCaseNumber };
}

/** The acknowledgement SLA: notices at 50 % and 75 %, a breach at 100 % (the desk is mailed). */
function startDeskSla(engine: CaseEngine, plan: DeskSlaPlan): Promise<void> {
  engine.sla = new SlaClock(plan, async (percent, at) => {
    await engine.record(
      percent === 100 ? 'sla-breach' : `sla-${percent}`,
      percent === 100
        ? { kind: 'sla_breach', messageJa: `受付確認期限（${jstLabel(at)}）を超過しました`, messageEn: `Acknowledgement due (${jstLabel(at)}) missed`, data: { percent, at } }
        : { kind: 'sla_warning', messageJa: `受付確認期限までの時間の${percent}%が経過しました`, messageEn: `${percent}% of the acknowledgement time used`, data: { percent, at } },
      { patch: { sla: engine.sla!.view() } },
    );
    engine.pushSearchAttributes();
    if (percent === 100) {
      await engine.mail('sla-breach', notice(engine, 'sla_breach', '運用保守デスク', { dueAt: at }), [{ role: 'operators' }]);
    }
  });
  const running = engine.sla.run();
  return engine
    .saveSla('sla-start-desk', `受付確認期限: ${jstLabel(plan.dueAt)}（${plan.businessMinutes}営業分）`, `Acknowledge by ${jstLabel(plan.dueAt)} (${plan.businessMinutes} business minutes)`)
    .then(() => running);
}

function notice(engine: CaseEngine, step: Extract<MailTemplate, { template: 'inquiry.notice' }>['step'], askerName: string, extra: Partial<Extract<MailTemplate, { template: 'inquiry.notice' }>>): MailTemplate {
  return { template: 'inquiry.notice', caseNumber: engine.caseNumber!, caseSubject: engine.subject, askerName, ...extra, step };
}

/** R-CONTACT-1: the asker hears of every step by mail (when an address is known). */
async function tellAsker(
  engine: CaseEngine, input: InquiryInput, step: Extract<MailTemplate, { template: 'inquiry.notice' }>['step'],
  extra: Partial<Extract<MailTemplate, { template: 'inquiry.notice' }>>,
): Promise<void> {
  const to: RecipientSpec[] = input.asker.email ? [{ email: input.asker.email }] : input.asker.userId ? [{ userId: input.asker.userId }] : [];
  if (to.length === 0) return;
  await engine.mail(`asker-${step}`, notice(engine, step, input.asker.name, extra), to);
}

/** Starts the incident or work request (its id from this inquiry: at most one) and links both ways. */
async function convert(engine: CaseEngine, input: InquiryInput, decision: TaskResult): Promise<string> {
  const own = workflowInfo().workflowId;
  const prefix = own.slice(0, Math.max(0, own.indexOf('inquiry:')));
  const summary = `${input.text}\n\n（${engine.caseNumber} より切替 / converted from ${engine.caseNumber}）`.slice(0, 4000);
  // The asker follows the new case (R-CONTACT-1); runs converted before followers existed started theirs without.
  const follower: CaseFollower | null = patched('asker-follows-converted-case')
    ? { name: input.asker.name, email: input.asker.email, userId: input.asker.userId, fromCaseId: engine.caseId!, fromCaseNumber: engine.caseNumber! }
    : null;
  let workflowId: string;
  if (decision.outcome === 'convert_incident') {
    workflowId = `${prefix}incident:inquiry:${engine.caseNumber}`;
    const incident: IncidentInput = {
      source: 'manual', hostname: (typeof decision.data.hostname === 'string' && decision.data.hostname ? decision.data.hostname : input.affected ?? '').trim().toLowerCase(), alertName: null, subject: input.subject,
      summary, severity: decision.data.severity as Severity, detectedAt: input.receivedAt, reportedBy: decision.actor,
      vendorSilenceBusinessHours: input.vendorSilenceBusinessHours ?? 4,
      ...(follower ? { follower } : {}),
    };
    await startChild(incidentWorkflow, { workflowId, args: [incident], parentClosePolicy: ParentClosePolicy.ABANDON });
  } else {
    workflowId = `${prefix}work-request:inquiry:${engine.caseNumber}`;
    const departmentId = typeof decision.data.departmentId === 'string' && decision.data.departmentId ? decision.data.departmentId : input.asker.departmentId!;
    const [departmentName] = await recordActivities.departmentNames({ departmentIds: [departmentId] });
    const requester: ActorRef = (input.asker.userId ? await deskActivities.loadActor({ userId: input.asker.userId }) : null) ?? decision.actor;
    const request: WorkRequestInput = {
      requestId: `inquiry-${engine.caseNumber}`, type: 'other', subject: input.subject, params: { description: summary }, desiredDate: null,
      note: `${engine.caseNumber} より切替`, requester, departmentId, departmentName: departmentName ?? '', submittedAt: nowIso(),
      ...(follower ? { follower } : {}),
    };
    await startChild(workRequestWorkflow, { workflowId, args: [request], parentClosePolicy: ParentClosePolicy.ABANDON });
  }
  const link = await deskActivities.linkCases({
    fromCaseId: engine.caseId!, fromCaseNumber: engine.caseNumber!, toWorkflowId: workflowId, relation: 'converted', actor: decision.actor.displayName, key: `${workflowInfo().runId}:convert`,
  });
  return link.caseNumber!;
}
