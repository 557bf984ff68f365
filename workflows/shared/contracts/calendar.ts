/** The business calendar and the SLA plans (R-SLA-1..3), as the workflows ask for them. */

/**
 * The SLA clocks: R-SLA-1/2 (on site, first isolation), R-SLA-3 (3 business days) and the desk's
 * acknowledgement of an inquiry within reception-hours minutes (R-DESK-1, `DeskSlaPlan`).
 */
export type SlaKind = 'onsite' | 'resolution' | 'desk';
export type SlaMode = 'wall' | 'business';

export interface SlaPlan {
  kind: SlaKind;
  /** Wall-clock SLAs count every second; business SLAs only reception hours on business days. */
  mode: SlaMode;
  startAt: string;
  dueAt: string;
  /** The whole SLA in the mode's seconds: the base of the 50 / 75 / 100 % notices. */
  totalSeconds: number;
  /** Whether the clock started inside reception hours (R-SLA-1 vs R-SLA-2). */
  withinReceptionHours: boolean;
}

export interface PlanSlaInput {
  kind: SlaKind;
  startAt: string;
}

export interface SlaCheckpointsInput {
  mode: SlaMode;
  startAt: string;
  totalSeconds: number;
  /** Seconds (in the mode's units) spent paused so far: the clock is pushed back by them. */
  pausedSeconds: number;
  percents: number[];
}

export interface ElapsedSecondsInput {
  mode: SlaMode;
  from: string;
  to: string;
}

export interface AddBusinessSecondsInput {
  from: string;
  seconds: number;
}

export interface ComputeDeadlineInput {
  startAt: string;
  businessDays: number;
}
