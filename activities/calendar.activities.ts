import type { ActivityDeps } from './deps';

export interface SlaPlanInput {
  /** ISO instant the clock starts (receipt, or detection). */
  startAt: string;
  businessDays: number;
}

/**
 * Deadlines are computed here rather than in workflow code so the business calendar of the day
 * (an admin may add closing days) is recorded in the history and replays identically.
 */
export function createCalendarActivities({ calendar }: Pick<ActivityDeps, 'calendar'>) {
  return {
    async computeDeadline(input: SlaPlanInput): Promise<string> {
      return (await calendar.deadline(new Date(input.startAt), input.businessDays)).toISOString();
    },
  };
}
