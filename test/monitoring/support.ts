/**
 * For the monitoring tests: a real Prometheus, Alertmanager and blackbox_exporter next to the test
 * system, and a "device" that is an address inside a network namespace the test makes (a veth
 * pair whose device end it can take down) and deletes afterwards, even on failure. Traffic goes
 * only to 127.0.0.1 and to that namespace.
 */
import { eventually } from '../support/eventually';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../../src/embedded/ports';
import { missingMonitoringTools } from '../../src/monitoring/binaries';
import { startMonitoringStack, type RunningStack } from '../../src/monitoring/stack';
import { startTestSystem, type TestSystem } from '../support/test-system';

export interface MonitoredSystem {
  system: TestSystem;
  stack: RunningStack;
  dir: string;
  close(): Promise<void>;
}

export const SCRAPE_SECONDS = 1;
export const EVALUATION_SECONDS = 1;

export function monitoringToolsMissing(): string | null {
  const missing = missingMonitoringTools();
  return missing.length ? missing.map((t) => `${t.name} (${t.override})`).join(', ') : null;
}

export async function startMonitoredSystem(options: { probeNetworks?: string; snmp?: boolean } = {}): Promise<MonitoredSystem> {
  const dir = mkdtempSync(join(process.env.OPSDESK_TEST_SCRATCH ?? tmpdir(), 'monitoring-'));
  const ports = { prometheus: await freePort(), alertmanager: await freePort(), blackbox: await freePort(), snmp: options.snmp ? await freePort() : undefined };
  const system = await startTestSystem({
    env: {
      PROMETHEUS_URL: `http://127.0.0.1:${ports.prometheus}`,
      ALERTMANAGER_URL: `http://127.0.0.1:${ports.alertmanager}`,
      OPSDESK_MONITORING_DIR: dir,
      // Inventory changes reach the targets by PostgreSQL's announcement alone: the fallback poll is 10 minutes away.
      MONITORING_SYNC_INTERVAL_MS: '600000',
      MONITORING_STATE_INTERVAL_MS: '500',
      MONITORING_PROBE_NETWORKS: options.probeNetworks ?? '127.0.0.0/8',
      ...(ports.snmp ? { SNMP_EXPORTER_URL: `http://127.0.0.1:${ports.snmp}` } : {}),
    },
  });
  let stack: RunningStack;
  try {
    stack = await startMonitoringStack({
      dir, opsdeskUrl: system.baseUrl, ports, scrapeIntervalSeconds: SCRAPE_SECONDS, evaluationIntervalSeconds: EVALUATION_SECONDS,
      groupIntervalSeconds: 1, // group_wait: the default, 0 s
    });
  } catch (error) {
    await system.close();
    rmSync(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    system, stack, dir,
    close: async () => {
      await stack.stop();
      await system.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function prometheusApi<T = any>(stack: RunningStack, path: string): Promise<T> {
  const response = await fetch(`${stack.prometheusUrl}${path}`);
  if (!response.ok) throw new Error(`Prometheus ${path}: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { data: T }).data;
}


/** A device at `10.213.<n>.2` inside its own network namespace, reached over a veth pair. */
export interface NamespacedDevice {
  address: string;
  namespace: string;
  linkDown(): void;
  linkUp(): void;
  remove(): void;
}

const ip = (...args: string[]) => execFileSync('ip', args, { stdio: ['ignore', 'pipe', 'pipe'] });

export function createNamespacedDevice(): NamespacedDevice {
  const n = 1 + Math.floor(Math.random() * 250);
  const tag = `${process.pid % 10000}${n}`.slice(-6);
  const namespace = `odmon-${tag}`;
  const hostSide = `odh${tag}`;
  const deviceSide = `odd${tag}`;
  const address = `10.213.${n}.2`;
  const remove = () => {
    try { ip('netns', 'del', namespace); } catch { /* gone */ }
    try { ip('link', 'del', hostSide); } catch { /* gone with the namespace */ }
  };
  try {
    ip('netns', 'add', namespace);
    ip('link', 'add', hostSide, 'type', 'veth', 'peer', 'name', deviceSide);
    ip('link', 'set', deviceSide, 'netns', namespace);
    ip('addr', 'add', `10.213.${n}.1/30`, 'dev', hostSide);
    ip('link', 'set', hostSide, 'up');
    ip('netns', 'exec', namespace, 'ip', 'addr', 'add', `${address}/30`, 'dev', deviceSide);
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', 'lo', 'up');
    ip('netns', 'exec', namespace, 'ip', 'link', 'set', deviceSide, 'up');
  } catch (error) {
    remove();
    throw error;
  }
  return {
    address,
    namespace,
    linkDown: () => ip('netns', 'exec', namespace, 'ip', 'link', 'set', deviceSide, 'down'),
    linkUp: () => ip('netns', 'exec', namespace, 'ip', 'link', 'set', deviceSide, 'up'),
    remove,
  };
}

/** A "VM"'s agents on 127.0.0.1: node_exporter (service state from its textfile collector) and mtail on one log file. */
export interface VmAgents {
  nodeExporterPort: number;
  mtailPort: number;
  /** Writes the state node_exporter's systemd collector would report for a unit. */
  setService(name: string, active: boolean): void;
  /** Appends lines to the watched log. */
  log(...lines: string[]): void;
  stop(): Promise<void>;
}

/**
 * The sandbox has no systemd, so the unit state comes through node_exporter's textfile collector
 * under the metric name its systemd collector uses (node_systemd_unit_state{name,state}).
 */
export async function startVmAgents(dir: string): Promise<VmAgents> {
  const { spawn } = await import('node:child_process');
  const { appendFileSync, mkdirSync, renameSync, writeFileSync } = await import('node:fs');
  const { monitoringToolPath } = await import('../../src/monitoring/binaries');
  const { ERROR_LINES_MTAIL_PROGRAM } = await import('../../src/monitoring/agents-config');
  const textDir = join(dir, 'textfile');
  const progDir = join(dir, 'mtail');
  const logFile = join(dir, 'app.log');
  mkdirSync(textDir, { recursive: true });
  mkdirSync(progDir, { recursive: true });
  writeFileSync(join(progDir, 'opsdesk-errors.mtail'), ERROR_LINES_MTAIL_PROGRAM);
  writeFileSync(logFile, 'started\n');
  const units = new Map<string, boolean>();
  const setService = (name: string, active: boolean) => {
    units.set(name, active);
    const lines = [...units].flatMap(([unit, on]) => ['active', 'inactive', 'failed'].map((state) => `node_systemd_unit_state{name="${unit}",state="${state}",type="service"} ${(state === 'active') === on ? 1 : 0}`));
    writeFileSync(join(textDir, 'units.prom.tmp'), `${lines.join('\n')}\n`);
    renameSync(join(textDir, 'units.prom.tmp'), join(textDir, 'units.prom'));
  };
  const nodeExporterPort = await freePort();
  const mtailPort = await freePort();
  const children = [
    spawn(monitoringToolPath('node_exporter'), [`--web.listen-address=127.0.0.1:${nodeExporterPort}`, '--collector.disable-defaults', '--collector.cpu', '--collector.meminfo', '--collector.filesystem', '--collector.textfile', `--collector.textfile.directory=${textDir}`, '--log.level=warn'], { stdio: 'ignore' }),
    spawn(monitoringToolPath('mtail'), ['-progs', progDir, '-logs', logFile, '-address', '127.0.0.1', '-port', String(mtailPort), '-poll_interval', '250ms', '-logtostderr'], { stdio: 'ignore' }),
  ];
  const stop = async () => {
    await Promise.all(children.map((child) => new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    })));
  };
  try {
    await eventually('node_exporter', async () => (await fetch(`http://127.0.0.1:${nodeExporterPort}/metrics`)).ok, 15_000);
    await eventually('mtail', async () => (await fetch(`http://127.0.0.1:${mtailPort}/metrics`)).ok, 15_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { nodeExporterPort, mtailPort, setService, log: (...lines) => appendFileSync(logFile, lines.map((l) => `${l}\n`).join('')), stop };
}

/** Debian's snmpd on 127.0.0.1 (UDP, a free port), read-only with one v2c community: the stand-in switch. */
export async function startSnmpd(dir: string, community: string): Promise<{ port: number; stop(): Promise<void> }> {
  const { spawn } = await import('node:child_process');
  const { mkdirSync, writeFileSync } = await import('node:fs');
  const { snmpdEnv, snmpdPath } = await import('../../src/monitoring/binaries');
  const port = await freePort();
  const state = join(dir, 'snmpd');
  mkdirSync(state, { recursive: true });
  writeFileSync(join(state, 'snmpd.conf'), `rocommunity ${community} 127.0.0.1\n`);
  const child = spawn(snmpdPath(), ['-f', '-Lo', '-C', '-c', join(state, 'snmpd.conf'), '-M', state, '-p', join(state, 'snmpd.pid'), `udp:127.0.0.1:${port}`], {
    stdio: 'ignore', env: { ...snmpdEnv(), SNMP_PERSISTENT_DIR: state, MIBDIRS: state, MIBS: '' },
  });
  await new Promise((r) => setTimeout(r, 1_000));
  if (child.exitCode !== null) throw new Error(`snmpd exited with ${child.exitCode}`);
  return {
    port,
    stop: () => new Promise<void>((done) => {
      if (child.exitCode !== null || child.signalCode !== null) return done();
      child.once('exit', () => done());
      child.kill('SIGTERM');
    }),
  };
}
