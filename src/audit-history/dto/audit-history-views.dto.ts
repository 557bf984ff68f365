import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { CaseSummaryDto } from '../../cases/dto/case-views.dto';
import { ANY_JSON, BilingualDto, describes, OBJECT } from '../../openapi/describes';
import type { ConsistencyReport, Mismatch, MismatchKind } from '../consistency';
import type { ArchiveInfo, HistorySource } from '../history-store.service';
import type { ReadableEvent, ReadableKind } from '../history-timeline';
import type { ReplayProblem } from '../replay';
import type { HistoryView, ReplayView } from '../audit-history.service';

const SOURCES = ['temporal', 'archive'] as const satisfies readonly HistorySource[];
const READABLE_KINDS = [
  'workflow_started', 'workflow_closed', 'timer_started', 'timer_fired', 'timer_cancelled',
  'task_completed', 'update_rejected', 'hold', 'resume', 'signal', 'email', 'record', 'activity', 'activity_failed',
  'status', 'marker', 'workflow_task_failed',
] as const satisfies readonly ReadableKind[];
const MISMATCH_KINDS = ['missing_in_record', 'missing_in_history', 'actor_differs', 'time_differs', 'outcome_differs', 'kind_differs', 'field_differs'] as const satisfies readonly MismatchKind[];

/** One event of a workflow history, in words (ja/en). */
export class HistoryEventDto {
  @ApiProperty() readonly eventId: number;
  @ApiProperty({ format: 'date-time' }) readonly at: string;
  @ApiProperty({ example: 'EVENT_TYPE_WORKFLOW_EXECUTION_STARTED' }) readonly eventType: string;
  @ApiProperty({ enum: READABLE_KINDS, enumName: 'HistoryEventKind' }) readonly kind: ReadableKind;
  @ApiProperty() readonly ja: string;
  @ApiProperty() readonly en: string;
  @ApiPropertyOptional({ type: String, nullable: true }) readonly actor?: string | null;
  @ApiPropertyOptional({ type: String, nullable: true }) readonly actorUsername?: string | null;
  @ApiPropertyOptional(OBJECT) readonly data?: Record<string, unknown>;
}
describes<HistoryEventDto, ReadableEvent>(true);

/** Where an archived history is kept, and whether its checksum still holds. */
export class HistoryArchiveInfoDto {
  @ApiProperty({ format: 'date-time' }) readonly archivedAt: string;
  @ApiProperty() readonly archivedBy: string;
  @ApiProperty() readonly sha256: string;
  @ApiProperty() readonly compressedBytes: number;
  @ApiProperty() readonly jsonBytes: number;
  @ApiProperty() readonly checksumVerified: boolean;
}
describes<HistoryArchiveInfoDto, ArchiveInfo>(true);

/** A case's Temporal workflow history with a readable timeline. */
export class CaseHistoryViewDto {
  @ApiProperty({ type: () => CaseSummaryDto }) readonly case: CaseSummaryDto;
  @ApiProperty({ enum: SOURCES, enumName: 'HistorySource' }) readonly source: HistorySource;
  @ApiProperty() readonly workflowId: string;
  @ApiProperty() readonly runId: string;
  @ApiProperty() readonly workflowType: string;
  @ApiProperty({ example: 'COMPLETED' }) readonly status: string;
  @ApiProperty() readonly eventCount: number;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly startTime: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly closeTime: string | null;
  @ApiProperty() readonly sha256: string;
  @ApiProperty({ type: () => HistoryArchiveInfoDto, nullable: true }) readonly archive: HistoryArchiveInfoDto | null;
  @ApiProperty({ type: () => [HistoryEventDto] }) readonly timeline: HistoryEventDto[];
}
describes<CaseHistoryViewDto, HistoryView>(true);

/** Where replaying the history against the current code parted ways with it. */
export class ReplayProblemDto {
  @ApiProperty({ enum: ['nondeterminism', 'workflow_task_failure', 'internal'] }) readonly kind: 'nondeterminism' | 'workflow_task_failure' | 'internal';
  @ApiProperty({ type: Number, nullable: true }) readonly eventId: number | null;
  @ApiProperty({ type: String, nullable: true }) readonly eventType: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly eventTime: string | null;
  @ApiProperty({ type: () => BilingualDto, nullable: true }) readonly historyDid: BilingualDto | null;
  @ApiProperty({ type: () => BilingualDto, nullable: true }) readonly codeDid: BilingualDto | null;
  @ApiProperty() readonly ja: string;
  @ApiProperty() readonly en: string;
  @ApiProperty({ description: "the SDK's own message, for the developers" }) readonly sdkMessage: string;
}
describes<ReplayProblemDto, ReplayProblem>(true);

export class ReplayResultDto {
  @ApiProperty() readonly ok: boolean;
  @ApiProperty({ example: 'INC-2026-0001' }) readonly case: string;
  @ApiProperty({ enum: SOURCES, enumName: 'HistorySource' }) readonly source: HistorySource;
  @ApiProperty() readonly workflowId: string;
  @ApiProperty() readonly runId: string;
  @ApiProperty() readonly workflowType: string;
  @ApiProperty() readonly eventCount: number;
  @ApiProperty() readonly durationMs: number;
  @ApiPropertyOptional({ type: () => ReplayProblemDto }) readonly problem?: ReplayProblemDto;
}
describes<ReplayResultDto, ReplayView>(true);

export class ConsistencyCheckedDto {
  @ApiProperty() readonly steps: number;
  @ApiProperty() readonly tasks: number;
  @ApiProperty() readonly holdsAndResumes: number;
  @ApiProperty() readonly emails: number;
  @ApiProperty() readonly timelineEntries: number;
}

export class MismatchDto {
  @ApiProperty({ enum: MISMATCH_KINDS, enumName: 'MismatchKind' }) readonly kind: MismatchKind;
  @ApiProperty() readonly ja: string;
  @ApiProperty() readonly en: string;
  @ApiPropertyOptional() readonly eventId?: number;
  @ApiPropertyOptional() readonly timelineKey?: string;
  @ApiPropertyOptional(ANY_JSON) readonly expected?: unknown;
  @ApiPropertyOptional(ANY_JSON) readonly actual?: unknown;
}
describes<MismatchDto, Mismatch>(true);

/** Do the case record's timeline and the history agree? */
export class ConsistencyResultDto {
  @ApiProperty({ example: 'INC-2026-0001' }) readonly case: string;
  @ApiProperty({ enum: SOURCES, enumName: 'HistorySource', type: String }) readonly source: string;
  @ApiProperty() readonly runId: string;
  @ApiProperty() readonly consistent: boolean;
  @ApiProperty() readonly toleranceMs: number;
  @ApiProperty({ type: () => ConsistencyCheckedDto }) readonly checked: ConsistencyCheckedDto;
  @ApiProperty({ description: 'timeline entries the API wrote itself (notes, logged calls): not steps of the workflow' }) readonly notFromWorkflow: number;
  @ApiProperty({ description: 'steps the workflow had scheduled and not finished when the history was read' }) readonly inFlight: number;
  @ApiProperty({ type: () => [MismatchDto] }) readonly mismatches: MismatchDto[];
}
describes<ConsistencyResultDto, ConsistencyReport & { case: string; source: string; runId: string }>(true);
