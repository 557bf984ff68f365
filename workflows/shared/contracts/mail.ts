/**
 * What a workflow asks the mail activity to send: the template (by name, with its fields) and the
 * recipients. Rendered by src/mail/templates (the text, the layout), sent by
 * src/cases/case-mailer.service.ts.
 */
import type { Severity } from '../case-model';
import type { CaseKind } from '../ids';
import type { SlaKind } from './calendar';
import type { FollowerStep } from './desk';

/**
 * An ISO 8601 instant, preferably with an offset (`2026-12-25T01:00:00Z`, `…+09:00`). A date
 * without a time (`2026-12-25`) is shown as that calendar date; a date-time without an offset is
 * read as Japan time (never as the process's local time). Anything unparsable is shown verbatim.
 */
export type IsoDateTime = string;

export type HoldWaitingFor = 'requester' | 'vendor' | 'other';
/** R-SCHED-1: when a maintenance notice is sent. */
export type MaintenanceNoticeWhen = 'confirmed' | 'week_before' | 'day_before';

/** Fields every template has. */
export interface MailCaseRef {
  /** e.g. `INC-2026-0001`; appears in the subject and the link. */
  caseNumber: string;
  /** R-REC-1 件名 of the case (user text). */
  caseSubject: string;
}

interface HoldFields {
  reason: string;
  /** Who put the case on hold / resumed it (display name). */
  by: string;
  waitingFor?: HoldWaitingFor;
}

/** The extra fields of each template, by template name. */
export interface MailTemplateFields {
  /** To general affairs, at once (R-FLOW-1). */
  'incident.received': {
    hostname: string;
    severity: Severity;
    detectedAt: IsoDateTime;
    summary: string;
    /** The host is not in the inventory: said clearly in the mail. */
    unregisteredDevice: boolean;
    /** On-site SLA due (R-SLA-1/2). */
    onsiteDueAt: IsoDateTime;
    businessSystems?: string[];
    /** Department names. */
    departments?: string[];
  };
  /** To general affairs: out-of-hours critical incident, agree how to respond (R-SLA-2). */
  'incident.urgent_consultation': { detectedAt: IsoDateTime; severity: Severity; summary: string };
  /** To general affairs: the maker's desk has been asked to repair (R-FLOW-1, R-SCOPE-2). */
  'incident.vendor_escalation': { vendorName: string; findings: string; impactScope: string; serviceStopped: boolean };
  /** To the maker's desk (external): repair request. */
  'incident.vendor_request': {
    hostname: string;
    address?: string;
    assetKind?: string;
    findings: string;
    impactScope: string;
    serviceStopped: boolean;
    /** The operator the maker should answer. */
    contactName: string;
    contactEmail: string;
    contactPhone?: string;
  };
  /** To operators: no word from the maker for a while. */
  'incident.vendor_silence_reminder': { vendorName: string; silentSince: IsoDateTime; businessHours: number };
  /** To general affairs: the contractor verified the platform (R-FLOW-1). */
  'incident.recovered': { verifiedBy: string; note?: string };
  /** To a department: please verify (R-FLOW-1/2). */
  'case.verification_request': { kind: CaseKind; departmentName: string; what: string };
  /** To everyone involved (R-REC-8/9). */
  'case.completed': { kind: CaseKind; approver: string; completedAt: IsoDateTime; summary?: string };
  /** To operators. */
  'case.approval_rejected': { approver: string; reason: string };
  /** To operators and general affairs. */
  'case.verification_failed': { departmentName: string; reason: string };
  /** To operators, cc general affairs. */
  'sla.warning': { kind: CaseKind; slaKind: SlaKind; percent: 50 | 75; dueAt: IsoDateTime };
  /** To general affairs and operators. */
  'sla.breach': { kind: CaseKind; slaKind: SlaKind; dueAt: IsoDateTime; breachedAt: IsoDateTime };
  /** To general affairs, cc the requester (R-FLOW-2). */
  'work_request.submitted': {
    requestType: string;
    requestTypeLabelJa: string;
    requesterName: string;
    departmentName: string;
    desiredDate?: IsoDateTime;
    note?: string;
  };
  /** To operators, cc the requester (R-SLA-3). */
  'work_request.accepted': { requestTypeLabelJa: string; dueAt: IsoDateTime; acceptedBy: string };
  /** To the requester. */
  'work_request.rejected': { reason: string; decidedBy: string };
  /** To the requester: more information needed. */
  'work_request.returned': { reason: string; decidedBy: string };
  /** To operators and the requester (R-REC-7/8). */
  'work_request.plan_confirmed': {
    plannedStart: IsoDateTime;
    plannedEnd: IsoDateTime;
    content: string;
    stopsService: boolean;
    approvedBy: string;
  };
  /** To the affected departments (R-SCHED-1). */
  'maintenance.notice': {
    when: MaintenanceNoticeWhen;
    plannedStart: IsoDateTime;
    plannedEnd: IsoDateTime;
    content: string;
    businessSystems?: string[];
  };
  /** R-CONTACT-1: a phone call, reported by e-mail afterwards. */
  'case.phone_followup': { calledAt: IsoDateTime; counterpart: string; summary: string; loggedBy: string };
  'case.hold': HoldFields;
  'case.resumed': HoldFields;
  /** R-DESK-1: the asker of an inquiry is told at each step (and the desk, of a missed SLA). */
  'inquiry.notice': InquiryNoticeFields;
  /** R-CONTACT-1: the asker of a converted inquiry follows the new case (opened, resolved, closed). */
  'case.follower_notice': {
    step: FollowerStep;
    kind: CaseKind;
    followerName: string;
    /** The inquiry the case came from. */
    fromCaseNumber: string;
    /** completed, rejected, withdrawn (closed only). */
    resolution?: string;
    /** What was found or done, as told to the case's own parties. */
    summary?: string;
  };
}

/** The steps of an inquiry the asker (or the desk) is told about. */
export type InquiryNoticeStep =
  | 'received' | 'acknowledged' | 'answered' | 'escalated' | 'converted' | 'linked' | 'closed' | 'reopened'
  | 'reply' | 'attachment_refused' | 'sla_breach';

export interface InquiryNoticeFields {
  step: InquiryNoticeStep;
  askerName: string;
  /** The answer, the desk's reply, or the refused attachments' description. */
  message?: string;
  /** The case the inquiry was converted into or linked to. */
  relatedCaseNumber?: string;
  reason?: string;
  dueAt?: IsoDateTime;
}

export type MailTemplateName = keyof MailTemplateFields;

/** The input of one template. */
export type MailTemplateInput<K extends MailTemplateName> = { template: K } & MailCaseRef & MailTemplateFields[K];

/** Discriminated union (on `template`) of every template's input. */
export type MailTemplate = { [K in MailTemplateName]: MailTemplateInput<K> }[MailTemplateName];

export type RecipientSpec =
  | { role: 'general_affairs' | 'operators' }
  | { departmentId: string }
  | { userId: string }
  | { email: string };

export interface CaseMailInput {
  caseId: string;
  /** Stable per message: the same key is sent once, and becomes its Message-ID. */
  key: string;
  mail: MailTemplate;
  to: RecipientSpec[];
  cc?: RecipientSpec[];
}

export interface CaseMailResult {
  messageId: string | null;
  to: string[];
  cc: string[];
  sentAt: string | null;
  skipped?: 'no_recipients';
}
