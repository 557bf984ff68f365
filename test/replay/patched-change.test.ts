/**
 * Why the replay test matters, and how a workflow change is made safely: a change to the incident
 * flow made WITHOUT patched() breaks the replay of every incident that already ran, with an
 * explanation an auditor can act on; the same change behind patched() keeps the old histories
 * replaying. The changed code lives only in test/replay/variants/ (test-only bundles); the real
 * workflow code is not touched.
 */
import { bundleWorkflowCode } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { documentFromJson, eventId, summarize } from '../../src/audit-history/history-json';
import { replayHistories, replayHistory, type WorkflowBundleSource } from '../../src/audit-history/replay';

const DIR = join(__dirname, '..', 'histories');
const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { histories: Array<{ file: string; workflowId: string }> };
const load = (file: string) => ({ history: documentFromJson(readFileSync(join(DIR, file), 'utf8').trimEnd()).history, workflowId: manifest.histories.find((h) => h.file === file)!.workflowId });
const all = readdirSync(DIR).filter((f) => f.endsWith('.history.json')).sort().map((file) => ({ file, ...load(file) }));
const incidents = all.filter((h) => summarize(h.history).workflowType === 'incidentWorkflow');
const workRequests = all.filter((h) => summarize(h.history).workflowType === 'workRequestWorkflow');

const quiet = () => undefined;
async function bundle(file: string): Promise<WorkflowBundleSource> {
  const { code } = await bundleWorkflowCode({ workflowsPath: join(__dirname, 'variants', file), logger: { log: quiet, trace: quiet, debug: quiet, info: quiet, warn: quiet, error: console.error } });
  return { code };
}

describe('a workflow change needs patched(): old histories must still replay', () => {
  let unpatched: WorkflowBundleSource;
  let patched: WorkflowBundleSource;

  beforeAll(async () => {
    [unpatched, patched] = await Promise.all([bundle('unpatched-change.workflows.ts'), bundle('patched-change.workflows.ts')]);
  }, 120_000);

  test('the change without patched(): every incident history fails to replay, explained (which event, what the code did instead, what it means)', async () => {
    expect(incidents.length).toBeGreaterThan(0);
    const outcomes = [];
    for await (const outcome of replayHistories(incidents, unpatched)) outcomes.push(outcome);
    expect(outcomes.map((o) => o.ok)).toEqual(incidents.map(() => false));
    for (const [i, outcome] of outcomes.entries()) {
      const problem = outcome.problem!;
      expect(problem.kind).toBe('nondeterminism');
      // The history's first command was the inventory lookup (or, since one-write-per-workflow-task, the marker
      // of the newest incident patch the run took); the changed code starts a timer instead.
      const first = incidents[i].history.events.find((e) => e.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED' || e.eventType === 'EVENT_TYPE_MARKER_RECORDED')!;
      expect(problem.eventId).toBe(eventId(first));
      expect(problem.en).toContain(`At event #${eventId(first)}`);
      if (first.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED') expect(problem.en).toMatch(/timer/i);
      else expect(problem.en).toMatch(/the marker of patched\('(one-write-per-workflow-task|incident-first-task-sooner)'\)/);
      expect(problem.en).toContain('the workflow code has changed since this case ran; a patch() is missing');
      expect(problem.ja).toContain('patched()');
    }
    // The work-request flow did not change: its histories still replay on the same bundle.
    for await (const outcome of replayHistories(workRequests, unpatched)) expect(outcome).toMatchObject({ ok: true, workflowType: 'workRequestWorkflow' });
  });

  test('the same change behind patched(): every committed history still replays', async () => {
    const results = [];
    for await (const outcome of replayHistories(all, patched)) results.push(outcome);
    expect(results.map((r) => [r.workflowType, r.ok, r.problem?.en])).toEqual(all.map((h) => [summarize(h.history).workflowType, true, undefined]));
    const single = await replayHistory(incidents[0], patched);
    expect(single).toMatchObject({ ok: true, workflowType: 'incidentWorkflow', eventCount: incidents[0].history.events.length });
    expect(single.durationMs).toBeGreaterThanOrEqual(0);
  });
});
