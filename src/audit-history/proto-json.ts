/**
 * History ⇄ JSON, exactly as `historyToJSON` / `historyFromJSON` of @temporalio/common/lib/proto-utils
 * (the form `temporal workflow show --output json` writes), but robust to how npm lays out
 * protobufjs: proto-utils takes protojson from @temporalio/common's copy of protobufjs and the
 * message types from @temporalio/proto's; when the two packages get separate nested copies (another
 * dependency pins a different protobufjs at the top level), protojson rejects the types ("type must
 * be a Type"). Here both come from the one copy @temporalio/proto itself uses.
 */
import * as proto from '@temporalio/proto';
import { patchProtobufRoot } from '@temporalio/proto/lib/patch-protobuf-root';
import { dirname } from 'node:path';

type History = proto.temporal.api.history.v1.IHistory;

interface ProtoJson {
  toJson(type: unknown, message: unknown): unknown;
  fromJson(type: unknown, json: unknown, options?: { ignoreUnknownFields?: boolean }): unknown;
}

interface LookupRoot {
  lookupType(name: string): unknown;
}

let loaded: { protojson: ProtoJson; historyType: unknown } | undefined;

function load() {
  if (loaded) return loaded;
  const protoDir = dirname(require.resolve('@temporalio/proto/package.json'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const protojson = require(require.resolve('protobufjs/ext/protojson', { paths: [protoDir] })) as ProtoJson;
  const patched = patchProtobufRoot(proto as unknown as Record<string, unknown>) as unknown as LookupRoot;
  loaded = { protojson, historyType: patched.lookupType('temporal.api.history.v1.History') };
  return loaded;
}

/** The JSON text of a history (two-space indented, like the SDK and the CLI). */
export function historyToJson(history: History): string {
  const { protojson, historyType } = load();
  const json = protojson.toJson(historyType, proto.temporal.api.history.v1.History.fromObject(history));
  return JSON.stringify(json, null, 2);
}

/** The History message of a JSON history (also accepts the older PascalCase enum names). */
export function historyFromJson(history: unknown): History {
  const { protojson, historyType } = load();
  if (typeof history !== 'object' || history === null || !Array.isArray((history as { events?: unknown }).events)) {
    throw new TypeError('Invalid history, expected an object with an array of events');
  }
  const fixed = { events: (history as { events: Array<Record<string, unknown>> }).events.map(fixHistoryEvent) };
  const message = protojson.fromJson(historyType, fixed, { ignoreUnknownFields: true });
  if (!message) throw new TypeError('Invalid history');
  return message;
}

function constantCase(value: string): string {
  return value.replace(/[^\b][A-Z]/g, (m) => `${m[0]}_${m[1]}`).toUpperCase();
}

function fixEnum(obj: Record<string, unknown>, attr: string, prefix: string): Record<string, unknown> | undefined {
  const value = obj[attr];
  if (typeof value !== 'string') return undefined;
  return { [attr]: value.startsWith(prefix) ? value : `${prefix}_${constantCase(value)}` };
}

function fixHistoryEvent(event: Record<string, unknown>): Record<string, unknown> {
  const key = Object.keys(event).find((k) => k.endsWith('EventAttributes'));
  if (!key) throw new TypeError(`Missing attributes in history event: ${JSON.stringify(event)}`);
  const attrs = (event[key] ?? {}) as Record<string, unknown>;
  const taskQueue = attrs.taskQueue as Record<string, unknown> | undefined;
  const childInfo = attrs.childWorkflowExecutionFailureInfo as Record<string, unknown> | undefined;
  return {
    ...event,
    ...fixEnum(event, 'eventType', 'EVENT_TYPE'),
    [key]: {
      ...attrs,
      ...(taskQueue && { taskQueue: { ...taskQueue, ...fixEnum(taskQueue, 'kind', 'TASK_QUEUE_KIND') } }),
      ...fixEnum(attrs, 'parentClosePolicy', 'PARENT_CLOSE_POLICY'),
      ...fixEnum(attrs, 'workflowIdReusePolicy', 'WORKFLOW_ID_REUSE_POLICY'),
      ...fixEnum(attrs, 'initiator', 'CONTINUE_AS_NEW_INITIATOR'),
      ...fixEnum(attrs, 'retryState', 'RETRY_STATE'),
      ...(childInfo && { childWorkflowExecutionFailureInfo: { ...childInfo, ...fixEnum(childInfo, 'retryState', 'RETRY_STATE') } }),
    },
  };
}
