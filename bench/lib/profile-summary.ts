/**
 * Summarises a V8 .cpuprofile: self time by package (node_modules/<name>, node internals, the
 * project's own code, GC) and the hottest functions. Usable on its own:
 *   node dist/bench/lib/profile-summary.js bench/results/<run>/profiles/*.cpuprofile
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  hitCount?: number;
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples?: number[];
  timeDeltas?: number[];
  startTime: number;
  endTime: number;
}

export interface ProfileSummary {
  file: string;
  wallMs: number;
  /** Sampled time that was not idle. */
  busyMs: number;
  byPackage: Array<{ name: string; ms: number; share: number }>;
  topFunctions: Array<{ name: string; where: string; ms: number; share: number }>;
}

export function packageOf(url: string, functionName: string): string {
  if (!url) {
    if (functionName === '(garbage collector)') return '(gc)';
    if (functionName === '(idle)') return '(idle)';
    if (functionName === '(program)') return '(program: native, not JS)';
    return '(native)';
  }
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0].startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
  }
  if (url.startsWith('node:')) return 'node (runtime)';
  const project = /\/dist\/(src|activities|workflows|bench)\//.exec(url);
  if (project) return `opsdesk ${project[1]}/`;
  if (/workflow-bundle|workflows\.js|opsdesk-workflows/.test(url)) return 'workflow bundle';
  return url.replace(/^file:\/\//, '').split('/').slice(-2).join('/');
}

export function summariseProfile(file: string, top = 15): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const selfMs = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  for (let i = 0; i < samples.length; i++) {
    const ms = (deltas[i + 1] ?? deltas[i] ?? 0) / 1000;
    selfMs.set(samples[i], (selfMs.get(samples[i]) ?? 0) + ms);
  }
  const packages = new Map<string, number>();
  const functions = new Map<string, { name: string; where: string; ms: number }>();
  let idle = 0;
  let total = 0;
  for (const [id, ms] of selfMs) {
    const node = byId.get(id);
    if (!node) continue;
    const { functionName, url, lineNumber } = node.callFrame;
    total += ms;
    const pkg = packageOf(url, functionName);
    if (pkg === '(idle)') {
      idle += ms;
      continue;
    }
    packages.set(pkg, (packages.get(pkg) ?? 0) + ms);
    const where = url ? `${url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${lineNumber + 1}` : '';
    const key = `${functionName}@${where}`;
    const entry = functions.get(key) ?? { name: functionName || '(anonymous)', where, ms: 0 };
    entry.ms += ms;
    functions.set(key, entry);
  }
  const busy = total - idle;
  const share = (ms: number) => (busy > 0 ? Math.round((ms / busy) * 1000) / 10 : 0);
  return {
    file,
    wallMs: (profile.endTime - profile.startTime) / 1000,
    busyMs: Math.round(busy),
    byPackage: [...packages.entries()].sort((a, b) => b[1] - a[1]).slice(0, top).map(([name, ms]) => ({ name, ms: Math.round(ms), share: share(ms) })),
    topFunctions: [...functions.values()].sort((a, b) => b.ms - a.ms).slice(0, top).map((f) => ({ ...f, ms: Math.round(f.ms), share: share(f.ms) })),
  };
}

if (require.main === module) {
  for (const file of process.argv.slice(2)) {
    const summary = summariseProfile(file);
    console.log(`\n${file}: ${summary.busyMs} ms busy of ${Math.round(summary.wallMs)} ms`);
    for (const p of summary.byPackage) console.log(`  ${String(p.share).padStart(5)} %  ${p.name}`);
    console.log('  hottest functions:');
    for (const f of summary.topFunctions) console.log(`  ${String(f.share).padStart(5)} %  ${f.name}  ${f.where}`);
  }
}
