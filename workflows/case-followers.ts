/**
 * R-DESK-1 / R-CONTACT-1: the asker of an inquiry that became an incident or a work request follows
 * the new case. At its steps (opened with its number, resolved, closed) the asker is mailed from
 * the new case (a reply joins that case), and the inquiry's timeline notes the step, so the
 * inquiry links to what became of it. Cases without a follower emit no command here: histories
 * from before followers replay unchanged.
 */
import { workflowInfo } from '@temporalio/workflow';
import { recordActivities } from './activity-profiles';
import type { CaseEngine } from './case-engine';
import { nowIso } from './clock';
import type { CaseFollower, FollowerStep, RecipientSpec } from './shared/contracts';
import { KIND_LABELS } from './shared/case-model';

const STEP_LABELS: Record<FollowerStep, { ja: string; en: string }> = {
  opened: { ja: '受付', en: 'opened' },
  resolved: { ja: '対応済み', en: 'dealt with' },
  closed: { ja: '完了', en: 'closed' },
};

/** Each step is told once (an incident may be verified again after a failed department check). */
const told = new WeakMap<CaseEngine, Set<FollowerStep>>();

export async function tellFollower(
  engine: CaseEngine, follower: CaseFollower | null | undefined, step: FollowerStep, extra: { resolution?: string; summary?: string } = {},
): Promise<void> {
  if (!follower) return;
  const steps = told.get(engine) ?? new Set<FollowerStep>();
  told.set(engine, steps);
  if (steps.has(step)) return;
  steps.add(step);
  const to: RecipientSpec[] = follower.email ? [{ email: follower.email }] : follower.userId ? [{ userId: follower.userId }] : [];
  const kind = KIND_LABELS[engine.kind];
  const label = STEP_LABELS[step];
  await recordActivities.recordCaseEvent({
    caseId: follower.fromCaseId,
    key: `${workflowInfo().runId}:follower-${step}`,
    at: nowIso(),
    entry: {
      kind: 'note',
      messageJa: `切替先の${kind.ja} ${engine.caseNumber}: ${label.ja}${extra.resolution ? `（${extra.resolution}）` : ''}`,
      messageEn: `${kind.en} ${engine.caseNumber} (converted from this inquiry): ${label.en}${extra.resolution ? ` (${extra.resolution})` : ''}`,
      data: { followedCaseNumber: engine.caseNumber, followedKind: engine.kind, step, resolution: extra.resolution ?? null, mailed: to.length > 0 },
    },
  });
  if (to.length === 0) return;
  await engine.mail(`follower-${step}`, {
    template: 'case.follower_notice', caseNumber: engine.caseNumber!, caseSubject: engine.subject, step, kind: engine.kind,
    followerName: follower.name, fromCaseNumber: follower.fromCaseNumber, ...extra,
  }, to);
}
