import type { EntityManager } from '@mikro-orm/postgresql';
import { ScheduleAlreadyRunning, ScheduleNotFoundError, type Client, type ScheduleOptionsAction } from '@temporalio/client';
import { WORKFLOW_TYPE, type BackupWorkflowInput } from '../../workflows/shared/contracts';
import { ProviderError } from '../providers/provider-error';
import { BackupPolicy, type BackupTargetKind } from './operation.entities';

export const BACKUP_TIMEZONE = 'Asia/Tokyo';

export interface ScheduleSummary {
  scheduleId: string;
  policyId: string;
  cron: string;
  timezone: string;
  retentionDays: number;
  nextRuns: string[];
}

/**
 * R-SCHED-2: backups run by themselves on a schedule fitted to each business system. One Temporal
 * Schedule per target (cron in Asia/Tokyo, overlap SKIP: a backup still running is never doubled)
 * starts `backupWorkflow`; the policy row holds what the workflow reads at run time (retention).
 */
export class BackupScheduler {
  constructor(
    private readonly em: EntityManager,
    private readonly client: () => Client,
    private readonly taskQueue: string,
  ) {}

  scheduleId(targetKind: BackupTargetKind, targetName: string): string {
    return `backup:${targetKind}:${targetName}@${this.taskQueue}`;
  }

  /** Creates or updates the target's policy and its schedule. */
  async configure(input: { targetKind: BackupTargetKind; targetName: string; cron: string; retentionDays: number; configuredBy: string }): Promise<ScheduleSummary> {
    const scheduleId = this.scheduleId(input.targetKind, input.targetName);
    const em = this.em.fork();
    await em.execute(
      `insert into backup_policy (id, target_kind, target_name, cron, timezone, retention_days, schedule_id, active, configured_by, created_at, updated_at)
       values (gen_random_uuid(), ?, ?, ?, ?, ?, ?, true, ?, now(), now())
       on conflict (target_kind, target_name) do update set cron = excluded.cron, timezone = excluded.timezone, retention_days = excluded.retention_days,
         schedule_id = excluded.schedule_id, active = true, configured_by = excluded.configured_by, updated_at = now()`,
      [input.targetKind, input.targetName, input.cron, BACKUP_TIMEZONE, input.retentionDays, scheduleId, input.configuredBy],
    );
    const policy = await em.findOneOrFail(BackupPolicy, { targetKind: input.targetKind, targetName: input.targetName });
    const args: [BackupWorkflowInput] = [{ targetKind: input.targetKind, targetName: input.targetName }];
    const action: ScheduleOptionsAction = {
      type: 'startWorkflow', workflowType: WORKFLOW_TYPE.backupWorkflow, taskQueue: this.taskQueue, args, workflowId: `backup:${input.targetKind}:${input.targetName}`,
    };
    const spec = { cronExpressions: [input.cron], timezone: BACKUP_TIMEZONE };
    const policies = { overlap: 'SKIP' as const, catchupWindow: '1 hour' as const };
    const client = this.client();
    try {
      await client.schedule.create({ scheduleId, spec, action, policies, memo: { policyId: policy.id } });
    } catch (error) {
      if (!(error instanceof ScheduleAlreadyRunning)) throw scheduleError(error);
      await client.schedule.getHandle(scheduleId).update((previous) => ({ spec, action, policies, state: { paused: false, note: previous.state.note } }));
    }
    const described = await client.schedule.getHandle(scheduleId).describe();
    return {
      scheduleId, policyId: policy.id, cron: input.cron, timezone: BACKUP_TIMEZONE, retentionDays: input.retentionDays,
      nextRuns: described.info.nextActionTimes.slice(0, 3).map((d) => d.toISOString()),
    };
  }

  /** Stops the schedule of a target that is gone; its catalog stays. */
  async remove(targetKind: BackupTargetKind, targetName: string): Promise<boolean> {
    const em = this.em.fork();
    const policy = await em.findOne(BackupPolicy, { targetKind, targetName });
    if (!policy) return false;
    try {
      await this.client().schedule.getHandle(policy.scheduleId).delete();
    } catch (error) {
      if (!(error instanceof ScheduleNotFoundError)) throw error;
    }
    policy.active = false;
    policy.updatedAt = new Date();
    await em.flush();
    return true;
  }

  async policy(targetKind: BackupTargetKind, targetName: string): Promise<BackupPolicy | null> {
    return this.em.fork().findOne(BackupPolicy, { targetKind, targetName, active: true });
  }

  async list(): Promise<BackupPolicy[]> {
    return this.em.fork().find(BackupPolicy, {}, { orderBy: { targetKind: 'asc', targetName: 'asc' } });
  }
}

function scheduleError(error: unknown): unknown {
  const message = error instanceof Error ? error.message : String(error);
  if (/invalid|cron/i.test(message)) return new ProviderError('invalid', `スケジュールを登録できません / the schedule was refused: ${message}`);
  return error;
}
