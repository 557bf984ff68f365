import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CASE_STATUSES, SEVERITIES, type CaseStatus, type Impact, type Severity, type SlaView, type WorkPlan } from '../../../workflows/shared/case-model';
import type { CaseKind } from '../../../workflows/shared/ids';
import { ROLES } from '../../identity/roles';
import { BilingualDto, covers, describes, OBJECT } from '../../openapi/describes';
import type { caseSummary, CasesService, taskView } from '../cases.service';
import type { TimelineKind } from '../../../workflows/shared/contracts';
import type { TasksService } from '../tasks.service';

const KINDS = ['incident', 'work_request', 'inquiry'] as const satisfies readonly CaseKind[];
/** Work requests end completed, rejected or withdrawn; inquiries (R-DESK-1) answered, converted or linked. */
const RESOLUTIONS = ['completed', 'rejected', 'withdrawn', 'answered', 'converted', 'linked'] as const;
const TIMELINE_KINDS = [
  'created', 'status', 'alert', 'task_opened', 'task_completed', 'email', 'phone', 'note',
  'sla_warning', 'sla_breach', 'hold', 'resume', 'plan', 'escalation', 'reminder', 'operation',
] as const satisfies readonly TimelineKind[];

/** R-REC-5 影響度 as the case list shows it. */
export class ImpactSummaryDto {
  @ApiProperty({ type: String, nullable: true }) readonly scope: string | null;
  @ApiProperty({ type: Boolean, nullable: true }) readonly serviceStopped: boolean | null;
}

/** R-REC-5 影響度 as recorded. */
export class ImpactDto {
  @ApiPropertyOptional() readonly scope?: string;
  @ApiPropertyOptional() readonly serviceStopped?: boolean;
  @ApiPropertyOptional({ enum: SEVERITIES, enumName: 'Severity' }) readonly severity?: Severity;
}
describes<ImpactDto, Impact>(true);

/** R-REC-7 作業計画. */
export class WorkPlanDto {
  @ApiProperty({ format: 'date-time' }) readonly plannedStart: string;
  @ApiProperty({ format: 'date-time' }) readonly plannedEnd: string;
  @ApiProperty() readonly content: string;
  @ApiProperty() readonly stopsService: boolean;
  @ApiPropertyOptional() readonly plannedBy?: string;
  @ApiPropertyOptional() readonly approvedBy?: string;
  @ApiPropertyOptional({ format: 'date-time' }) readonly approvedAt?: string;
}
describes<WorkPlanDto, WorkPlan>(true);

/** The SLA clock of a case (R-SLA-*). */
export class SlaViewDto {
  @ApiProperty({ enum: ['onsite', 'resolution', 'desk'] }) readonly kind: 'onsite' | 'resolution' | 'desk';
  @ApiProperty({ format: 'date-time' }) readonly startAt: string;
  @ApiProperty({ format: 'date-time' }) readonly dueAt: string;
  @ApiProperty({ format: 'date-time', description: 'the due time before any pause moved it' }) readonly originalDueAt: string;
  @ApiProperty({ type: [Number] }) readonly warningsSent: number[];
  @ApiProperty() readonly breached: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly breachedAt: string | null;
  @ApiProperty() readonly paused: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly pausedSince: string | null;
  @ApiProperty({ description: 'business seconds spent paused so far' }) readonly pausedSeconds: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly stoppedAt: string | null;
  @ApiPropertyOptional({ description: 'started in reception hours (R-SLA-1) or outside (R-SLA-2); absent in records from before issue 22' }) readonly withinReceptionHours?: boolean;
}
describes<SlaViewDto, SlaView>(true);

export class LastActionDto {
  @ApiProperty({ format: 'date-time' }) readonly at: string;
  @ApiProperty() readonly messageJa: string;
  @ApiProperty() readonly messageEn: string;
}

/** A case in the lists (作業履歴, dashboard). */
export class CaseSummaryDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ example: 'INC-2026-0001' }) readonly number: string;
  @ApiProperty({ enum: KINDS, enumName: 'CaseKind' }) readonly kind: CaseKind;
  @ApiProperty({ type: () => BilingualDto }) readonly kindLabel: BilingualDto;
  @ApiProperty() readonly subject: string;
  @ApiProperty({ enum: CASE_STATUSES, enumName: 'CaseStatus' }) readonly status: CaseStatus;
  @ApiProperty({ type: () => BilingualDto }) readonly statusLabel: BilingualDto;
  @ApiProperty({ type: String, enum: RESOLUTIONS, enumName: 'CaseResolution', nullable: true }) readonly resolution: string | null;
  @ApiProperty({ type: String, nullable: true, example: 'major' }) readonly severity: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly hostname: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly requestType: string | null;
  @ApiProperty({ type: () => ImpactSummaryDto, description: 'R-REC-5 影響度' }) readonly impact: ImpactSummaryDto;
  @ApiProperty({ format: 'date-time' }) readonly occurredAt: string;
  @ApiProperty({ type: String, nullable: true }) readonly assignee: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly approver: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly completedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly dueAt: string | null;
  @ApiProperty() readonly breached: boolean;
  @ApiProperty({ type: String, nullable: true }) readonly nextRole: string | null;
  @ApiProperty({ type: [String] }) readonly departmentIds: string[];
  @ApiProperty() readonly alertCount: number;
  @ApiProperty() readonly workflowId: string;
  @ApiProperty({ type: () => WorkPlanDto, nullable: true }) readonly workPlan: WorkPlanDto | null;
  @ApiProperty({ type: () => SlaViewDto, nullable: true }) readonly sla: SlaViewDto | null;
  @ApiProperty({ format: 'date-time' }) readonly updatedAt: string;
}
describes<CaseSummaryDto, ReturnType<typeof caseSummary>>(true);

/** A list row with its R-REC-6 対応内容 summary (`withActions=true`, for exports). */
export class CaseListItemDto extends CaseSummaryDto {
  @ApiPropertyOptional({ description: 'only with withActions=true' }) readonly actionCount?: number;
  @ApiPropertyOptional({ type: () => LastActionDto, nullable: true, description: 'only with withActions=true' }) readonly lastAction?: LastActionDto | null;
}

export class CasePageDto {
  @ApiProperty({ type: () => [CaseListItemDto] }) readonly items: CaseListItemDto[];
  @ApiProperty({ description: 'exact when totalExact; otherwise "at least this many" (the count is capped)' }) readonly total: number;
  @ApiProperty() readonly totalExact: boolean;
  @ApiProperty() readonly limit: number;
  @ApiProperty() readonly offset: number;
}
describes<CasePageDto, Awaited<ReturnType<CasesService['list']>>>(true);

/** The nine fields of the record (R-REC-1..9). */
export class CaseRecordFieldsDto {
  @ApiProperty() readonly subject: string;
  @ApiProperty({ type: String, nullable: true }) readonly assignee: string | null;
  @ApiProperty({ format: 'date-time' }) readonly occurredAt: string;
  @ApiProperty({ enum: CASE_STATUSES, enumName: 'CaseStatus' }) readonly status: CaseStatus;
  @ApiProperty({ type: () => BilingualDto }) readonly statusLabel: BilingualDto;
  @ApiProperty({ type: () => ImpactDto }) readonly impact: ImpactDto;
  @ApiProperty({ description: 'R-REC-6 対応内容: entries on the timeline' }) readonly actions: number;
  @ApiProperty({ type: () => WorkPlanDto, nullable: true }) readonly workPlan: WorkPlanDto | null;
  @ApiProperty({ type: String, nullable: true }) readonly approver: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly completedAt: string | null;
}

/** R-REC-6 対応内容: one entry of the case's timeline. */
export class TimelineItemDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ format: 'date-time' }) readonly at: string;
  @ApiProperty({ enum: TIMELINE_KINDS, enumName: 'TimelineKind' }) readonly kind: TimelineKind;
  @ApiProperty({ type: String, nullable: true }) readonly actor: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly actorUsername: string | null;
  @ApiProperty() readonly messageJa: string;
  @ApiProperty() readonly messageEn: string;
  @ApiProperty({ ...OBJECT, nullable: true }) readonly data: Record<string, unknown> | null;
}

/** 担当: who took the step. */
export class ClaimedByDto {
  @ApiProperty() readonly username: string;
  @ApiProperty() readonly name: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly at: string | null;
}

/** A human step of a case. */
export class TaskViewDto {
  @ApiProperty() readonly id: string;
  @ApiProperty({ format: 'uuid' }) readonly caseId: string;
  @ApiProperty() readonly caseNumber: string;
  @ApiProperty({ example: 'triage' }) readonly type: string;
  @ApiProperty({ type: () => BilingualDto }) readonly label: BilingualDto;
  @ApiProperty({ enum: ROLES, enumName: 'Role', type: String }) readonly assigneeRole: string;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) readonly departmentId: string | null;
  @ApiProperty({ enum: ['open', 'done', 'cancelled'] }) readonly state: 'open' | 'done' | 'cancelled';
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly dueAt: string | null;
  @ApiProperty({ type: [String] }) readonly allowedOutcomes: string[];
  @ApiProperty({ ...OBJECT, nullable: true }) readonly suggested: Record<string, unknown> | null;
  @ApiProperty({ format: 'date-time' }) readonly createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly completedAt: string | null;
  @ApiProperty({ type: () => ClaimedByDto, nullable: true }) readonly claimedBy: ClaimedByDto | null;
  @ApiProperty({ type: String, nullable: true }) readonly completedBy: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly outcome: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly note: string | null;
  @ApiProperty({ ...OBJECT, nullable: true }) readonly data: Record<string, unknown> | null;
}
describes<TaskViewDto, ReturnType<typeof taskView>>(true);

/** The record (R-REC-1..9), the timeline, open and done tasks, and the SLA. */
export class CaseDetailDto extends CaseSummaryDto {
  @ApiProperty({ type: () => CaseRecordFieldsDto }) readonly record: CaseRecordFieldsDto;
  @ApiProperty({ type: String, nullable: true }) readonly description: string | null;
  @ApiProperty({ ...OBJECT, nullable: true, description: 'a work request\'s parameters' }) readonly params: Record<string, unknown> | null;
  @ApiProperty() readonly unregisteredDevice: boolean;
  @ApiProperty({ ...OBJECT, nullable: true, description: 'what the operations produced' }) readonly results: Record<string, unknown> | null;
  @ApiProperty({ type: () => [TimelineItemDto] }) readonly timeline: TimelineItemDto[];
  @ApiProperty({ type: () => [TaskViewDto] }) readonly openTasks: TaskViewDto[];
  @ApiProperty({ type: () => [TaskViewDto] }) readonly doneTasks: TaskViewDto[];
}
describes<CaseDetailDto, Awaited<ReturnType<CasesService['detail']>>>(true);

/** Exact counts per status of one kind (statuses without cases are left out). */
export class StatusCountsDto {
  @ApiPropertyOptional() readonly received?: number;
  @ApiPropertyOptional() readonly in_progress?: number;
  @ApiPropertyOptional() readonly on_hold?: number;
  @ApiPropertyOptional() readonly verifying?: number;
  @ApiPropertyOptional() readonly done?: number;
}

export class CaseCountsDto {
  @ApiProperty({ type: () => StatusCountsDto }) readonly incident: StatusCountsDto;
  @ApiProperty({ type: () => StatusCountsDto }) readonly work_request: StatusCountsDto;
  @ApiProperty({ type: () => StatusCountsDto }) readonly inquiry: StatusCountsDto;
}
describes<CaseCountsDto, Awaited<ReturnType<CasesService['counts']>>>(true);

export class WeekTrendDto {
  @ApiProperty({ format: 'date', description: 'Monday of the week (Japan time)' }) readonly weekStart: string;
  @ApiProperty() readonly incidents: number;
  @ApiProperty() readonly workRequests: number;
}

export class SlaMonthDto {
  @ApiProperty({ example: '2026-12' }) readonly month: string;
  @ApiProperty() readonly measured: number;
  @ApiProperty() readonly met: number;
  @ApiProperty({ type: Number, nullable: true }) readonly metPercent: number | null;
}

export class AgeBucketDto {
  @ApiProperty({ enum: ['lt1d', '1to3d', '3to7d', '7to30d', 'ge30d'] }) readonly key: 'lt1d' | '1to3d' | '3to7d' | '7to30d' | 'ge30d';
  @ApiProperty() readonly ja: string;
  @ApiProperty() readonly en: string;
  @ApiProperty() readonly count: number;
}

/** The dashboard's trends (issue 22). */
export class CaseTrendsDto {
  @ApiProperty({ type: () => [WeekTrendDto] }) readonly weeks: WeekTrendDto[];
  @ApiProperty({ type: () => [SlaMonthDto] }) readonly slaByMonth: SlaMonthDto[];
  @ApiProperty({ type: () => [AgeBucketDto] }) readonly openByAge: AgeBucketDto[];
}
covers<CaseTrendsDto, Awaited<ReturnType<CasesService['trends']>>>();

/** The case of a task, as the inbox shows it. */
export class TaskCaseDto {
  @ApiProperty({ enum: KINDS, enumName: 'CaseKind' }) readonly kind: CaseKind;
  @ApiProperty() readonly subject: string;
  @ApiProperty({ enum: CASE_STATUSES, enumName: 'CaseStatus' }) readonly status: CaseStatus;
  @ApiProperty({ type: () => BilingualDto }) readonly statusLabel: BilingualDto;
  @ApiProperty({ type: String, nullable: true }) readonly severity: string | null;
  @ApiProperty() readonly breached: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly dueAt: string | null;
  @ApiProperty({ type: () => SlaViewDto, nullable: true }) readonly sla: SlaViewDto | null;
}

export class TaskListItemDto extends TaskViewDto {
  @ApiProperty({ type: () => TaskCaseDto, nullable: true }) readonly case: TaskCaseDto | null;
}

export class TaskListDto {
  @ApiProperty({ type: () => [TaskListItemDto] }) readonly items: TaskListItemDto[];
}
describes<TaskListDto, Awaited<ReturnType<TasksService['list']>>>(true);

/** A case the API asked Temporal to start (an incident reported by hand, a work request). */
export class CaseStartedDto {
  @ApiProperty() readonly workflowId: string;
  @ApiProperty({ type: String, nullable: true, description: 'null when the workflow has not yet registered its case' }) readonly caseNumber: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) readonly caseId: string | null;
}
