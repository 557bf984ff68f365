import { AlertSource } from '../alert-sources/alert-source.entity';
import { AuditChainHead, AuditLogEntry } from '../audit/audit-log.entity';
import { ArchivedHistory } from '../audit-history/archived-history.entity';
import { CalendarSettings } from '../calendar/calendar-settings.entity';
import { ClosingDay } from '../calendar/closing-day.entity';
import { CaseNumberSequence } from '../cases/case-number.entity';
import { CaseRecord } from '../cases/case-record.entity';
import { CaseTask } from '../cases/case-task.entity';
import { TimelineEntry } from '../cases/timeline-entry.entity';
import { AuthToken } from '../identity/auth-token.entity';
import { AlertInboxEntry } from '../incidents/alert-inbox.entity';
import { Department } from '../identity/department.entity';
import { DESK_ENTITIES } from '../desk/desk.entities';
import { User } from '../identity/user.entity';
import { Asset } from '../inventory/asset.entity';
import { SentMailRecord } from '../mail/sent-mail.entity';
import { OPERATION_ENTITIES } from '../operations/operation.entities';
import { SIMULATOR_ENTITIES } from '../providers/simulator/sim.entities';
import { HypervisorAddressLease, HypervisorJournalEntry } from '../providers/vsphere/journal.entity';
import { MONITORING_ENTITIES } from '../monitoring/monitoring.entities';
import { PLATFORM_ENTITIES } from '../platform/platform.entities';
import { REPORT_ENTITIES } from '../reports/report.entities';

/** Every entity, listed by hand: folder discovery differs between ts (tests) and js (dist). */
export const ENTITIES = [Department, User, AuthToken, ClosingDay, CalendarSettings, Asset, AlertSource,
  CaseRecord, TimelineEntry, CaseTask, CaseNumberSequence, SentMailRecord, AlertInboxEntry,
  ArchivedHistory,
  AuditLogEntry, AuditChainHead,
  ...OPERATION_ENTITIES, ...SIMULATOR_ENTITIES, HypervisorJournalEntry, HypervisorAddressLease, ...PLATFORM_ENTITIES,
  ...MONITORING_ENTITIES, ...REPORT_ENTITIES,
  ...DESK_ENTITIES,
];
