/**
 * Every activity the worker registers, as interfaces: `createActivities` (activities/index.ts)
 * implements them, the workflows proxy them per timeout profile (workflows/activity-profiles.ts),
 * and the auditor's views name them through `ACTIVITY` (never as free strings).
 */
import type {
  AddBusinessSecondsInput, ComputeDeadlineInput, ElapsedSecondsInput, PlanSlaInput, SlaCheckpointsInput, SlaPlan,
} from './calendar';
import type { CaseEventInput, CaseEventsInput, RegisterCaseInput, RegisteredCase } from './case-record';
import type {
  ClaimInquiryAttachmentsInput, DeskSlaPlan, LinkCasesInput, LinkCasesResult, LoadActorInput, LoadedActor, PlanDeskSlaInput,
} from './desk';
import type { AssetSummary, DepartmentNamesInput, LookupAssetInput } from './inventory';
import type { CaseMailInput, CaseMailResult } from './mail';
import type {
  BackupFailureInput, BackupFailureNotice, BackupSummary, BackupTarget, CompensateInput, CompensationOutcome,
  OperationOutcome, PruneSummary, RunOperationInput, ScheduledBackupInput,
} from './operations';
import type {
  ComputeFiguresResult, GatherAvailabilityInput, GatherAvailabilityResult, GatherDailyFiguresResult, MailReportResult, PlanScheduledReportInput, RenderedFile,
  RenderReportInput, ReportRef, ReportStatusInput, ScheduledReportPlan,
} from './reports';

/** The business calendar: every deadline and SLA instant comes from here, so it is in the history. */
export interface CalendarActivities {
  planSla(input: PlanSlaInput): Promise<SlaPlan>;
  slaCheckpoints(input: SlaCheckpointsInput): Promise<string[]>;
  /** Seconds between two instants in the SLA's mode (business seconds are exact, never rounded). */
  elapsedSeconds(input: ElapsedSecondsInput): Promise<number>;
  addBusinessSeconds(input: AddBusinessSecondsInput): Promise<string>;
  computeDeadline(input: ComputeDeadlineInput): Promise<string>;
}

/** The case record (作業履歴). */
export interface CaseRecordActivities {
  registerCase(input: RegisterCaseInput): Promise<RegisteredCase>;
  recordCaseEvent(input: CaseEventInput): Promise<void>;
  /**
   * Several steps of one workflow task in one transaction, in order, each once per key (the flows
   * started since the `one-write-per-workflow-task` patch write this way: see CaseEngine.flush).
   */
  recordCaseEvents(input: CaseEventsInput): Promise<void>;
}

/** A case's e-mail (R-CONTACT-1). */
export interface CaseMailActivities {
  sendCaseMail(input: CaseMailInput): Promise<CaseMailResult>;
}

/** The case activities: its record and its e-mail. */
export type CaseActivities = CaseRecordActivities & CaseMailActivities;

/** What the flows read from the inventory. */
export interface InventoryActivities {
  lookupAsset(input: LookupAssetInput): Promise<AssetSummary>;
  departmentNames(input: DepartmentNamesInput): Promise<string[]>;
}

/** Operation items (R-OP-1..9): long, heartbeating. */
export interface OperationRunActivities {
  runOperation(input: RunOperationInput): Promise<OperationOutcome>;
  runScheduledBackup(input: ScheduledBackupInput): Promise<BackupSummary>;
}

/** Undoing half-done operation work. */
export interface CompensationActivities {
  compensateOperation(input: CompensateInput): Promise<CompensationOutcome>;
}

/** Short housekeeping of the backup catalog. */
export interface BackupCatalogActivities {
  pruneBackups(input: BackupTarget): Promise<PruneSummary>;
}

/** The operators' e-mail about a failed scheduled backup. */
export interface BackupMailActivities {
  notifyBackupFailure(input: BackupFailureInput): Promise<BackupFailureNotice>;
}

export type OperationActivities = OperationRunActivities & CompensationActivities & BackupCatalogActivities & BackupMailActivities;

/** The support desk (R-DESK-1): its SLA from the business calendar, attachments, links between cases. */
export interface DeskActivities {
  /** The acknowledgement due: N business minutes (the desk setting) from receipt. */
  planDeskSla(input: PlanDeskSlaInput): Promise<DeskSlaPlan>;
  /** Attachments stored at intake (before the case had a number) become the case's; how many. */
  claimInquiryAttachments(input: ClaimInquiryAttachmentsInput): Promise<number>;
  loadActor(input: LoadActorInput): Promise<LoadedActor>;
  linkCases(input: LinkCasesInput): Promise<LinkCasesResult>;
}


/** The monthly report (R-RPT-1..5): daily figures, the month's figures, its files, its mail. */
export interface ReportActivities {
  gatherAvailability(input: GatherAvailabilityInput): Promise<GatherAvailabilityResult>;
  gatherDailyFigures(input: GatherAvailabilityInput): Promise<GatherDailyFiguresResult>;
  computeReportFigures(input: ReportRef): Promise<ComputeFiguresResult>;
  renderReport(input: RenderReportInput): Promise<RenderedFile[]>;
  setReportStatus(input: ReportStatusInput): Promise<void>;
  mailReport(input: ReportRef): Promise<MailReportResult>;
  planScheduledReport(input: PlanScheduledReportInput): Promise<ScheduledReportPlan>;
}

/** Every activity of the worker. */
export type Activities = CalendarActivities & CaseActivities & InventoryActivities & OperationActivities & DeskActivities & ReportActivities;

export type ActivityName = keyof Activities;

/**
 * The activity names, typed: `ACTIVITY.sendCaseMail === 'sendCaseMail'`. A rename of an activity in
 * the interfaces above breaks every reader of the histories at compile time instead of silently.
 */
export const ACTIVITY = {
  planSla: 'planSla',
  slaCheckpoints: 'slaCheckpoints',
  elapsedSeconds: 'elapsedSeconds',
  addBusinessSeconds: 'addBusinessSeconds',
  computeDeadline: 'computeDeadline',
  registerCase: 'registerCase',
  recordCaseEvent: 'recordCaseEvent',
  recordCaseEvents: 'recordCaseEvents',
  sendCaseMail: 'sendCaseMail',
  lookupAsset: 'lookupAsset',
  departmentNames: 'departmentNames',
  runOperation: 'runOperation',
  runScheduledBackup: 'runScheduledBackup',
  compensateOperation: 'compensateOperation',
  pruneBackups: 'pruneBackups',
  notifyBackupFailure: 'notifyBackupFailure',
  planDeskSla: 'planDeskSla',
  claimInquiryAttachments: 'claimInquiryAttachments',
  loadActor: 'loadActor',
  linkCases: 'linkCases',
  gatherAvailability: 'gatherAvailability',
  gatherDailyFigures: 'gatherDailyFigures',
  computeReportFigures: 'computeReportFigures',
  renderReport: 'renderReport',
  setReportStatus: 'setReportStatus',
  mailReport: 'mailReport',
  planScheduledReport: 'planScheduledReport',
} as const satisfies { [K in ActivityName]: K };

