/**
 * Workflow stack traces during a replay: not needed, and a quarter of its CPU.
 *
 * The TypeScript SDK (1.24) installs, once per thread that runs workflow code, a V8 promise hook
 * that records a stack trace for every promise the workflow creates (what the `__stack_trace`
 * query answers), and an `Error.prepareStackTrace` that source-maps workflow errors. A replay
 * worker runs workflow code in the calling process's main thread (`debugMode`), so the hook taxes
 * every promise of every replayed workflow. Nothing a replay reports needs it: a replay answers
 * no queries, and an outcome is explained from the SDK's error message (replay.ts).
 *
 * Neither `WorkerOptions` nor `ReplayWorkerOptions` can turn it off (`showStackTraceSources` only
 * adds the sources to the query's answer; `reuseV8Context` is on already). The hook is installed
 * by the SDK's `globalHandlers.install()` (worker/lib/workflow/vm-shared.js), which does nothing
 * when `installed` is set. So before a replay worker is created this marks the handlers as
 * installed without installing them, and workflows then run with `stackTracesEnabled: false`.
 * Real workers are unaffected: they run workflows in worker threads, each with its own handlers.
 *
 * SDK internals: if a future SDK moves or renames them, this does nothing (stack traces stay on,
 * replays stay correct, only slower) and `replayStackTraces()` says so.
 */

interface SdkGlobalHandlers {
  installed: boolean;
  promiseHookInstalled: boolean;
  install(): void;
  uninstall(): void;
}

function sdkHandlers(): SdkGlobalHandlers | null {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const handlers = (require('@temporalio/worker/lib/workflow/vm-shared') as { globalHandlers?: Partial<SdkGlobalHandlers> }).globalHandlers;
    if (handlers && typeof handlers.installed === 'boolean' && typeof handlers.install === 'function' && typeof handlers.uninstall === 'function') {
      return handlers as SdkGlobalHandlers;
    }
  } catch {
    // not this SDK layout
  }
  return null;
}

let disabled = false;

/**
 * Turns the SDK's workflow stack-trace hook off (false) or back to the SDK's default (true) for
 * replay workers created afterwards in this process. Returns whether it could.
 */
export function setReplayStackTraces(enabled: boolean): boolean {
  const handlers = sdkHandlers();
  if (!handlers) return false;
  if (enabled) {
    if (disabled) {
      handlers.installed = false; // the next replay worker installs them, as the SDK does
      disabled = false;
    }
    return true;
  }
  if (disabled) return true;
  if (handlers.installed) handlers.uninstall();
  handlers.installed = true;
  handlers.promiseHookInstalled = false;
  disabled = true;
  return true;
}

/** Whether replays in this process record workflow stack traces (the SDK's default) or not. */
export function replayStackTraces(): 'off' | 'sdk-default' {
  return disabled ? 'off' : 'sdk-default';
}
