/**
 * The API's shapes, as the API describes them: aliases of the types generated from its OpenAPI
 * document (api-types.ts, `npm run api:types`). Only what the UI itself adds is declared here.
 */
import type { components } from './api-types';

type Schemas = components['schemas'];

export type Role = Schemas['Role'];
export type CaseStatus = Schemas['CaseStatus'];
export type Bilingual = Schemas['BilingualDto'];

/** The signed-in person (GET /api/auth/me). */
export type User = Schemas['ActorDto'];
export type LoginResult = Schemas['LoginResultDto'];
export type Meta = Schemas['MetaDto'];
export type Department = Schemas['DepartmentViewDto'];
/** An account as the admin's user list shows it (GET /api/users). */
export type UserAccount = Schemas['UserViewDto'];

/** A case in the lists; `actionCount`/`lastAction` only with `withActions=true` (exports). */
export type CaseSummary = Schemas['CaseListItemDto'];
export type CasePage = Schemas['CasePageDto'];
export type CaseCounts = Schemas['CaseCountsDto'];
export type CaseTrends = Schemas['CaseTrendsDto'];
export type CaseDetail = Schemas['CaseDetailDto'];
export type TimelineItem = Schemas['TimelineItemDto'];
export type Task = Schemas['TaskViewDto'];
/** A task in the inbox (GET /api/tasks), with its case. */
export type TaskListItem = Schemas['TaskListItemDto'];
export type TaskList = Schemas['TaskListDto'];
export type CaseStarted = Schemas['CaseStartedDto'];
export type WorkRequestTypes = Schemas['WorkRequestTypesDto'];
export type SlaView = Schemas['SlaViewDto'];
export type WorkPlan = Schemas['WorkPlanDto'];
export type Impact = Schemas['ImpactDto'];

/** The desk (R-DESK-1): GET /api/inquiries, GET /api/inquiries/:id, GET /api/cases/:id/similar. */
export type InquiryRow = Schemas['InquiryRowDto'];
export type InquiryList = Schemas['InquiryListDto'];
export type DeskCase = Schemas['DeskCaseDto'];
export type SimilarCases = Schemas['SimilarCasesDto'];

export type Asset = Schemas['AssetViewDto'];
export type AssetPage = Schemas['AssetPageDto'];

export type Deadline = Schemas['DeadlineDto'];
export type NonBusinessDay = Schemas['NonBusinessDayDto'];
export type Holidays = Schemas['HolidaysDto'];
export type ClosingDay = Schemas['ClosingDayViewDto'];
export type CalendarSettings = Schemas['CalendarSettingsViewDto'];

export type AlertSource = Schemas['AlertSourceViewDto'];
export type CreatedAlertSource = Schemas['CreatedAlertSourceDto'];

/* ---- auditor views (src/audit-history, src/audit) ---- */

export type HistoryEvent = Schemas['HistoryEventDto'];
export type HistoryArchiveInfo = Schemas['HistoryArchiveInfoDto'];
export type CaseHistoryView = Schemas['CaseHistoryViewDto'];
export type ReplayResult = Schemas['ReplayResultDto'];
export type ConsistencyResult = Schemas['ConsistencyResultDto'];
export type AuditEntry = Schemas['AuditEntryDto'];
export type AuditPage = Schemas['AuditPageDto'];
export type AuditVerification = Schemas['AuditVerificationDto'];

/* ---- monitoring (src/monitoring) and the platform's capacity (src/platform) ---- */

export type MonitoringHealth = Schemas['MonitoringHealthDto'];
export type Breach = Schemas['BreachDto'];
export type DeviceState = Schemas['DeviceStateDto'];
/** GET /api/monitoring/devices: whether monitoring runs, and every visible device. */
export type MonitoringDevices = Schemas['MonitoringDevicesDto'];
export type Threshold = Schemas['ThresholdViewDto'];
export type ThresholdVersion = Schemas['ThresholdVersionDto'];
export type MonitoringSeries = Schemas['MonitoringSeriesDto'];
/** A chart's point: [unix seconds, value]. */
export type SeriesPoint = MonitoringSeries['series'][number]['points'][number];
export type DeviceAgents = Schemas['DeviceAgentsViewDto'];
export type PlatformCapacity = Schemas['PlatformCapacityDto'];
export type ClusterCapacity = Schemas['ClusterCapacityDto'];
export type CapacityDay = Schemas['CapacityDayDto'];

/* ---- the monthly report (src/reports) ---- */

/** GET /api/reports/monthly: a generation of a month's report. */
export type ReportSummary = Schemas['ReportSummaryDto'];
/** GET /api/reports/monthly/:id: the report with its figures, charts, comments, files and open step. */
export type ReportDetail = Schemas['ReportDetailDto'];
export type MonthlyFigures = Schemas['MonthlyFiguresDto'];
export type ReportSection = Schemas['ReportSectionDto'];
export type ReportFigure = Schemas['ReportFigureDto'];
export type ReportTable = Schemas['ReportTableDto'];
export type ReportChart = Schemas['ReportChartDto'];
export type ReportFile = Schemas['ReportFileDto'];
/** GET /api/reports/monthly/:id/figures/:figureId: a figure and the rows it was computed from. */
export type FigureTrace = Schemas['FigureTraceDto'];
export type ReportStarted = Schemas['ReportStartedDto'];
export type ReportState = Schemas['ReportStateDto'];
export type ReportSettings = Schemas['ReportSettingsViewDto'];
export type ReportSchedule = Schemas['ReportScheduleDto'];

/* ---- request bodies, as the API validates them ---- */

export type LoginRequest = Schemas['LoginDto'];
export type CreateUser = Schemas['CreateUserDto'];
export type PatchUser = Schemas['PatchUserDto'];
export type CreateDepartment = Schemas['CreateDepartmentDto'];
export type PatchDepartment = Schemas['PatchDepartmentDto'];
export type CreateAsset = Schemas['CreateAssetDto'];
export type PatchAsset = Schemas['PatchAssetDto'];
export type CreateAlertSourceRequest = Schemas['CreateAlertSourceDto'];
export type ReportIncidentRequest = Schemas['ReportIncidentDto'];
export type SubmitWorkRequest = Schemas['SubmitWorkRequestDto'];
export type HoldRequest = Schemas['HoldDto'];
export type ResumeRequest = Schemas['ResumeDto'];
export type NoteRequest = Schemas['NoteDto'];
export type ContactRequest = Schemas['ContactDto'];
export type CompleteTaskRequest = Schemas['CompleteTaskDto'];
export type ClaimTaskRequest = Schemas['ClaimTaskDto'];
export type ClosingDayRequest = Schemas['ClosingDayDto'];
export type CalendarSettingsRequest = Schemas['CalendarSettingsDto'];
export type CreateThreshold = Schemas['CreateThresholdDto'];
export type PatchThreshold = Schemas['PatchThresholdDto'];
export type DeviceAgentsRequest = Schemas['DeviceAgentsDto'];
export type CreateMonthlyReport = Schemas['CreateMonthlyReportDto'];
export type ReportCommentsRequest = Schemas['ReportCommentsDto'];
export type ReportDecisionRequest = Schemas['ReportDecisionDto'];
export type ReportSettingsRequest = Schemas['ReportSettingsDto'];
