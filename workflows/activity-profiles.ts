import { proxyActivities } from '@temporalio/workflow';
import type { Activities } from '../activities';

/**
 * One timeout profile per kind of activity. Writes to the case record and e-mail retry until they
 * succeed (the record must not miss a step); every one of them is idempotent by its key.
 */
export const recordActivities = proxyActivities<Activities>({
  startToCloseTimeout: '30 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute' },
});

export const mailActivities = proxyActivities<Activities>({
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '5 seconds', backoffCoefficient: 2, maximumInterval: '10 minutes' },
});

export const calendarActivities = proxyActivities<Activities>({
  startToCloseTimeout: '15 seconds',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '30 seconds' },
});
