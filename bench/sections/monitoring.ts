/**
 * Section 7 — device down → incident mail, on real Prometheus, Alertmanager and blackbox_exporter
 * (issue 16). The "device" is an address inside a network namespace the bench creates (a veth
 * pair whose device end it takes down) and deletes afterwards; nothing else is probed. Each cycle
 * renames the device (a new host, so a new incident: an open one would only be joined), waits
 * until Prometheus sees it answer, takes the link down and waits for the 障害を受け付けました mail.
 *
 * Split: Prometheus's part = link down → Alertmanager's webhook written to opsdesk's alert inbox
 * (probe, `for:`, evaluation, group_wait); opsdesk's part = inbox → the mail accepted by SMTP.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/embedded/ports';
import { missingMonitoringTools } from '../../src/monitoring/binaries';
import { startMonitoringStack, type RunningStack } from '../../src/monitoring/stack';
import { ACTIVITY } from '../../workflows/shared/contracts';
import type { Ctx } from '../lib/context';
import { activityRunsUntil, pathToActivity } from '../lib/history-shape';
import { percentiles, type Percentiles } from '../lib/stats';

export const MONITORING_FOR_SECONDS = 3;
export const MONITORING_EVALUATION_SECONDS = 1;
const SCRAPE_SECONDS = 1;

export interface MonitoringSection {
  cycles: number;
  forSeconds: number;
  evaluationSeconds: number;
  scrapeSeconds: number;
  /** for: + 2 evaluation intervals, the issue's bound for the whole. */
  budgetMs: number;
  totalMs: Percentiles;
  prometheusPartMs: Percentiles;
  opsdeskPartMs: Percentiles;
  /**
   * Where opsdesk's part went, per cycle: written to the inbox → handed to Temporal (signal-with-
   * start answered) → the workflow's first task started → the received mail's activity completed
   * → accepted by SMTP; with the workflow path's activity and workflow-task waits.
   */
  opsdeskSplitMs: {
    inboxToHandedOver: Percentiles;
    handedOverToMailActivityDone: Percentiles;
    mailActivityDoneToAccepted: Percentiles;
    workflowTaskQueue: Percentiles;
    activityQueue: Percentiles;
    activityRun: Percentiles;
  };
  withinBudget: number;
}

/** Set before the API starts: the API must know Prometheus's address. */
export interface MonitoringPlan {
  dir: string;
  ports: { prometheus: number; alertmanager: number; blackbox: number };
  env: Record<string, string>;
  stack?: RunningStack;
}

export async function planMonitoring(): Promise<MonitoringPlan | string> {
  const missing = missingMonitoringTools();
  if (missing.length) return `missing ${missing.map((t) => t.name).join(', ')}`;
  const dir = mkdtempSync(join(tmpdir(), 'opsdesk-bench-monitoring-'));
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), blackbox: await freePort() };
  return {
    dir, ports,
    env: {
      PROMETHEUS_URL: `http://127.0.0.1:${ports.prometheus}`, ALERTMANAGER_URL: `http://127.0.0.1:${ports.alertmanager}`,
      OPSDESK_MONITORING_DIR: dir, MONITORING_STATE_INTERVAL_MS: '500', MONITORING_PROBE_NETWORKS: '127.0.0.0/8,10.213.0.0/16',
    },
  };
}

export async function startPlannedMonitoring(plan: MonitoringPlan, opsdeskUrl: string): Promise<void> {
  plan.stack = await startMonitoringStack({
    dir: plan.dir, opsdeskUrl, ports: plan.ports, scrapeIntervalSeconds: SCRAPE_SECONDS, evaluationIntervalSeconds: MONITORING_EVALUATION_SECONDS,
    groupWaitSeconds: 0, groupIntervalSeconds: 1,
  });
}

export async function stopPlannedMonitoring(plan: MonitoringPlan): Promise<void> {
  await plan.stack?.stop();
  rmSync(plan.dir, { recursive: true, force: true });
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

export async function runMonitoring(ctx: Ctx, plan: MonitoringPlan): Promise<MonitoringSection> {
  const stack = plan.stack!;
  const cycles = ctx.opts.monitoringCycles;
  const base = ctx.stack.baseUrl;
  const login = await fetch(`${base}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password: 'opsdesk-demo' }) });
  const { token } = (await login.json()) as { token: string };
  const call = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, { method, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? (JSON.parse(text) as unknown) : undefined;
  };
  const until = async (what: string, probe: () => Promise<boolean>, timeoutMs = 60_000) => {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      if (await probe().catch(() => false)) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error(`timed out waiting for ${what}`);
  };
  const answers = async (hostname: string) => {
    const response = await fetch(`${stack.prometheusUrl}/api/v1/query?query=${encodeURIComponent(`probe_success{hostname="${hostname}"}`)}`);
    const body = (await response.json()) as { data: { result: Array<{ value: [number, string] }> } };
    return body.data.result[0]?.value[1] === '1';
  };

  const thresholds = (await call('GET', '/api/monitoring/thresholds')) as Array<{ id: string; kind: string; assetKind: string | null }>;
  const ping = thresholds.find((t) => t.kind === 'ping_down' && t.assetKind === 'switch')!;
  await call('PATCH', `/api/monitoring/thresholds/${ping.id}`, { value: MONITORING_FOR_SECONDS });

  const n = 200 + Math.floor(Math.random() * 50);
  const namespace = `odbench-${n}`;
  const hostSide = `odbh${n}`;
  const deviceSide = `odbd${n}`;
  const remove = () => {
    try { ip('netns', 'del', namespace); } catch { /* gone */ }
    try { ip('link', 'del', hostSide); } catch { /* gone */ }
  };
  const total: number[] = [];
  const prometheusPart: number[] = [];
  const opsdeskPart: number[] = [];
  const split = { inboxToHandedOver: [] as number[], handedOverToMailActivityDone: [] as number[], mailActivityDoneToAccepted: [] as number[], workflowTaskQueue: [] as number[], activityQueue: [] as number[], activityRun: [] as number[] };
  try {
    ip('netns', 'add', namespace);
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', deviceSide);
    ip('link', 'set', deviceSide, 'netns', namespace);
    ip('addr', 'add', `10.213.${n}.1/30`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `10.213.${n}.2/30`, 'dev', deviceSide);
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', deviceSide, 'up');
    const asset = (await call('POST', '/api/assets', { hostname: `${ctx.tag('sw')}-0`.toLowerCase().replace(/[^a-z0-9-]/g, '-'), kind: 'switch', subPlatform: 'virtualization', address: `10.213.${n}.2` })) as { id: string };
    for (let i = 0; i < cycles; i++) {
      const hostname = `${ctx.tag('sw')}-${i}`.toLowerCase().replace(/[^a-z0-9-]/g, '-');
      if (i > 0) await call('PATCH', `/api/assets/${asset.id}`, { hostname });
      ip('netns', 'exec', namespace, 'ip', 'link', 'set', deviceSide, 'up');
      await until(`${hostname} answering`, () => answers(hostname));
      await new Promise((r) => setTimeout(r, 1_500)); // a few good probes, so the rule starts from "up"
      const down = Date.now();
      ip('netns', 'exec', namespace, 'ip', 'link', 'set', deviceSide, 'down');
      let number = '';
      await until(`the incident of ${hostname}`, async () => {
        const [row] = await ctx.stack.sql<{ number: string }>('select number from case_record where hostname = $1', [hostname]);
        number = row?.number ?? '';
        return !!number;
      });
      const accepted = await ctx.stack.smtp.waitFor([`${number}.received`], 60_000);
      const mailAt = accepted.get(`${number}.received`)!;
      const [inbox] = await ctx.stack.sql<{ received_at: Date; delivered_at: Date | null; workflow_id: string }>(
        `select received_at, delivered_at, workflow_id from alert_inbox where signal->>'hostname' = $1 and status = 'firing' order by id limit 1`, [hostname]);
      const inboxAt = new Date(inbox.received_at).getTime();
      total.push(mailAt - down);
      prometheusPart.push(inboxAt - down);
      opsdeskPart.push(mailAt - inboxAt);
      const handedAt = inbox.delivered_at ? new Date(inbox.delivered_at).getTime() : inboxAt;
      const history = await ctx.stack.temporal.workflow.getHandle(inbox.workflow_id).fetchHistory();
      const path = pathToActivity(history, ACTIVITY.sendCaseMail);
      const runs = activityRunsUntil(history, ACTIVITY.sendCaseMail);
      split.inboxToHandedOver.push(handedAt - inboxAt);
      if (path) {
        const startedAt = (await ctx.stack.temporal.workflow.getHandle(inbox.workflow_id).describe()).startTime.getTime();
        const mailDoneAt = startedAt + path.totalMs;
        split.handedOverToMailActivityDone.push(mailDoneAt - handedAt);
        split.mailActivityDoneToAccepted.push(mailAt - mailDoneAt);
        split.workflowTaskQueue.push(path.workflowTaskQueueMs);
        split.activityQueue.push(path.activityQueueMs);
        split.activityRun.push(path.activityRunMs);
      }
      ctx.say(`  … cycle ${i + 1}/${cycles}: ${((mailAt - down) / 1000).toFixed(2)} s (Prometheus ${((inboxAt - down) / 1000).toFixed(2)} s, opsdesk ${(mailAt - inboxAt).toFixed(0)} ms: ` +
        `hand-over ${handedAt - inboxAt} ms${path ? `, workflow → mail activity ${Math.round(path.totalMs)} ms (${path.activities} activities: queue ${Math.round(path.activityQueueMs)} run ${Math.round(path.activityRunMs)}; ` +
        `${path.workflowTasks} workflow tasks: queue ${Math.round(path.workflowTaskQueueMs)} run ${Math.round(path.workflowTaskRunMs)}) [${runs.map((r) => `${r.type} ${Math.round(r.runMs)}`).join(', ')}]` : ''})`);
    }
  } finally {
    remove();
  }
  const budgetMs = (MONITORING_FOR_SECONDS + 2 * MONITORING_EVALUATION_SECONDS) * 1000;
  return {
    cycles, forSeconds: MONITORING_FOR_SECONDS, evaluationSeconds: MONITORING_EVALUATION_SECONDS, scrapeSeconds: SCRAPE_SECONDS, budgetMs,
    totalMs: percentiles(total), prometheusPartMs: percentiles(prometheusPart), opsdeskPartMs: percentiles(opsdeskPart),
    opsdeskSplitMs: {
      inboxToHandedOver: percentiles(split.inboxToHandedOver), handedOverToMailActivityDone: percentiles(split.handedOverToMailActivityDone),
      mailActivityDoneToAccepted: percentiles(split.mailActivityDoneToAccepted), workflowTaskQueue: percentiles(split.workflowTaskQueue),
      activityQueue: percentiles(split.activityQueue), activityRun: percentiles(split.activityRun),
    },
    withinBudget: total.filter((t) => t <= budgetMs).length,
  };
}
