import { createCalendarActivities } from './calendar.activities';
import { createCaseActivities } from './case.activities';
import type { ActivityDeps } from './deps';
import { createDeskActivities } from './desk.activities';
import { createInventoryActivities } from './inventory.activities';
import { createOperationActivities } from './operations.activities';
import { createReportActivities } from './report.activities';
import type { Activities } from '../workflows/shared/contracts';

export type { ActivityDeps } from './deps';

/** Every activity of the worker (the interfaces of workflows/shared/contracts/), bound to its dependencies. */
export function createActivities(deps: ActivityDeps): Activities {
  return {
    ...createCalendarActivities({ calendar: deps.calendar, sla: deps.config.sla }),
    ...createCaseActivities({ recorder: deps.recorder, caseMailer: deps.caseMailer }),
    ...createInventoryActivities({ inventory: deps.inventory, em: deps.orm.em }),
    ...createOperationActivities({ operations: deps.operations }),
    ...createDeskActivities({ em: deps.orm.em, calendar: deps.calendar }),
    ...createReportActivities({ reports: deps.reports }),
  };
}

export type { Activities } from '../workflows/shared/contracts';
