/**
 * The support desk (R-DESK-1): the inquiry workflow's input and result, and what the inquiry
 * workflow asks of the desk activities (activities/desk.activities.ts). The desk's vocabulary
 * (channels, categories, labels, the asker's Update) is in workflows/shared/desk.ts.
 */
import type { ActorRef } from '../case-model';
import type { SlaPlan } from './calendar';

/** How an inquiry came in (INQUIRY_CHANNELS in workflows/shared/desk.ts lists them). */
export type InquiryChannel = 'mail' | 'phone' | 'ui' | 'api';
/** What the asker says it is about (INQUIRY_CATEGORIES in workflows/shared/desk.ts). */
export type InquiryCategory = 'question' | 'request_for_work' | 'fault_report' | 'other';

/** Who asked: a user of opsdesk, or someone known only by name and address (a system vendor, say). */
export interface InquiryAsker {
  name: string;
  email: string | null;
  userId: string | null;
  departmentId: string | null;
  /** Free text: 税務課, ○○システム保守事業者, ... */
  organisation?: string | null;
}

export interface InquiryAttachmentRef {
  id: string;
  filename: string;
  contentType: string;
  size: number;
}

/** R-DESK-1 問い合わせ: the inquiry workflow's input, read once when the case starts (replay-safe). */
export interface InquiryInput {
  intakeId: string;
  subject: string;
  text: string;
  asker: InquiryAsker;
  channel: InquiryChannel;
  category: InquiryCategory;
  /** The affected system or device (a host name of the inventory, or free text). */
  affected: string | null;
  receivedAt: string;
  attachments: InquiryAttachmentRef[];
  /** The received mail this inquiry came from (its Message-ID), so replies thread. */
  mailMessageId?: string | null;
  /** Who logged it (phone, UI on someone's behalf); null for mail and the asker's own API call. */
  loggedBy?: { username: string; displayName: string } | null;
  /** Handed to an incident the inquiry is converted into (read from the configuration at the start). */
  vendorSilenceBusinessHours?: number;
}

export type InquiryResolution = 'answered' | 'converted' | 'linked';

export interface InquiryResult {
  caseNumber: string;
  resolution: InquiryResolution;
  linkedCaseNumber: string | null;
}

/** The desk's acknowledgement SLA: N business minutes (a desk setting) from receipt. */
export interface DeskSlaPlan extends SlaPlan {
  kind: 'desk';
  businessMinutes: number;
}

export interface PlanDeskSlaInput {
  startAt: string;
}

export interface ClaimInquiryAttachmentsInput {
  caseId: string;
  intakeId: string;
}

export interface LoadActorInput {
  userId: string;
}

/** The actor of a user id, or null for an unknown or disabled user. */
export type LoadedActor = ActorRef | null;

export interface LinkCasesInput {
  fromCaseId: string;
  fromCaseNumber: string;
  /** Link to an existing case by number, or to the case a just-started workflow registers. */
  toCaseNumber?: string;
  toWorkflowId?: string;
  relation: 'converted' | 'linked';
  actor: string;
  /** Unique per step: the timeline rows on both cases are written once. */
  key: string;
}

export interface LinkCasesResult {
  ok: boolean;
  caseNumber: string | null;
  reason?: string;
}

/**
 * R-DESK-1 / R-CONTACT-1: the asker of an inquiry converted into an incident or a work request
 * follows the new case: mailed its number when it opens, when it is resolved and when it closes,
 * and the inquiry's timeline notes each of these steps.
 */
export interface CaseFollower {
  name: string;
  email: string | null;
  userId: string | null;
  /** The inquiry it came from. */
  fromCaseId: string;
  fromCaseNumber: string;
}

/** The steps of a followed case the follower hears of. */
export type FollowerStep = 'opened' | 'resolved' | 'closed';
