/**
 * CPU profiles of one section, taken inside a child process through the inspector: the same
 * .cpuprofile files `node --cpu-prof` writes, but started and stopped around the measured part
 * only. Worker threads (the Temporal worker runs workflow code in one) are profiled too, through
 * the inspector's NodeWorker domain.
 */
import { Session } from 'node:inspector';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

let session: Session | null = null;
const threads = new Map<string, { url: string; title: string }>();
let threadSeq = 0;
const threadPending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function post<T = unknown>(method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => {
    session!.post(method, params ?? {}, (error, result) => (error ? reject(error) : resolve(result as T)));
  });
}

function postToThread<T = unknown>(sessionId: string, method: string, params: object = {}): Promise<T> {
  const id = ++threadSeq;
  return new Promise<T>((resolve, reject) => {
    threadPending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    post('NodeWorker.sendMessageToWorker', { sessionId, message: JSON.stringify({ id, method, params }) }).catch(reject);
  });
}

function connect(): void {
  if (session) return;
  session = new Session();
  session.connect();
  session.on('NodeWorker.attachedToWorker', (message) => {
    const { sessionId, workerInfo } = message.params;
    threads.set(sessionId, { url: workerInfo.url, title: workerInfo.title });
  });
  session.on('NodeWorker.detachedFromWorker', (message) => threads.delete(message.params.sessionId));
  session.on('NodeWorker.receivedMessageFromWorker', (message) => {
    const parsed = JSON.parse(message.params.message) as { id?: number; result?: unknown; error?: { message: string } };
    if (typeof parsed.id !== 'number') return;
    const waiter = threadPending.get(parsed.id);
    if (!waiter) return;
    threadPending.delete(parsed.id);
    if (parsed.error) waiter.reject(new Error(parsed.error.message));
    else waiter.resolve(parsed.result);
  });
}

export async function startProfile(samplingIntervalUs = 1000): Promise<void> {
  connect();
  await post('NodeWorker.enable', { waitForDebuggerOnStart: false });
  await new Promise((r) => setTimeout(r, 100)); // attachedToWorker events arrive asynchronously
  await post('Profiler.enable');
  await post('Profiler.setSamplingInterval', { interval: samplingIntervalUs });
  await post('Profiler.start');
  for (const sessionId of threads.keys()) {
    await postToThread(sessionId, 'Profiler.enable');
    await postToThread(sessionId, 'Profiler.setSamplingInterval', { interval: samplingIntervalUs });
    await postToThread(sessionId, 'Profiler.start');
  }
}

/** Writes `<file>` (main thread) and `<file without .cpuprofile>.thread-N.cpuprofile` per worker thread. */
export async function stopProfile(file: string): Promise<string[]> {
  if (!session) throw new Error('no profile running');
  mkdirSync(dirname(file), { recursive: true });
  const { profile } = await post<{ profile: unknown }>('Profiler.stop');
  writeFileSync(file, JSON.stringify(profile));
  const written = [file];
  let n = 0;
  for (const sessionId of threads.keys()) {
    try {
      const result = await postToThread<{ profile: unknown }>(sessionId, 'Profiler.stop');
      const threadFile = file.replace(/\.cpuprofile$/, '') + `.thread-${++n}.cpuprofile`;
      writeFileSync(threadFile, JSON.stringify(result.profile));
      written.push(threadFile);
    } catch {
      // a thread that started after the profile began has no profile to stop
    }
  }
  return written;
}

/** The profile commands every bench child answers. */
export const profileHandlers = {
  'profile-start': () => startProfile(),
  'profile-stop': ({ file }: { file: string }) => stopProfile(file),
};
