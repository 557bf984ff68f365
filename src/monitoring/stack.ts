/**
 * Starts the monitoring programs (Prometheus, Alertmanager, blackbox_exporter) on 127.0.0.1 with
 * generated configuration under one folder, each as a child process that `npm start` supervises
 * (restarted on the same port and data) and a test stops. ICMP needs root or CAP_NET_RAW.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pipeLines, stopChild, type ProcessExit } from '../embedded/temporal-dev-server';
import { alertmanagerWorkingDir, monitoringToolPath, type MonitoringToolName } from './binaries';
import { BLACKBOX_TIMEOUT_OFFSET_SECONDS, icmpTiming, layout, renderAlertmanagerConfig, renderBlackboxConfig, renderPrometheusConfig, TARGET_JOBS } from './stack-config';

export interface RunningProgram {
  name: string;
  url: string;
  pid: number;
  exited: Promise<ProcessExit>;
  stop(): Promise<void>;
}

export interface MonitoringStackOptions {
  dir: string;
  /** opsdesk's own base URL, e.g. http://127.0.0.1:3000: Alertmanager posts to `<it>/api/alerts`. */
  opsdeskUrl: string;
  ports: { prometheus: number; alertmanager: number; blackbox: number; /** snmp_exporter, where it is installed */ snmp?: number };
  scrapeIntervalSeconds?: number;
  evaluationIntervalSeconds?: number;
  /** At least 400 days, so a month can be compared with the same month last year (R-MON-3). */
  retentionDays?: number;
  groupWaitSeconds?: number;
  groupIntervalSeconds?: number;
  /** Where Prometheus finds the others when they are not on 127.0.0.1 (docker compose: service names). */
  addresses?: { alertmanager?: string; blackbox?: string; snmp?: string };
  log?: (line: string) => void;
}

export const DEFAULT_RETENTION_DAYS = 400;

/** Writes the static configuration and the empty dynamic files Prometheus needs to start. */
export function writeStackConfig(options: MonitoringStackOptions): void {
  const files = layout(options.dir);
  for (const dir of [options.dir, files.targetsDir, files.rulesDir, files.prometheusData, files.alertmanagerData]) mkdirSync(dir, { recursive: true });
  const scrape = options.scrapeIntervalSeconds ?? 15;
  const evaluation = options.evaluationIntervalSeconds ?? 15;
  writeFileSync(files.prometheusYml, renderPrometheusConfig({
    dir: options.dir,
    scrapeIntervalSeconds: scrape,
    evaluationIntervalSeconds: evaluation,
    alertmanagerAddress: options.addresses?.alertmanager ?? `127.0.0.1:${options.ports.alertmanager}`,
    blackboxAddress: options.addresses?.blackbox ?? `127.0.0.1:${options.ports.blackbox}`,
    snmpExporterAddress: options.addresses?.snmp ?? (options.ports.snmp ? `127.0.0.1:${options.ports.snmp}` : undefined),
  }));
  if (!existsSync(files.snmpYml)) writeFileSync(files.snmpYml, '{}\n', { mode: 0o600 });
  writeFileSync(files.blackboxYml, renderBlackboxConfig(icmpTiming(scrape, evaluation).probeTimeoutSeconds));
  writeFileSync(files.alertmanagerYml, renderAlertmanagerConfig({
    dir: options.dir,
    webhookUrl: `${options.opsdeskUrl.replace(/\/$/, '')}/api/alerts`,
    groupWaitSeconds: options.groupWaitSeconds ?? 0,
    groupIntervalSeconds: options.groupIntervalSeconds ?? 30,
    repeatIntervalMinutes: 240,
  }));
  for (const job of TARGET_JOBS) {
    const file = join(files.targetsDir, `${job}.json`);
    if (!existsSync(file)) writeFileSync(file, '[]\n');
  }
  if (!existsSync(files.rulesFile)) writeFileSync(files.rulesFile, JSON.stringify({ groups: [] }) + '\n');
  if (!existsSync(files.alertTokenFile)) writeFileSync(files.alertTokenFile, '', { mode: 0o600 });
}

async function waitForHttp(url: string, exited: Promise<ProcessExit>, name: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let gone: ProcessExit | undefined;
  void exited.then((how) => (gone = how));
  while (Date.now() < deadline) {
    if (gone) throw new Error(`${name} exited (${gone.signal ?? `code ${gone.code}`}) before it was ready`);
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${name} did not answer ${url} within ${timeoutMs / 1000} s`);
}

async function startProgram(name: string, tool: MonitoringToolName, args: string[], readyUrl: string, baseUrl: string, log?: (line: string) => void, cwd?: string): Promise<RunningProgram> {
  const path = monitoringToolPath(tool);
  if (!existsSync(path)) throw new Error(`${name} is missing at ${path}: run "npm start" once (it fetches it) or set the *_PATH variable`);
  const child = spawn(path, args, { stdio: ['ignore', 'pipe', 'pipe'], cwd });
  let tail: string[] = [];
  pipeLines(child, (line) => {
    tail = [...tail.slice(-20), line];
    log?.(line);
  });
  const exited = new Promise<ProcessExit>((done) => {
    child.once('exit', (code, signal) => done({ code, signal }));
    child.once('error', () => done({ code: -1, signal: null }));
  });
  try {
    await waitForHttp(readyUrl, exited, name);
  } catch (error) {
    await stopChild(child, exited, 2_000);
    throw new Error(`${(error as Error).message}; its last lines: ${tail.slice(-5).join(' | ')}`);
  }
  return { name, url: baseUrl, pid: child.pid!, exited, stop: () => stopChild(child, exited) };
}

export function startPrometheus(options: MonitoringStackOptions): Promise<RunningProgram> {
  const files = layout(options.dir);
  const url = `http://127.0.0.1:${options.ports.prometheus}`;
  return startProgram('Prometheus', 'prometheus', [
    `--config.file=${files.prometheusYml}`,
    `--storage.tsdb.path=${files.prometheusData}`,
    `--storage.tsdb.retention.time=${options.retentionDays ?? DEFAULT_RETENTION_DAYS}d`,
    `--web.listen-address=127.0.0.1:${options.ports.prometheus}`,
    `--web.external-url=${url}`,
    '--web.enable-lifecycle',
    '--log.level=warn',
  ], `${url}/-/ready`, url, options.log);
}

export function startAlertmanager(options: MonitoringStackOptions): Promise<RunningProgram> {
  const files = layout(options.dir);
  const url = `http://127.0.0.1:${options.ports.alertmanager}`;
  return startProgram('Alertmanager', 'alertmanager', [
    `--config.file=${files.alertmanagerYml}`,
    `--storage.path=${files.alertmanagerData}`,
    `--web.listen-address=127.0.0.1:${options.ports.alertmanager}`,
    `--web.external-url=${url}`,
    '--cluster.listen-address=',
    '--log.level=warn',
  ], `${url}/-/ready`, url, options.log, alertmanagerWorkingDir());
}

export function startBlackboxExporter(options: MonitoringStackOptions): Promise<RunningProgram> {
  const files = layout(options.dir);
  const url = `http://127.0.0.1:${options.ports.blackbox}`;
  return startProgram('blackbox_exporter', 'blackbox_exporter', [
    `--config.file=${files.blackboxYml}`,
    `--web.listen-address=127.0.0.1:${options.ports.blackbox}`,
    `--timeout-offset=${BLACKBOX_TIMEOUT_OFFSET_SECONDS}`,
    '--log.level=warn',
  ], `${url}/-/healthy`, url, options.log);
}

export function startSnmpExporter(options: MonitoringStackOptions): Promise<RunningProgram> {
  const files = layout(options.dir);
  if (!options.ports.snmp) throw new Error('no port for snmp_exporter');
  const url = `http://127.0.0.1:${options.ports.snmp}`;
  return startProgram('snmp_exporter', 'snmp_exporter', [
    `--config.file=${files.snmpYml}`,
    `--web.listen-address=127.0.0.1:${options.ports.snmp}`,
    '--log.level=warn',
  ], `${url}/`, url, options.log);
}

export interface RunningStack {
  prometheusUrl: string;
  alertmanagerUrl: string;
  blackboxUrl: string;
  snmpExporterUrl: string | null;
  dir: string;
  stop(): Promise<void>;
}

/** All three at once (tests, bench); `npm start` starts them one by one under its supervision. */
export async function startMonitoringStack(options: MonitoringStackOptions): Promise<RunningStack> {
  writeStackConfig(options);
  const started: RunningProgram[] = [];
  const stop = async () => {
    for (const program of started.reverse()) await program.stop();
  };
  try {
    started.push(await startBlackboxExporter(options));
    started.push(await startAlertmanager(options));
    started.push(await startPrometheus(options));
    if (options.ports.snmp) started.push(await startSnmpExporter(options));
  } catch (error) {
    await stop();
    throw error;
  }
  return { prometheusUrl: started[2].url, alertmanagerUrl: started[1].url, blackboxUrl: started[0].url, snmpExporterUrl: started[3]?.url ?? null, dir: options.dir, stop };
}
