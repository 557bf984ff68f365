import { createCalendarActivities } from './calendar.activities';
import type { ActivityDeps } from './deps';

export type { ActivityDeps } from './deps';

/** Every activity of the worker, bound to its dependencies. */
export function createActivities(deps: ActivityDeps) {
  return {
    ...createCalendarActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
