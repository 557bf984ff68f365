import { condition } from '@temporalio/workflow';
import type { SlaView } from './shared/case-model';
import type { SlaKind, SlaPlan } from './shared/contracts';
import { calendarActivities } from './activity-profiles';
import { nowIso, nowMs } from './clock';

const THRESHOLDS = [50, 75, 100] as const;

/**
 * An SLA with notices at 50 % and 75 % of its time and a breach at 100 %. Every instant comes from
 * the business-calendar activity (so it is in the history); a pause pushes the clock back by the
 * exact business seconds it lasted, which survives re-plans, rejections and later pauses.
 */
export class SlaClock {
  private plan: SlaPlan;
  private dueAt: string;
  private readonly originalDueAt: string;
  private pausedSeconds = 0;
  private pausedSince: string | null = null;
  private readonly warningsSent: number[] = [];
  private breached = false;
  private breachedAt: string | null = null;
  private stoppedAt: string | null = null;
  /** A fixed due date (a maintenance window) is not moved by pauses. */
  private fixed = false;
  /** Bumped by every pause, resume, stop or re-plan so a waiting timer recomputes. */
  private version = 0;
  /**
   * Pauses that have ended but whose business seconds are still being measured (an activity).
   * The clock stays stopped meanwhile, and a new pause may already start: the interval of the
   * previous one was taken at the resume, so the two never overlap or get lost.
   */
  private accounting = 0;

  constructor(
    plan: SlaPlan,
    private readonly onThreshold: (percent: number, at: string) => Promise<void>,
  ) {
    this.plan = plan;
    this.dueAt = plan.dueAt;
    this.originalDueAt = plan.dueAt;
  }

  get kind(): SlaKind {
    return this.plan.kind;
  }

  get due(): string {
    return this.dueAt;
  }

  get isBreached(): boolean {
    return this.breached;
  }

  async run(): Promise<void> {
    while (!this.stoppedAt) {
      const pending = THRESHOLDS.filter((p) => (p === 100 ? !this.breached : !this.warningsSent.includes(p)));
      if (pending.length === 0) return;
      if (this.pausedSince || this.accounting > 0) {
        await condition(() => (!this.pausedSince && this.accounting === 0) || !!this.stoppedAt);
        continue;
      }
      const version = this.version;
      const [at] = await calendarActivities.slaCheckpoints({
        mode: this.plan.mode, startAt: this.plan.startAt, totalSeconds: this.plan.totalSeconds, pausedSeconds: this.pausedSeconds, percents: [pending[0]],
      });
      if (version !== this.version) continue;
      const wait = Date.parse(at) - nowMs();
      if (wait > 0 && (await condition(() => this.version !== version || !!this.stoppedAt, wait))) continue;
      const percent = pending[0];
      if (percent === 100) {
        this.breached = true;
        this.breachedAt = at;
      } else {
        this.warningsSent.push(percent);
      }
      await this.onThreshold(percent, at);
    }
  }

  stop(): void {
    if (this.stoppedAt) return;
    this.stoppedAt = nowIso();
    this.version++;
  }

  pause(): void {
    // A breach is a fact: a later pause must not move the due time past the recorded breach.
    if (this.pausedSince || this.stoppedAt || this.fixed || this.breached) return;
    this.pausedSince = nowIso();
    this.version++;
  }

  async resume(): Promise<void> {
    if (!this.pausedSince) return;
    // Take the interval now: a pause that arrives while its seconds are measured is a new one.
    const from = this.pausedSince;
    this.pausedSince = null;
    this.accounting++;
    let paused: number;
    try {
      paused = await calendarActivities.elapsedSeconds({ mode: this.plan.mode, from, to: nowIso() });
    } finally {
      this.accounting--;
    }
    if (this.fixed) return; // re-planned to a maintenance window meanwhile: pauses no longer count
    this.pausedSeconds += paused;
    const basis = this.pausedSeconds;
    const [due] = await calendarActivities.slaCheckpoints({
      mode: this.plan.mode, startAt: this.plan.startAt, totalSeconds: this.plan.totalSeconds, pausedSeconds: basis, percents: [100],
    });
    // Only the latest accounting sets the due time (another pause may have ended meanwhile).
    if (basis === this.pausedSeconds && !this.fixed) this.dueAt = due;
    this.version++;
  }

  /** R-SCHED-1: a service-stopping maintenance is due at its window's end instead. */
  replanToFixedDue(dueAt: string): void {
    const startAt = this.plan.startAt;
    this.plan = { ...this.plan, mode: 'wall', dueAt, totalSeconds: Math.max(1, (Date.parse(dueAt) - Date.parse(startAt)) / 1000) };
    this.dueAt = dueAt;
    this.pausedSeconds = 0;
    this.pausedSince = null;
    this.fixed = true;
    this.version++;
  }

  view(): SlaView {
    return {
      kind: this.plan.kind,
      startAt: this.plan.startAt,
      dueAt: this.dueAt,
      originalDueAt: this.originalDueAt,
      warningsSent: [...this.warningsSent],
      breached: this.breached,
      breachedAt: this.breachedAt,
      paused: !!this.pausedSince,
      pausedSince: this.pausedSince,
      pausedSeconds: this.pausedSeconds,
      stoppedAt: this.stoppedAt,
      withinReceptionHours: this.plan.withinReceptionHours,
    };
  }
}
