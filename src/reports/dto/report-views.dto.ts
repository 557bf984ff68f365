import { ApiProperty } from '@nestjs/swagger';
import { describes, OBJECT } from '../../openapi/describes';
import {
  REPORT_SECTIONS, type Cell, type Figure, type FigureSource, type MonthlyFigures, type ReportChart, type ReportSection, type ReportSectionId,
  type ReportStateView, type ReportTable,
} from '../../../workflows/shared/contracts';
import type { ReportsService, ReportSettingsView } from '../reports.service';

const REPORT_STATUSES = ['gathering', 'commenting', 'approval', 'approved', 'failed'] as const;
const REPORT_TRIGGERS = ['schedule', 'on_demand'] as const;
const FIGURE_TABLES = ['report_availability_daily', 'platform_capacity_daily', 'case_record', 'case_timeline', 'backup_record', 'asset',
  'report_vm_resource_daily', 'report_traffic_daily', 'report_storage_daily'] as const satisfies readonly FigureSource['table'][];
/** A table's cell: a text, a number or nothing. */
const CELL = { oneOf: [{ type: 'string' }, { type: 'number' }], nullable: true };

/** Where a figure came from: a table and the keys of the rows it was computed from. */
export class FigureSourceDto {
  @ApiProperty({ enum: FIGURE_TABLES, enumName: 'FigureSourceTable' }) readonly table: FigureSource['table'];
  @ApiProperty({ description: 'how the rows were chosen and combined, in words' }) readonly method: string;
  @ApiProperty({ type: [String], description: 'the keys of the rows (empty for a department user when general affairs keeps other departments\' detail back)' })
  readonly keys: string[];
}
describes<FigureSourceDto, FigureSource>(true);

/** A figure of the report, traceable to its rows. */
export class ReportFigureDto {
  @ApiProperty({ example: 'vms.availability.vm01' }) readonly id: string;
  @ApiProperty() readonly labelJa: string;
  @ApiProperty() readonly labelEn: string;
  @ApiProperty({ ...CELL, description: 'null: no data for the month' }) readonly value: number | string | null;
  @ApiProperty({ example: '%' }) readonly unit: string;
  @ApiProperty({ type: () => FigureSourceDto }) readonly source: FigureSourceDto;
}
describes<ReportFigureDto, Figure>(true);

export class ReportTableColumnDto {
  @ApiProperty() readonly key: string;
  @ApiProperty() readonly labelJa: string;
}

/** A table of a section: its columns and rows (cells by column key). */
export class ReportTableDto {
  @ApiProperty() readonly id: string;
  @ApiProperty() readonly titleJa: string;
  @ApiProperty() readonly titleEn: string;
  @ApiProperty({ type: () => [ReportTableColumnDto] }) readonly columns: ReportTableColumnDto[];
  @ApiProperty({ type: 'array', items: { type: 'object', additionalProperties: CELL }, description: 'cells by column key' }) readonly rows: Record<string, Cell>[];
  @ApiProperty({ required: false, type: 'array', items: { type: 'object', additionalProperties: { type: 'string' } }, description: 'per row: the figure id of each cell, by column key' })
  readonly rowFigures?: Record<string, string>[];
  @ApiProperty({ required: false, type: 'array', items: { type: 'string', nullable: true }, description: 'per row: the department it belongs to' })
  readonly rowDepartments?: (string | null)[];
}
describes<ReportTableDto, ReportTable>(true);

export class ReportChartSeriesDto {
  @ApiProperty() readonly nameJa: string;
  @ApiProperty({ type: 'array', items: { type: 'number', nullable: true } }) readonly values: (number | null)[];
  @ApiProperty({ required: false }) readonly dashed?: boolean;
}

export class ReportChartThresholdDto {
  @ApiProperty() readonly labelJa: string;
  @ApiProperty() readonly value: number;
}

/** A chart's data (the page shows it as the SVG in chartSvgs). */
export class ReportChartDto {
  @ApiProperty({ enum: ['availability', 'capacity', 'sla_monthly', 'incidents_weekly'], enumName: 'ReportChartId' }) readonly id: ReportChart['id'];
  @ApiProperty() readonly titleJa: string;
  @ApiProperty({ enum: ['bar', 'line'], enumName: 'ReportChartKind' }) readonly kind: 'bar' | 'line';
  @ApiProperty() readonly unit: string;
  @ApiProperty({ type: [String] }) readonly labels: string[];
  @ApiProperty({ type: () => [ReportChartSeriesDto] }) readonly series: ReportChartSeriesDto[];
  @ApiProperty({ type: () => ReportChartThresholdDto, nullable: true, required: false, description: 'a horizontal line (a capacity total, a target)' })
  readonly threshold?: ReportChartThresholdDto | null;
}
describes<ReportChartDto, ReportChart>(true);

/** A section of the report (R-RPT-1..5). */
export class ReportSectionDto {
  @ApiProperty({ enum: REPORT_SECTIONS, enumName: 'ReportSectionId' }) readonly id: ReportSectionId;
  @ApiProperty({ example: 'R-RPT-1' }) readonly requirement: string;
  @ApiProperty() readonly titleJa: string;
  @ApiProperty() readonly titleEn: string;
  @ApiProperty({ type: () => [ReportFigureDto] }) readonly figures: ReportFigureDto[];
  @ApiProperty({ type: () => [ReportTableDto] }) readonly tables: ReportTableDto[];
  @ApiProperty({ type: [String], description: 'sources that were missing for the month, said in the report' }) readonly missing: string[];
}
describes<ReportSectionDto, ReportSection>(true);

/** A month's figures, as computed when the report was generated. */
export class MonthlyFiguresDto {
  @ApiProperty({ example: '2026-11' }) readonly month: string;
  @ApiProperty({ format: 'date-time', description: 'the month\'s start in Japan' }) readonly from: string;
  @ApiProperty({ format: 'date-time', description: 'the next month\'s start in Japan (exclusive)' }) readonly to: string;
  @ApiProperty({ type: () => [ReportSectionDto] }) readonly sections: ReportSectionDto[];
  @ApiProperty({ type: () => [ReportChartDto] }) readonly charts: ReportChartDto[];
}
describes<MonthlyFiguresDto, MonthlyFigures>(true);

/** A generation of a month's report (GET /api/reports/monthly). */
export class ReportSummaryDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ example: '2026-11' }) readonly month: string;
  @ApiProperty({ description: 'the generation of the month (1, 2, ...)' }) readonly revision: number;
  @ApiProperty({ enum: REPORT_TRIGGERS, enumName: 'ReportTrigger', type: String }) readonly trigger: string;
  @ApiProperty({ enum: REPORT_STATUSES, enumName: 'ReportStatus', type: String }) readonly status: string;
  @ApiProperty() readonly workflowId: string;
  @ApiProperty({ example: 'ga1', description: 'the user who asked for it, or `schedule`' }) readonly requestedBy: string;
  @ApiProperty({ type: String, nullable: true, description: 'sha256 of the figures (null: not computed yet)' }) readonly figuresSha256: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly generatedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly approvedBy: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly approvedAt: string | null;
}
describes<ReportSummaryDto, Awaited<ReturnType<ReportsService['list']>>[number]>(true);

export class ReportFileDto {
  @ApiProperty({ example: 'draft', description: 'draft or final' }) readonly stage: string;
  @ApiProperty({ example: 'pdf', description: 'xlsx or pdf' }) readonly kind: string;
  @ApiProperty() readonly sha256: string;
  @ApiProperty({ description: 'bytes' }) readonly size: number;
}

/** The open human step of the report's workflow. */
export class ReportOpenTaskDto {
  @ApiProperty({ enum: ['report_comments', 'approve_report'], enumName: 'ReportTaskType' }) readonly type: 'report_comments' | 'approve_report';
  @ApiProperty({ enum: ['operator', 'general_affairs'], enumName: 'ReportTaskRole' }) readonly role: 'operator' | 'general_affairs';
}

export class ReportSendBackDto {
  @ApiProperty() readonly reason: string;
  @ApiProperty({ description: 'display name' }) readonly by: string;
  @ApiProperty({ format: 'date-time' }) readonly at: string;
}

/** A report with its figures, charts, comments, files and open step (GET /api/reports/monthly/{id}). */
export class ReportDetailDto extends ReportSummaryDto {
  @ApiProperty({ type: () => MonthlyFiguresDto, nullable: true, description: 'null until computed' }) readonly figures: MonthlyFiguresDto | null;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: 'each chart as SVG, by chart id' }) readonly chartSvgs: Record<string, string>;
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: '所見 by section id' }) readonly comments: Record<string, string>;
  @ApiProperty({ type: 'array', items: OBJECT, description: 'comments, send-backs and the approval, in order (each has at least type and at)' }) readonly events: unknown[];
  @ApiProperty({ type: () => [ReportFileDto] }) readonly files: ReportFileDto[];
  @ApiProperty({ type: () => ReportOpenTaskDto, nullable: true, description: 'null: no step open (or the workflow is not there)' }) readonly openTask: ReportOpenTaskDto | null;
  @ApiProperty({ type: () => [ReportSendBackDto] }) readonly sendBacks: ReportSendBackDto[];
}
describes<ReportDetailDto, Awaited<ReturnType<ReportsService['get']>>>(true);

/** A report just started (POST /api/reports/monthly). */
export class ReportStartedDto {
  @ApiProperty({ format: 'uuid' }) readonly reportId: string;
  @ApiProperty({ example: '2026-11' }) readonly month: string;
  @ApiProperty() readonly revision: number;
  @ApiProperty() readonly workflowId: string;
  @ApiProperty({ enum: REPORT_STATUSES, enumName: 'ReportStatus', type: String }) readonly status: string;
}
describes<ReportStartedDto, Awaited<ReturnType<ReportsService['start']>>>(true);

/** A figure and the rows it was computed from (GET /api/reports/monthly/{id}/figures/{figureId}). */
export class FigureTraceDto {
  @ApiProperty({ type: () => ReportFigureDto }) readonly figure: ReportFigureDto;
  @ApiProperty({ type: 'array', items: OBJECT, description: 'the source table\'s rows' }) readonly rows: Record<string, unknown>[];
}
describes<FigureTraceDto, NonNullable<Awaited<ReturnType<ReportsService['trace']>>>>(true);

/** The report's state in its workflow, after a human step (comments, approval or send-back). */
export class ReportStateDto {
  @ApiProperty({ format: 'uuid' }) readonly reportId: string;
  @ApiProperty({ example: '2026-11' }) readonly month: string;
  @ApiProperty({ enum: REPORT_STATUSES, enumName: 'ReportStatus' }) readonly status: ReportStateView['status'];
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, description: '所見 by section id' }) readonly comments: Partial<Record<ReportSectionId, string>>;
  @ApiProperty({ type: () => ReportOpenTaskDto, nullable: true }) readonly openTask: ReportOpenTaskDto | null;
  @ApiProperty({ type: () => [ReportSendBackDto] }) readonly sendBacks: ReportSendBackDto[];
}
describes<ReportStateDto, ReportStateView>(true);
describes<ReportStateDto, Awaited<ReturnType<ReportsService['comment']>>>(true);
describes<ReportStateDto, Awaited<ReturnType<ReportsService['decide']>>>(true);

/** General affairs' settings of the report (GET and PUT /api/reports/settings). */
export class ReportSettingsViewDto {
  @ApiProperty({ example: 1 }) readonly id: number;
  @ApiProperty({ description: 'department users see other departments\' rows and the figures\' sources' }) readonly departmentsSeeOthers: boolean;
  @ApiProperty({ type: String, nullable: true, description: 'null: never changed' }) readonly updatedBy: string | null;
  @ApiProperty({ format: 'date-time' }) readonly updatedAt: string;
}
describes<ReportSettingsViewDto, ReportSettingsView>(true);

/** The report's Temporal Schedule and its next run (GET /api/reports/schedule). */
export class ReportScheduleDto {
  @ApiProperty() readonly scheduleId: string;
  @ApiProperty({ format: 'date-time', description: 'the next first business day at 09:00 JST, by the business calendar' }) readonly nextRun: string;
  @ApiProperty({ ...OBJECT, nullable: true, description: 'the Schedule\'s spec as Temporal describes it (null: no Schedule)' }) readonly spec: unknown;
}
describes<ReportScheduleDto, Awaited<ReturnType<ReportsService['schedule']>>>(true);
