/**
 * Section 4 — SLA timer lateness: cases whose on-site SLA falls due a few seconds ahead; from each
 * deadline to its breach e-mail accepted by SMTP, split into the Temporal timer firing late and
 * what follows (workflow task, record activity, e-mail activity).
 *
 * Any time of day: the on-site SLA (R-SLA-1) is "N hours from a detection inside reception
 * hours", N a whole number of hours in AppConfig. The bench finds the latest stretch of reception
 * hours in the past (lib/calendar.ts, from the same calendar rows the worker reads), restarts its
 * worker with a configuration it builds itself (BENCH_SLA_ONSITE_SECONDS → sla.onsiteHours =
 * seconds / 3600; src/config is unchanged), N being the distance from that stretch to now, and
 * posts alerts detected inside that stretch: each falls due `lead` seconds after it is posted.
 * Outside reception hours this is the only way (R-SLA-2 deadlines are 10:30 of the next business
 * day); inside them it works the same way.
 */
import { temporal as proto } from '@temporalio/proto';
import { businessCalendar, latestReceptionStretch } from '../lib/calendar';
import type { Ctx } from '../lib/context';
import { percentiles, spreadOfPercentiles, type Percentiles } from '../lib/stats';

const HOST = 'vm-zeimu01';
const STRETCH_MS = 15 * 60_000;
const EventType = proto.api.enums.v1.EventType;

export interface SlaSection {
  casesPerRound: number;
  rounds: number;
  leadSeconds: number;
  spreadSeconds: number;
  onsiteSlaSeconds: number;
  detectedInside: { from: string; to: string };
  /** Deadline → breach e-mail accepted by SMTP. */
  deadlineToMailMs: ReturnType<typeof spreadOfPercentiles>;
  /** Deadline → TimerFired in the history (Temporal's part). */
  deadlineToTimerMs: ReturnType<typeof spreadOfPercentiles>;
  /** TimerFired → e-mail accepted (workflow task, breach record, mail activity, SMTP). */
  timerToMailMs: ReturnType<typeof spreadOfPercentiles>;
  dueMismatches: number;
  /** Cases whose breach timer was started only after the deadline (setup backlog), per round. */
  armedLate: number[];
  perRound: Array<{ deadlineToMail: Percentiles; deadlineToTimer: Percentiles; timerToMail: Percentiles; armedAheadMs: Percentiles; armedLate: number }>;
}

const ms = (t: { seconds?: number | { toNumber(): number } | null; nanos?: number | null } | null | undefined): number => {
  if (!t) return NaN;
  const seconds = typeof t.seconds === 'number' ? t.seconds : (t.seconds?.toNumber() ?? 0);
  return seconds * 1000 + (t.nanos ?? 0) / 1e6;
};

export async function runSlaLateness(ctx: Ctx): Promise<SlaSection> {
  const { opts, stack, say } = ctx;
  const calendar = await businessCalendar(stack);
  const now = Date.now();
  const anchor = latestReceptionStretch(calendar, now, STRETCH_MS, 60_000);
  const onsiteSeconds = Math.ceil((now - anchor.getTime()) / 1000);
  const leadMs = opts.slaLeadSeconds * 1000;
  const spreadMs = opts.quick ? 2_000 : 5_000;
  say(`reception-hours stretch from ${anchor.toISOString()}; restarting the worker with an on-site SLA of ${onsiteSeconds} s ...`);
  await stack.stopChild('worker');
  await stack.startWorker({ BENCH_SLA_ONSITE_SECONDS: String(onsiteSeconds) });

  const perRound: SlaSection['perRound'] = [];
  let dueMismatches = 0;
  try {
    for (let round = 1; round <= opts.rounds; round++) {
      const n = opts.slaCases;
      const base = Date.now() + leadMs - onsiteSeconds * 1000;
      const detectedAts = Array.from({ length: n }, (_, i) => new Date(base + Math.round((i * spreadMs) / Math.max(1, n))));
      for (const at of detectedAts) {
        if (!calendar.isWithinReceptionHours(at)) throw new Error(`detection ${at.toISOString()} fell outside reception hours: the run took longer than the ${STRETCH_MS / 60_000}-minute stretch`);
      }
      const expectedDue = new Map<string, number>();
      const measured = await ctx.measure(`sla-r${round}`, async () => {
        const batch = await ctx.load.call<{ cases: Array<{ index: number; caseNumber: string }>; failed: number; errors: string[] }>('slaBatch', {
          detectedAts: detectedAts.map((d) => d.toISOString()), tag: ctx.tag(`sla-r${round}`), hostname: HOST, concurrency: 8,
        });
        if (batch.failed) throw new Error(`SLA batch: ${batch.failed} alerts failed: ${batch.errors.join('; ')}`);
        for (const c of batch.cases) expectedDue.set(c.caseNumber, detectedAts[c.index].getTime() + onsiteSeconds * 1000);
        const numbers = batch.cases.map((c) => c.caseNumber);
        const latestDue = Math.max(...expectedDue.values());
        const accepted = await stack.smtp.waitFor(numbers.map((c) => `${c}.sla-breach`), Math.max(0, latestDue - Date.now()) + 90_000);
        return { numbers, accepted };
      });
      const { numbers, accepted } = measured.result;
      const rows = await stack.sql<{ number: string; due_at: Date; workflow_id: string }>('select number, due_at, workflow_id from case_record where number = any($1)', [numbers]);
      const toMail: number[] = [];
      const armedAhead: number[] = [];
      let armedLate = 0;
      const toTimer: number[] = [];
      const timerToMail: number[] = [];
      for (const row of rows) {
        const due = row.due_at.getTime();
        if (Math.abs(due - expectedDue.get(row.number)!) > 1_500) dueMismatches += 1;
        const mailAt = accepted.get(`${row.number}.sla-breach`)!;
        toMail.push(mailAt - due);
        const history = await stack.temporal.workflow.getHandle(row.workflow_id).fetchHistory();
        const events = history.events ?? [];
        const fired = events.filter((e) => e.eventType === EventType.EVENT_TYPE_TIMER_FIRED).pop();
        const started = fired ? events.find((e) => e.eventId?.toString() === fired.timerFiredEventAttributes?.startedEventId?.toString()) : undefined;
        if (fired && started && ms(started.eventTime) < due) {
          const firedAt = ms(fired.eventTime);
          toTimer.push(firedAt - due);
          timerToMail.push(mailAt - firedAt);
          armedAhead.push(due - ms(started.eventTime));
        } else {
          // The workflow reached its breach check only after the deadline (the system was behind): no timer to be late.
          armedLate += 1;
        }
      }
      const figures = { deadlineToMail: percentiles(toMail), deadlineToTimer: percentiles(toTimer), timerToMail: percentiles(timerToMail), armedAheadMs: percentiles(armedAhead), armedLate };
      perRound.push(figures);
      say(`round ${round}/${opts.rounds}: ${n} cases, deadline → breach e-mail p50 ${figures.deadlineToMail.p50.toFixed(0)} ms, p99 ${figures.deadlineToMail.p99.toFixed(0)} ms ` +
        `(timer fired p50 ${figures.deadlineToTimer.p50.toFixed(0)} ms after the deadline${armedLate ? `; ${armedLate} cases reached their breach check only after the deadline` : ''})`);
    }
  } finally {
    say('restarting the worker with the configured SLA ...');
    await stack.stopChild('worker');
    await stack.startWorker();
  }
  if (dueMismatches) say(`WARNING: ${dueMismatches} cases were not due when expected: the SLA override did not take effect`);
  return {
    casesPerRound: opts.slaCases, rounds: opts.rounds, leadSeconds: opts.slaLeadSeconds, spreadSeconds: spreadMs / 1000, onsiteSlaSeconds: onsiteSeconds,
    detectedInside: { from: anchor.toISOString(), to: new Date(anchor.getTime() + STRETCH_MS).toISOString() },
    deadlineToMailMs: spreadOfPercentiles(perRound.map((r) => r.deadlineToMail)),
    deadlineToTimerMs: spreadOfPercentiles(perRound.map((r) => r.deadlineToTimer)),
    timerToMailMs: spreadOfPercentiles(perRound.map((r) => r.timerToMail)),
    dueMismatches,
    armedLate: perRound.map((r) => r.armedLate),
    perRound,
  };
}
