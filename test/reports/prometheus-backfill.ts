import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { freePort } from '../../src/embedded/ports';
import { monitoringToolPath } from '../../src/monitoring/binaries';

/**
 * For the report's gathering tests: a real Prometheus on 127.0.0.1 whose TSDB holds a day of
 * node_exporter and snmp_exporter series written with `promtool tsdb create-blocks-from
 * openmetrics` (15 s apart, as opsdesk's scrape jobs label them: job="node" / job="snmp",
 * hostname from the inventory).
 *
 * The day starting at `start` (epoch seconds, 00:00 JST), by hand (5-minute points, 288 a day):
 * - `vm` CPU: one CPU whose idle counter grows 0.7 s a second → 30 % all day (peak 30).
 * - `vm` memory: 8 GiB, 6 GiB available (25 % used) except 10:00–11:00 JST, 2 GiB (75 %):
 *   12 of 288 points at 75 % → average 25 + 12 × 50 / 288 = 27.083…, peak 75.
 * - `vm` disk: / 60 % used, /data 30 %, a tmpfs 99 % (not a disk) → 60 (the fullest disk).
 * - `sw` eth0: in +1,000 octets every 15 s → 5,758 steps seen from 00:00:15 to 23:59:45, extrapolated
 *   by Prometheus to the whole day: 5,760,000; out +250 → 1,440,000.
 */
export function dayOfSeries(start: number, vm: string, sw: string): string {
  const GiB = 1024 ** 3;
  const families = new Map<string, string[]>();
  const add = (name: string, labels: string, value: number, t: number) => {
    if (!families.has(name)) families.set(name, []);
    families.get(name)!.push(`${name}{${labels}} ${value} ${t}`);
  };
  // Samples up to 23:59:45: a backfill has no staleness markers, so a sample at 24:00 would still be seen (5-minute
  // lookback) by the next day's first point.
  for (let k = 1; k < 5760; k += 1) {
    const t = start + 15 * k;
    const node = `job="node",hostname="${vm}",instance="${vm}"`;
    add('node_cpu_seconds_total', `${node},cpu="0",mode="idle"`, 1_000_000 + 0.7 * 15 * k, t);
    add('node_memory_MemTotal_bytes', node, 8 * GiB, t);
    add('node_memory_MemAvailable_bytes', node, k >= 2400 && k < 2640 ? 2 * GiB : 6 * GiB, t);
    for (const [mount, fstype, size, avail] of [['/', 'ext4', 100, 40], ['/data', 'xfs', 200, 140], ['/run', 'tmpfs', 1, 0.01]] as const) {
      const fs = `${node},device="d${mount}",fstype="${fstype}",mountpoint="${mount}"`;
      add('node_filesystem_size_bytes', fs, size * GiB, t);
      add('node_filesystem_avail_bytes', fs, avail * GiB, t);
    }
    const snmp = `job="snmp",hostname="${sw}",instance="${sw}",ifIndex="2",ifName="eth0"`;
    add('ifHCInOctets', snmp, 5_000_000 + 1000 * k, t);
    add('ifHCOutOctets', snmp, 9_000_000 + 250 * k, t);
  }
  // OpenMetrics wants each metric family's samples together, with its type once.
  const text: string[] = [];
  for (const [name, lines] of families) {
    const counter = name.endsWith('_total');
    text.push(`# TYPE ${counter ? name.slice(0, -'_total'.length) : name} ${counter ? 'counter' : 'gauge'}`, ...lines);
  }
  text.push('# EOF');
  return `${text.join('\n')}\n`;
}

export interface BackfilledPrometheus {
  url: string;
  stop(): Promise<void>;
}

/** Writes the series into a TSDB under `dir` and starts Prometheus on it (127.0.0.1, a free port). */
export async function startBackfilledPrometheus(dir: string, openMetrics: string): Promise<BackfilledPrometheus> {
  writeFileSync(join(dir, 'input.om'), openMetrics);
  execFileSync(monitoringToolPath('promtool'), ['tsdb', 'create-blocks-from', 'openmetrics', join(dir, 'input.om'), join(dir, 'data')], { stdio: 'ignore' });
  writeFileSync(join(dir, 'prometheus.yml'), 'global:\n  scrape_interval: 15s\n');
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const prometheus: ChildProcess = spawn(monitoringToolPath('prometheus'), [
    `--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`,
    '--storage.tsdb.retention.time=400d',
  ], { stdio: 'ignore' });
  const stop = async () => {
    if (prometheus.exitCode !== null || prometheus.signalCode !== null) return;
    const exited = new Promise((resolve) => prometheus.once('exit', resolve));
    prometheus.kill('SIGTERM');
    await exited;
  };
  for (let i = 0; ; i += 1) {
    const ready = await fetch(`${url}/-/ready`).then((r) => r.ok).catch(() => false);
    if (ready) break;
    if (i > 150) {
      await stop();
      throw new Error('Prometheus did not get ready');
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  return { url, stop };
}
