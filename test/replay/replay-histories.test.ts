/**
 * Replay in CI: every committed history under test/histories/ (every workflow type, every path
 * that matters) must replay against the current workflow code, so a change that breaks
 * determinism fails `npm test`. Recapture with `npm run histories:capture` when a change is
 * deliberate AND no case of the old code can still be running (otherwise: patched()).
 */
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { attributesOf, decodePayloads, documentFromJson, summarize, type JsonPayloads } from '../../src/audit-history/history-json';
import { historyFromJson } from '../../src/audit-history/proto-json';
import { explainReplayFailure } from '../../src/audit-history/replay';
import { pathFeatures, REQUIRED_PATHS, type PathFeature } from './history-features';
import { WORKFLOW_TYPE } from '../../workflows/shared/contracts';

const DIR = join(__dirname, '..', 'histories');

interface ManifestEntry {
  file: string;
  name: string;
  workflowType: string;
  workflowId: string;
  eventCount: number;
  closeStatus: string;
  sha256: string;
  paths: string[];
}

const manifest = JSON.parse(readFileSync(join(DIR, 'manifest.json'), 'utf8')) as { capturedAt: string; histories: ManifestEntry[] };
const files = readdirSync(DIR).filter((f) => f.endsWith('.history.json')).sort();
const histories = files.map((file) => {
  const document = documentFromJson(readFileSync(join(DIR, file), 'utf8').trimEnd());
  return { file, document, entry: manifest.histories.find((h) => h.file === file) };
});

describe('committed workflow histories replay against the current workflow code', () => {
  test('every history file is listed in manifest.json with its checksum, and every listed file exists', () => {
    expect(files.length).toBeGreaterThan(0);
    expect(manifest.histories.map((h) => h.file).sort()).toEqual(files);
    for (const { file, document, entry } of histories) {
      expect({ file, sha256: document.sha256 }).toEqual({ file, sha256: entry!.sha256 });
      expect(summarize(document.history)).toMatchObject({ closeStatus: entry!.closeStatus, workflowType: entry!.workflowType, eventCount: entry!.eventCount });
    }
  });

  test('every workflow type the worker registers (workflows/index.ts) has committed histories', () => {
    // The contracts' table of workflow types is, checked at compile time, what workflows/index.ts registers.
    const registered = Object.keys(WORKFLOW_TYPE).sort();
    const captured = [...new Set(histories.map((h) => summarize(h.document.history).workflowType))].sort();
    const missing = registered.filter((type) => !captured.includes(type));
    // A new workflow type: add its scenarios to test/histories/scenarios.ts and run `npm run histories:capture`.
    expect({ missing }).toEqual({ missing: [] });
    expect(Object.keys(REQUIRED_PATHS).sort()).toEqual(registered);
  });

  test('every path that matters is covered (read from the histories themselves)', () => {
    const covered = new Map<string, Set<PathFeature>>();
    for (const { document } of histories) {
      const type = summarize(document.history).workflowType;
      const set = covered.get(type) ?? new Set<PathFeature>();
      for (const feature of pathFeatures(document.history)) set.add(feature);
      covered.set(type, set);
    }
    for (const [type, required] of Object.entries(REQUIRED_PATHS)) {
      const missing = required.filter((p) => !covered.get(type)?.has(p));
      expect({ type, missing }).toEqual({ type, missing: [] });
    }
  });

  test('R-FLOW-1 / issue 20: a new incident opens its on-site task three activities after the alert (asset and calendar side by side, the registration, then the task beside the first e-mail)', () => {
    const { document } = histories.find((h) => h.entry?.name === 'incident-alert-resolved-on-site')!;
    const scheduled = document.history.events
      .filter((event) => event.eventType === 'EVENT_TYPE_ACTIVITY_TASK_SCHEDULED')
      .map((event) => {
        const attributes = attributesOf(event) as { activityType?: { name?: string }; input?: JsonPayloads; workflowTaskCompletedEventId?: string };
        return { type: attributes.activityType?.name, input: decodePayloads(attributes.input), workflowTask: attributes.workflowTaskCompletedEventId };
      });
    const opensOnSiteTask = (input: unknown[]) =>
      ((input[0] as { events?: Array<{ openTasks?: Array<{ type: string }> }> })?.events ?? []).some((e) => e.openTasks?.some((t) => t.type === 'acknowledge'));
    const taskWrite = scheduled.findIndex((a) => a.type === 'recordCaseEvents' && opensOnSiteTask(a.input));
    const taskWorkflowTask = scheduled[taskWrite].workflowTask;
    const before = scheduled.slice(0, taskWrite).filter((a) => a.workflowTask !== taskWorkflowTask);
    expect(before.map((a) => a.type)).toEqual(['lookupAsset', 'planSla', 'registerCase']);
    expect(before[0].workflowTask).toBe(before[1].workflowTask);
    // Beside the task's write, in the same workflow task: the received e-mail (and the SLA's notice times).
    expect(scheduled.filter((a) => a.workflowTask === taskWorkflowTask).map((a) => a.type).sort()).toEqual(['recordCaseEvents', 'sendCaseMail', 'slaCheckpoints']);
  });

  test('Worker.runReplayHistories: all of them replay (bundle of the current code)', async () => {
    const bundlePath = process.env.OPSDESK_TEST_WORKFLOW_BUNDLE;
    if (!bundlePath) throw new Error('OPSDESK_TEST_WORKFLOW_BUNDLE is not set: run with jest (global setup bundles the workflows)');
    const t0 = Date.now();
    const failures: string[] = [];
    let replayed = 0;
    const inputs = histories.map(({ document, entry }) => ({ history: historyFromJson(document.history), workflowId: entry!.workflowId }));
    for await (const result of Worker.runReplayHistories({ workflowBundle: { codePath: bundlePath }, replayName: 'ci-replay' }, inputs)) {
      const { file, document } = histories[replayed++];
      if (result.error) failures.push(`${file}: ${explainReplayFailure(result.error, document.history).en}`);
    }
    expect(replayed).toBe(histories.length);
    expect(failures).toEqual([]);
    const events = histories.reduce((n, h) => n + h.document.history.events.length, 0);
    console.log(`[replay] ${histories.length} histories, ${events} events replayed in ${Date.now() - t0} ms (captured ${manifest.capturedAt})`);
  });
});
