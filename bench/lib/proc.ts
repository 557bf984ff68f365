/**
 * Linux /proc readers: resident memory of a process, CPU time of process trees, machine CPU.
 * Everything degrades to `null` where /proc is missing, so the bench still runs elsewhere.
 */
import { readdirSync, readFileSync } from 'node:fs';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

interface StatLine {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime + cutime + cstime, in seconds. */
  cpuSeconds: number;
}

function readStat(pid: number): StatLine | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const open = text.indexOf('(');
    const close = text.lastIndexOf(')');
    const comm = text.slice(open + 1, close);
    const fields = text.slice(close + 2).split(' ');
    // fields[0] is state (field 3); utime is field 14 → index 11.
    const ppid = Number(fields[1]);
    const ticks = Number(fields[11]) + Number(fields[12]) + Number(fields[13]) + Number(fields[14]);
    return { pid, comm, ppid, cpuSeconds: ticks / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

function allStats(): StatLine[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return [];
  }
  const out: StatLine[] = [];
  for (const name of entries) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readStat(Number(name));
    if (stat) out.push(stat);
  }
  return out;
}

/** VmRSS of a process in bytes. */
export function rssBytes(pid: number): number | null {
  try {
    const match = /VmRSS:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** VmHWM (peak resident memory) of a process in bytes. */
export function peakRssBytes(pid: number): number | null {
  try {
    const match = /VmHWM:\s+(\d+)\s+kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

/** Sum of resident memory over a process tree (PostgreSQL: postmaster and backends share memory, so this over-counts shared buffers). */
export function treeRssBytes(rootPid: number): number | null {
  const stats = allStats();
  const pids = descendants(stats, rootPid);
  let total = 0;
  for (const pid of [rootPid, ...pids]) total += rssBytes(pid) ?? 0;
  return total || null;
}

function descendants(stats: StatLine[], root: number): number[] {
  const children = new Map<number, number[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const out: number[] = [];
  const stack = [...(children.get(root) ?? [])];
  while (stack.length) {
    const pid = stack.pop()!;
    out.push(pid);
    stack.push(...(children.get(pid) ?? []));
  }
  return out;
}

/** A named group of processes whose CPU time is followed: a root process and all it started. */
export interface ProcessGroup {
  name: string;
  pid: number;
}

/**
 * CPU seconds per group, each group being its root and every live descendant (dead, reaped
 * descendants are in the root's cutime/cstime). Groups are disjoint: a group's subtree stops at
 * another group's root.
 */
export function cpuSecondsByGroup(groups: ProcessGroup[]): Record<string, number> {
  const stats = allStats();
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  const roots = new Set(groups.map((g) => g.pid));
  const children = new Map<number, number[]>();
  for (const s of stats) {
    const list = children.get(s.ppid) ?? [];
    list.push(s.pid);
    children.set(s.ppid, list);
  }
  const out: Record<string, number> = {};
  for (const group of groups) {
    let total = 0;
    const stack = [group.pid];
    while (stack.length) {
      const pid = stack.pop()!;
      const stat = byPid.get(pid);
      if (!stat) continue;
      total += stat.cpuSeconds;
      for (const child of children.get(pid) ?? []) if (!roots.has(child)) stack.push(child);
    }
    out[group.name] = total;
  }
  return out;
}

/** The first descendant of `root` whose command name matches (e.g. the postmaster, the Temporal server). */
export function findDescendant(root: number, comm: RegExp): number | null {
  const stats = allStats();
  const byPid = new Map(stats.map((s) => [s.pid, s]));
  for (const pid of descendants(stats, root)) if (comm.test(byPid.get(pid)?.comm ?? '')) return pid;
  return null;
}

/** Machine-wide CPU: busy and total seconds over all cores since boot. */
export function machineCpu(): { busy: number; total: number; iowait: number } | null {
  try {
    const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const values = line.trim().split(/\s+/).slice(1).map(Number);
    const [user, nice, system, idle, iowait, irq, softirq, steal] = values;
    const busy = user + nice + system + irq + softirq + steal;
    return { busy: busy / TICKS_PER_SECOND, total: (busy + idle + iowait) / TICKS_PER_SECOND, iowait: iowait / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

/** CPU accounting between two instants. */
export class CpuMeter {
  private readonly startGroups: Record<string, number>;
  private readonly startMachine: { busy: number; total: number; iowait: number } | null;
  private readonly startedAt = Date.now();

  constructor(private readonly groups: () => ProcessGroup[]) {
    this.startGroups = cpuSecondsByGroup(groups());
    this.startMachine = machineCpu();
  }

  /**
   * CPU seconds used per group since the start, the machine's busy share (0..1 of all cores), and
   * the CPU seconds of processes that are not the bench's (other work on the machine: noise).
   */
  read(): { wallSeconds: number; cpuSeconds: Record<string, number>; machineBusyShare: number | null; machineIowaitShare: number | null; foreignCpuSeconds: number | null } {
    const now = cpuSecondsByGroup(this.groups());
    const cpuSeconds: Record<string, number> = {};
    for (const [name, value] of Object.entries(now)) cpuSeconds[name] = Math.max(0, value - (this.startGroups[name] ?? 0));
    const machine = machineCpu();
    const ours = Object.values(cpuSeconds).reduce((a, b) => a + b, 0);
    const valid = machine && this.startMachine && machine.total > this.startMachine.total;
    return {
      wallSeconds: (Date.now() - this.startedAt) / 1000,
      cpuSeconds,
      machineBusyShare: valid ? (machine.busy - this.startMachine.busy) / (machine.total - this.startMachine.total) : null,
      machineIowaitShare: valid ? (machine.iowait - this.startMachine.iowait) / (machine.total - this.startMachine.total) : null,
      foreignCpuSeconds: valid ? Math.max(0, machine.busy - this.startMachine.busy - ours) : null,
    };
  }
}

/** CPU seconds per thread name (comm) inside one process: JS main thread, workflow threads, GC, libuv pool, Rust core ... */
export function threadCpu(pid: number): Record<string, number> {
  const out: Record<string, number> = {};
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const text = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      const comm = text.slice(text.indexOf('(') + 1, text.lastIndexOf(')'));
      const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
      const seconds = (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
      const name = Number(tid) === pid ? 'main' : comm;
      out[name] = (out[name] ?? 0) + seconds;
    } catch {
      // the thread ended
    }
  }
  return out;
}
