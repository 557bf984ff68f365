import type { CalendarService } from '../src/calendar/calendar.service';
import type { SlaSettings } from '../src/config/app-config';
import type {
  AddBusinessSecondsInput, CalendarActivities, ComputeDeadlineInput, ElapsedSecondsInput, PlanSlaInput, SlaCheckpointsInput, SlaPlan,
} from '../workflows/shared/contracts';
import { fromJstWall, jstWall } from '../workflows/shared/jst';

/**
 * Deadlines come from the business calendar in activities, so the calendar of the day (holidays,
 * closing days an admin added) is recorded in the workflow history and replays identically.
 */
export function createCalendarActivities(deps: { calendar: CalendarService; sla: SlaSettings }): CalendarActivities {
  return {
    async planSla(input: PlanSlaInput): Promise<SlaPlan> {
      const calendar = await deps.calendar.current();
      const start = new Date(input.startAt);
      const withinReceptionHours = calendar.isWithinReceptionHours(start);
      if (input.kind === 'resolution') {
        const due = calendar.deadline(start, deps.sla.workRequestBusinessDays);
        return { kind: 'resolution', mode: 'business', startAt: input.startAt, dueAt: due.toISOString(), totalSeconds: calendar.businessSecondsBetween(start, due), withinReceptionHours };
      }
      // R-SLA-1: inside reception hours, on site within N hours. R-SLA-2: outside, on the next
      // business opening's day at the configured time (10:30 = two hours after opening).
      const due = withinReceptionHours
        ? new Date(start.getTime() + deps.sla.onsiteHours * 3_600_000)
        : atClockOnDayOf(calendar.nextOpening(start), deps.sla.onsiteNextDayTime);
      // Issue 22: the next-day due is measured in reception hours (08:30 → 10:30), so its 50 % and
      // 75 % notices come at 09:30 and 10:00 instead of around 01:00 at night. The workflow is
      // unchanged: a history keeps the plan it recorded and replays as it ran.
      const businessSeconds = withinReceptionHours ? 0 : calendar.businessSecondsBetween(start, due);
      if (businessSeconds > 0) {
        return { kind: 'onsite', mode: 'business', startAt: input.startAt, dueAt: due.toISOString(), totalSeconds: businessSeconds, withinReceptionHours };
      }
      return { kind: 'onsite', mode: 'wall', startAt: input.startAt, dueAt: due.toISOString(), totalSeconds: (due.getTime() - start.getTime()) / 1000, withinReceptionHours };
    },

    async slaCheckpoints(input: SlaCheckpointsInput): Promise<string[]> {
      const calendar = await deps.calendar.current();
      return input.percents.map((percent) => {
        const seconds = (input.totalSeconds * percent) / 100 + input.pausedSeconds;
        const at = input.mode === 'business'
          ? calendar.addBusinessSeconds(new Date(input.startAt), seconds)
          : new Date(Date.parse(input.startAt) + seconds * 1000);
        return at.toISOString();
      });
    },

    /** Seconds between two instants in the SLA's mode (business seconds are exact, never rounded). */
    async elapsedSeconds(input: ElapsedSecondsInput): Promise<number> {
      if (input.mode === 'wall') return Math.max(0, (Date.parse(input.to) - Date.parse(input.from)) / 1000);
      return (await deps.calendar.current()).businessSecondsBetween(new Date(input.from), new Date(input.to));
    },

    async addBusinessSeconds(input: AddBusinessSecondsInput): Promise<string> {
      return (await deps.calendar.current()).addBusinessSeconds(new Date(input.from), input.seconds).toISOString();
    },

    async computeDeadline(input: ComputeDeadlineInput): Promise<string> {
      return (await deps.calendar.deadline(new Date(input.startAt), input.businessDays)).toISOString();
    },
  };
}

/** The given HH:MM (JST) on the JST day of `instant`. */
function atClockOnDayOf(instant: Date, hhmm: string): Date {
  const jst = jstWall(instant);
  const [hours, minutes] = hhmm.split(':').map(Number);
  return fromJstWall(jst.getUTCFullYear(), jst.getUTCMonth() + 1, jst.getUTCDate(), hours, minutes);
}
