import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsISO8601, IsObject, IsOptional, IsString, Length, Matches, Max, MaxLength, Min } from 'class-validator';
import { CASE_STATUSES } from '../../../workflows/shared/case-model';

/** The dashboard's trends: how many weeks of cases and months of SLA results (issue 22). */
export class TrendsQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: 52, default: 12 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(52)
  readonly weeks?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 24, default: 6 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(24)
  readonly months?: number;
}

/** 作業履歴's sortable columns; a leading "-" sorts descending. */
export const CASE_SORTS = ['occurredAt', '-occurredAt', 'number', '-number', 'status', '-status', 'severity', '-severity'] as const;
export type CaseSort = (typeof CASE_SORTS)[number];

export class ListCasesQuery {
  @ApiPropertyOptional({ enum: ['incident', 'work_request', 'inquiry'] })
  @IsOptional()
  @IsIn(['incident', 'work_request', 'inquiry'])
  readonly kind?: 'incident' | 'work_request' | 'inquiry';

  @ApiPropertyOptional({ description: `one or more of ${CASE_STATUSES.join(', ')}, comma-separated`, example: 'received,in_progress' })
  @IsOptional()
  @Matches(new RegExp(`^(${CASE_STATUSES.join('|')})(,(${CASE_STATUSES.join('|')}))*$`), { message: `status must be one or more of ${CASE_STATUSES.join(', ')}, comma-separated` })
  readonly status?: string;

  @ApiPropertyOptional({ description: 'number, subject or hostname contains' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly q?: string;

  @ApiPropertyOptional({ description: 'occurred at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly from?: string;

  @ApiPropertyOptional({ description: 'occurred before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly to?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  readonly departmentId?: string;

  @ApiPropertyOptional()
  @IsOptional()
  // `?breached=false` is the text "false": Boolean("false") would be true.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'breached must be true or false' })
  readonly breached?: boolean;

  @ApiPropertyOptional({ enum: CASE_SORTS, default: '-occurredAt', description: 'column to sort by; a leading "-" sorts descending. status follows the workflow (受付済 → 完了), -severity lists 緊急 first; cases without a severity come last' })
  @IsOptional()
  @IsIn(CASE_SORTS, { message: `sort must be one of ${CASE_SORTS.join(', ')}` })
  readonly sort?: CaseSort;

  @ApiPropertyOptional({ description: 'true adds each case\'s 対応内容 summary (actionCount, lastAction) — for exports' })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'withActions must be true or false' })
  readonly withActions?: boolean;

  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  readonly limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  readonly offset?: number;
}

export class HoldDto {
  @ApiProperty({ example: '依頼元に追加情報を確認中' })
  @IsString()
  @Length(1, 1000)
  readonly reason!: string;

  @ApiPropertyOptional({ enum: ['requester', 'vendor', 'other'], default: 'other' })
  @IsOptional()
  @IsIn(['requester', 'vendor', 'other'])
  readonly waitingFor?: 'requester' | 'vendor' | 'other';
}

export class ResumeDto {
  @ApiProperty({ example: '依頼元から回答あり' })
  @IsString()
  @Length(1, 1000)
  readonly reason!: string;
}

export class NoteDto {
  @ApiProperty({ example: 'メーカーより部品発送の連絡あり' })
  @IsString()
  @Length(1, 4000)
  readonly text!: string;

  @ApiPropertyOptional({ description: "progress from the maker's desk (restarts the silence reminder)" })
  @IsOptional()
  @IsBoolean()
  readonly vendorProgress?: boolean;
}

export class ContactDto {
  @ApiProperty({ enum: ['phone', 'email', 'in_person'] })
  @IsIn(['phone', 'email', 'in_person'])
  readonly channel!: 'phone' | 'email' | 'in_person';

  @ApiProperty({ enum: ['vendor', 'general_affairs', 'department', 'network_operator', 'system_vendor', 'other'] })
  @IsIn(['vendor', 'general_affairs', 'department', 'network_operator', 'system_vendor', 'other'])
  readonly counterpartKind!: string;

  @ApiProperty({ example: '○○社 保守窓口 山田様' })
  @IsString()
  @Length(1, 200)
  readonly counterpart!: string;

  @ApiProperty()
  @IsString()
  @Length(1, 4000)
  readonly summary!: string;

  @ApiPropertyOptional({ description: 'when the call took place (ISO 8601); now if omitted' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly at?: string;

  @ApiPropertyOptional({ description: 'R-CONTACT-1: send the e-mail report of this call to general affairs now' })
  @IsOptional()
  @IsBoolean()
  readonly sendReport?: boolean;
}

export class ListTasksQuery {
  @ApiPropertyOptional({ enum: ['open', 'done', 'cancelled'], default: 'open' })
  @IsOptional()
  @IsIn(['open', 'done', 'cancelled'])
  readonly state?: 'open' | 'done' | 'cancelled';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(64)
  readonly caseId?: string;

  @ApiPropertyOptional({ description: 'only tasks I may complete' })
  @IsOptional()
  @Type(() => String)
  @IsIn(['true', 'false'])
  readonly mine?: 'true' | 'false';

  @ApiPropertyOptional({ default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  readonly limit?: number;
}

export class ClaimTaskDto {
  @ApiPropertyOptional({ description: 'take the step over from the colleague who holds it (引き継ぐ)' })
  @IsOptional()
  @IsBoolean()
  readonly takeOver?: boolean;
}

export class CompleteTaskDto {
  @ApiProperty({ example: 'ok' })
  @IsString()
  @Length(1, 64)
  readonly outcome!: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  readonly note?: string;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsObject()
  readonly data?: Record<string, unknown>;
}
