import type { MikroORM } from '@mikro-orm/postgresql';
import type { CalendarService } from '../src/calendar/calendar.service';
import type { CaseMailer } from '../src/cases/case-mailer.service';
import type { CaseRecorder } from '../src/cases/case-recorder.service';
import type { AppConfig } from '../src/config/app-config';
import type { InventoryService } from '../src/inventory/inventory.service';
import type { OperationsService } from '../src/operations/operations.service';
import type { ReportStore } from '../src/reports/report-store';

/** What activities may touch; the worker builds it from the same Nest providers the API uses. */
export interface ActivityDeps {
  orm: MikroORM;
  calendar: CalendarService;
  recorder: CaseRecorder;
  caseMailer: CaseMailer;
  inventory: InventoryService;
  config: AppConfig;
  /** The operation items (R-OP-1..9); without it their activities fail with a clear error. */
  operations?: OperationsService;
  /** The monthly report (R-RPT-1..5). */
  reports?: ReportStore;
}
