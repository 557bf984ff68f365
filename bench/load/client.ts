/**
 * The load client: its own process (forked by the orchestrator), driving opsdesk through its real
 * HTTP API the way people and monitoring do, and the baseline workflow through the Temporal
 * client. Every command answers with raw timings; the orchestrator computes the figures.
 */
import { Client, Connection } from '@temporalio/client';
import { BASELINE_SIGNAL, BASELINE_UPDATE, BASELINE_WORKFLOW, type BaselineShape } from '../baseline/shape';
import { emitEvent, serveRpc } from '../lib/rpc';
import { seededRandom } from '../lib/stats';
import { HttpClient, type HttpResult } from './http';

interface Init {
  baseUrl: string;
  temporalAddress: string;
  namespace: string;
  alertToken: string;
  password: string;
  seed: number;
}

interface Task {
  id: string;
  type: string;
  suggested?: { departmentIds?: string[] } | null;
  departmentId?: string | null;
}

/** The parts of the API's answers the load client reads. */
interface LoginBody { token: string }
interface TaskList { items?: Task[] }
interface AlertsBody { results: Array<{ caseNumber: string | null; joined: boolean }> }
interface CompletionBody { status: string; openTasks?: Array<Omit<Task, 'id'> & { taskId: string }> }
interface SubmittedBody { caseNumber: string | null }

let http: HttpClient;
let init: Init;
let temporal: Client | null = null;
const tokens = new Map<string, string>();
let random = seededRandom(1);
/** Inbox polling: 100 ms, then 1.5 times longer each time up to 1 s (the API's own wait for a case number backs off alike). */
const POLL_FIRST_MS = 100;
const POLL_MAX_MS = 1_000;
const CONFLICT_RETRY_MS = 100;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function token(username: string): Promise<string> {
  let value = tokens.get(username);
  if (!value) {
    const response = await http.request<LoginBody>('POST', '/api/auth/login', { body: { username, password: init.password } });
    if (response.status !== 200) throw new Error(`login ${username}: ${response.status} ${JSON.stringify(response.body)}`);
    value = response.body.token;
    tokens.set(username, value);
  }
  return value;
}

async function as<T = unknown>(username: string, method: string, path: string, body?: unknown): Promise<HttpResult<T>> {
  return http.request<T>(method, path, { token: await token(username), body });
}

function expectStatus(response: HttpResult<unknown>, status: number, what: string): void {
  if (response.status !== status) throw new Error(`${what}: HTTP ${response.status} ${JSON.stringify(response.body).slice(0, 300)}`);
}

/** Runs `fn(0..n-1)` with at most `concurrency` in flight (a closed loop), reporting progress. */
/** `maxMs`: stop starting new items after this long (the ones in flight finish). */
async function pool(n: number, concurrency: number, label: string, fn: (i: number) => Promise<void>, maxMs = Infinity): Promise<{ failed: number; errors: string[]; succeeded: number[]; stoppedEarly: boolean }> {
  let next = 0;
  let done = 0;
  let failed = 0;
  const errors: string[] = [];
  const succeeded: number[] = [];
  const started = Date.now();
  let stoppedEarly = false;
  const ticker = setInterval(() => emitEvent('progress', { label, done, n, failed, perSecond: done / ((Date.now() - started) / 1000) }), 5_000);
  const lane = async () => {
    for (;;) {
      if (Date.now() - started > maxMs) {
        stoppedEarly = next < n;
        return;
      }
      const i = next++;
      if (i >= n) return;
      try {
        await fn(i);
        succeeded.push(i);
      } catch (error) {
        failed += 1;
        const message = error instanceof Error ? error.message : String(error);
        if (errors.length < 5) {
          errors.push(message);
          emitEvent('failure', { label, message });
        }
      }
      done += 1;
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.min(concurrency, n) }, lane));
  } finally {
    clearInterval(ticker);
  }
  return { failed, errors, succeeded, stoppedEarly };
}

/** Waits until the case has an open task of this type (what an inbox shows), as FlowDriver.openTask does. */
async function openTask(caseNumber: string, type: string, username: string, timeoutMs = 120_000): Promise<{ task: Task; polls: number }> {
  const deadline = Date.now() + timeoutMs;
  let polls = 0;
  let delay = POLL_FIRST_MS;
  while (Date.now() < deadline) {
    polls += 1;
    const response = await as<TaskList | undefined>(username, 'GET', `/api/tasks?state=open&caseId=${caseNumber}`);
    const task = response.body?.items?.find((t) => t.type === type);
    if (task) return { task, polls };
    await sleep(delay);
    delay = Math.min(POLL_MAX_MS, delay * 1.5);
  }
  throw new Error(`no open ${type} task on ${caseNumber} within ${timeoutMs} ms`);
}

type Latencies = Record<string, number[]>;
let lateCaseNumbers = 0;

/** The number of the one case whose subject is `subject`, from GET /api/cases (waits up to a minute for it to be registered). */
async function findCase(subject: string, kind: 'incident' | 'work_request'): Promise<string> {
  lateCaseNumbers += 1;
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    const response = await as<{ items?: Array<{ number: string; subject: string }> }>('ga1', 'GET', `/api/cases?kind=${kind}&q=${encodeURIComponent(subject)}&limit=5`);
    const found = response.body?.items?.find((c) => c.subject === subject);
    if (found) return found.number;
    await sleep(500);
  }
  throw new Error(`no case "${subject}" within a minute`);
}
const push = (latencies: Latencies, name: string, ms: number) => (latencies[name] ??= []).push(ms);

async function postAlert(alert: { hostname: string; alertName: string; severity?: string; detectedAt?: string; summary?: string }): Promise<{ caseNumber: string; joined: boolean; ms: number; postedAt: number }> {
  const postedAt = Date.now();
  const response = await http.request<AlertsBody>('POST', '/api/alerts', {
    token: init.alertToken,
    body: {
      source: 'bench', hostname: alert.hostname, alertName: alert.alertName, severity: alert.severity ?? 'major',
      summary: alert.summary ?? `ベンチマーク: ${alert.alertName}`, detectedAt: alert.detectedAt ?? new Date().toISOString(),
    },
  });
  expectStatus(response, 202, 'POST /api/alerts');
  const result = response.body.results[0];
  // Under saturation the API stops waiting for the case number after 15 s and answers without it:
  // then find the case the way a person would, in the case list (counted as lateCaseNumbers).
  const caseNumber = result.caseNumber ?? (await findCase(`${alert.alertName}: ${alert.hostname}`, 'incident'));
  return { caseNumber, joined: result.joined, ms: response.ms, postedAt };
}

/**
 * Completes a task. A 409 right after the task showed up in the inbox is retried: the task row is
 * written by the activity before the workflow has taken the activity's result, and until then the
 * Update's validator refuses it (counted as `conflictRetries`).
 */
async function complete(username: string, task: Task, body: { outcome: string; data?: Record<string, unknown> }, latencies: Latencies): Promise<CompletionBody> {
  const giveUpAt = Date.now() + 30_000;
  for (;;) {
    const response = await as<CompletionBody | undefined>(username, 'POST', `/api/tasks/${encodeURIComponent(task.id)}/complete`, body);
    if (response.status === 409 && Date.now() < giveUpAt) {
      push(latencies, 'conflictRetries', 1);
      await sleep(CONFLICT_RETRY_MS);
      continue;
    }
    expectStatus(response, 200, `complete ${task.type}`);
    push(latencies, `complete.${task.type}`, response.ms);
    return response.body ?? { status: '', openTasks: [] };
  }
}

const nextOpen = (body: CompletionBody): Task[] => (body.openTasks ?? []).map((t) => ({ ...t, id: t.taskId }));

/** The next task from the completion's answer, or from the inbox if the answer did not list it. */
async function nextTask(open: Task[], caseNumber: string, type: string, username: string, latencies: Latencies): Promise<Task> {
  const found = open.find((t) => t.type === type);
  if (found) return found;
  const { task, polls } = await openTask(caseNumber, type, username);
  push(latencies, 'extraPolls', polls);
  return task;
}

/** One incident from alert to 完了, every step through the API (test/integration/incident-flow.test.ts). */
async function driveIncident(alertName: string, hostname: string, latencies: Latencies): Promise<string> {
  const started = performance.now();
  const alert = await postAlert({ hostname, alertName });
  push(latencies, 'alert', alert.ms);
  const number = alert.caseNumber;
  const first = await openTask(number, 'acknowledge', 'op1');
  push(latencies, 'acknowledgePolls', first.polls);
  let open = nextOpen(await complete('op1', first.task, { outcome: 'on_site' }, latencies));
  open = nextOpen(await complete('op1', await nextTask(open, number, 'triage', 'op1', latencies), {
    outcome: 'resolved', data: { findings: 'ベンチマーク: 再起動で復旧', impactScope: '税務システム', serviceStopped: false },
  }, latencies));
  open = nextOpen(await complete('op1', await nextTask(open, number, 'verify_platform', 'op1', latencies), { outcome: 'ok' }, latencies));
  const request = await nextTask(open, number, 'request_department_verification', 'ga1', latencies);
  const departmentIds = request.suggested?.departmentIds ?? [];
  if (departmentIds.length !== 1) throw new Error(`${number}: expected one suggested department, got ${departmentIds.length}`);
  open = nextOpen(await complete('ga1', request, { outcome: 'requested', data: { departmentIds } }, latencies));
  open = nextOpen(await complete('dept1', await nextTask(open, number, 'department_verification', 'dept1', latencies), { outcome: 'ok' }, latencies));
  const approval = await nextTask(open, number, 'approve_completion', 'ga1', latencies);
  const approved = await complete('ga1', approval, { outcome: 'approved' }, latencies);
  if (approved.status !== 'done') throw new Error(`${number}: approved but status ${approved.status}`);
  push(latencies, 'case', performance.now() - started);
  return number;
}

function takeLate(): number {
  const late = lateCaseNumbers;
  lateCaseNumbers = 0;
  return late;
}

const handlers = {
  async init(args: Init) {
    init = args;
    http = new HttpClient(args.baseUrl);
    random = seededRandom(args.seed);
    for (const user of ['op1', 'ga1', 'dept1']) await token(user);
    const connection = await Connection.connect({ address: args.temporalAddress });
    temporal = new Client({ connection, namespace: args.namespace });
    return { users: [...tokens.keys()] };
  },

  /** Section 1: N incidents alert → 完了 at a fixed number in flight. */
  async incidents(args: { n: number; concurrency: number; tag: string; hostname: string }) {
    const latencies: Latencies = {};
    const startedAt = Date.now();
    const caseNumbers: string[] = [];
    const outcome = await pool(args.n, args.concurrency, `incidents ${args.tag}`, async (i) => {
      caseNumbers.push(await driveIncident(`BenchLoad-${args.tag}-${i}`, args.hostname, latencies));
    });
    return { startedAt, endedAt: Date.now(), completed: caseNumbers.length, ...outcome, latencies, caseNumbers, lateCaseNumbers: takeLate() };
  },

  /** Section 1 baseline: the same number of cases, started and updated through the Temporal client. */
  async baseline(args: { n: number; concurrency: number; tag: string; taskQueue: string; shape: BaselineShape }) {
    const client = temporal!;
    const updates = args.shape.segments.length - 1;
    const latencies: Latencies = {};
    const startedAt = Date.now();
    let completed = 0;
    const outcome = await pool(args.n, args.concurrency, `baseline ${args.tag}`, async (i) => {
      const started = performance.now();
      const workflowId = `bench-baseline-${args.tag}-${i}`;
      const options = { workflowId, taskQueue: args.taskQueue, args: [args.shape] };
      let t = performance.now();
      const handle = args.shape.signalWithStart
        ? await client.workflow.signalWithStart(BASELINE_WORKFLOW, { ...options, signal: BASELINE_SIGNAL, signalArgs: [{}] })
        : await client.workflow.start(BASELINE_WORKFLOW, options);
      push(latencies, 'start', performance.now() - t);
      for (let u = 1; u <= updates; u++) {
        t = performance.now();
        await handle.executeUpdate(BASELINE_UPDATE, { args: [u] });
        push(latencies, `update.${u}`, performance.now() - t);
      }
      push(latencies, 'case', performance.now() - started);
      completed += 1;
    });
    return { startedAt, endedAt: Date.now(), completed, ...outcome, latencies };
  },

  /**
   * Section 2 baseline of the completion: bare workflows whose one Update runs one no-op activity
   * and returns (shape: segment 1 = one activity before the answer). `open` starts them; `update`
   * sends each its Update at a fixed concurrency, timed like the API's completion.
   */
  async baselineUpdateOpen(args: { n: number; concurrency: number; tag: string; taskQueue: string }) {
    const client = temporal!;
    const shape: BaselineShape = {
      signalWithStart: false,
      segments: [
        { beforeReturn: [], afterReturn: [], timersStarted: [], timersCancelled: 0 },
        { beforeReturn: [1], afterReturn: [], timersStarted: [], timersCancelled: 0 },
      ],
    };
    const workflowIds: string[] = [];
    const outcome = await pool(args.n, args.concurrency, `bare update open ${args.tag}`, async (i) => {
      const workflowId = `bench-bare-update-${args.tag}-${i}`;
      await client.workflow.start(BASELINE_WORKFLOW, { workflowId, taskQueue: args.taskQueue, args: [shape] });
      workflowIds.push(workflowId);
    });
    return { workflowIds, ...outcome };
  },

  async baselineUpdateLatency(args: { workflowIds: string[]; concurrency: number; label: string }) {
    const client = temporal!;
    const latencies: number[] = [];
    const startedAt = Date.now();
    const outcome = await pool(args.workflowIds.length, args.concurrency, args.label, async (i) => {
      const t = performance.now();
      await client.workflow.getHandle(args.workflowIds[i]).executeUpdate(BASELINE_UPDATE, { args: [1] });
      latencies.push(performance.now() - t);
    });
    return { latencies, startedAt, endedAt: Date.now(), ...outcome };
  },

  /** Section 2: incidents left with their acknowledge task open, for the completion round trip. */
  async openIncidents(args: { n: number; concurrency: number; tag: string; hostname: string }) {
    const tasks: string[] = [];
    const outcome = await pool(args.n, args.concurrency, `open incidents ${args.tag}`, async (i) => {
      const alert = await postAlert({ hostname: args.hostname, alertName: `BenchOpen-${args.tag}-${i}` });
      tasks.push((await openTask(alert.caseNumber, 'acknowledge', 'op1')).task.id);
    });
    return { tasks, ...outcome };
  },

  /** Section 2: completes the given acknowledge tasks at a fixed concurrency. */
  async completeLatency(args: { tasks: string[]; concurrency: number; label: string }) {
    const latencies: number[] = [];
    const startedAt = Date.now();
    const outcome = await pool(args.tasks.length, args.concurrency, args.label, async (i) => {
      const response = await as('op1', 'POST', `/api/tasks/${encodeURIComponent(args.tasks[i])}/complete`, { outcome: 'on_site' });
      expectStatus(response, 200, `complete ${args.tasks[i]}`);
      latencies.push(response.ms);
    });
    return { latencies, startedAt, endedAt: Date.now(), ...outcome };
  },

  /** Section 2/5: GETs at a fixed concurrency; each call picks one of `requests` at random (seeded). */
  async getLatency(args: { requests: Array<{ label: string; username: string; path: string }>; count: number; concurrency: number; label: string; maxSeconds?: number }) {
    const latencies: Latencies = {};
    let bytes = 0;
    let calls = 0;
    const startedAt = Date.now();
    const outcome = await pool(args.count, args.concurrency, args.label, async () => {
      const pick = args.requests[Math.floor(random() * args.requests.length)];
      const response = await as(pick.username, 'GET', pick.path);
      expectStatus(response, 200, `GET ${pick.path}`);
      bytes += JSON.stringify(response.body).length;
      calls += 1;
      push(latencies, pick.label, response.ms);
    }, (args.maxSeconds ?? Infinity) * 1000);
    return { latencies, startedAt, endedAt: Date.now(), meanBytes: calls ? bytes / calls : 0, ...outcome };
  },

  /** Section 3: alerts one after the other, each a new incident. */
  async alerts(args: { n: number; gapMs: number; tag: string; hostname: string }) {
    const posted: Array<{ caseNumber: string; postedAt: number; ms: number }> = [];
    for (let i = 0; i < args.n; i++) {
      const alert = await postAlert({ hostname: args.hostname, alertName: `BenchMail-${args.tag}-${i}` });
      posted.push({ caseNumber: alert.caseNumber, postedAt: alert.postedAt, ms: alert.ms });
      await sleep(args.gapMs);
    }
    return { posted };
  },

  /** Section 4: incidents detected at the given instants (their on-site SLA falls due a few seconds ahead). */
  async slaBatch(args: { detectedAts: string[]; tag: string; hostname: string; concurrency: number }) {
    const cases: Array<{ index: number; caseNumber: string; dueAt: string | null }> = [];
    const outcome = await pool(args.detectedAts.length, args.concurrency, `sla ${args.tag}`, async (i) => {
      const alert = await postAlert({ hostname: args.hostname, alertName: `BenchSla-${args.tag}-${i}`, detectedAt: args.detectedAts[i] });
      cases.push({ index: i, caseNumber: alert.caseNumber, dueAt: null });
    });
    return { cases, ...outcome };
  },

  async caseDetail(args: { number: string; username?: string }): Promise<unknown> {
    const response = await as<unknown>(args.username ?? 'ga1', 'GET', `/api/cases/${encodeURIComponent(args.number)}`);
    expectStatus(response, 200, `GET /api/cases/${args.number}`);
    return response.body;
  },

  /** Section 5: work requests submitted by a department and accepted by general affairs (R-SLA-3 clock running). */
  async workRequests(args: { n: number; concurrency: number; tag: string }) {
    const latencies: Latencies = {};
    const startedAt = Date.now();
    let accepted = 0;
    const outcome = await pool(args.n, args.concurrency, `work requests ${args.tag}`, async (i) => {
      const subject = `ベンチマーク用VMの払出し ${args.tag}-${i}`;
      const submitted = await as<SubmittedBody>('dept1', 'POST', '/api/work-requests', {
        type: 'vm.provision', subject,
        params: { vmName: `vm-bench-${i % 10_000}`, cpu: 2, memoryGiB: 8, diskGiB: 100, os: 'rhel9', businessSystem: '税務システム' },
      });
      expectStatus(submitted, 201, 'POST /api/work-requests');
      push(latencies, 'submit', submitted.ms);
      const number = submitted.body.caseNumber ?? (await findCase(subject, 'work_request'));
      const { task, polls } = await openTask(number, 'accept_request', 'ga1');
      push(latencies, 'acceptPolls', polls);
      await complete('ga1', task, { outcome: 'accepted' }, latencies);
      accepted += 1;
    });
    return { startedAt, endedAt: Date.now(), accepted, ...outcome, latencies, lateCaseNumbers: takeLate() };
  },

  /** Section 6: the same alert again and again: each joins the open incident (a signal and a record). */
  async joinAlerts(args: { hostname: string; alertName: string; count: number }) {
    let caseNumber = '';
    for (let i = 0; i < args.count; i++) {
      const alert = await postAlert({ hostname: args.hostname, alertName: args.alertName, summary: `繰り返し警報 ${i + 1}` });
      caseNumber = alert.caseNumber;
    }
    return { caseNumber };
  },

  async shutdown() {
    http?.close();
    await temporal?.connection.close();
    setImmediate(() => process.exit(0));
  },
};

serveRpc(handlers);
emitEvent('ready', {});
