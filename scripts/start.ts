/**
 * `npm start`: the whole system on embedded defaults, supervised. Starts what no override replaces
 * (PostgreSQL, the Temporal dev server, the mail sink), then the API and the worker; Ctrl-C stops
 * them in the reverse order so no work is cut off half-way.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';
import { isPortOpen, waitForPort } from '../src/embedded/ports';
import { startEmbeddedPostgres } from '../src/embedded/postgres';
import { ensureTemporalBinaries } from '../src/embedded/temporal-binaries';
import { startTemporalDevServer, stopChild, type ProcessExit } from '../src/embedded/temporal-dev-server';
import { missingMonitoringTools, MONITORING_PACKAGES_HINT, monitoringToolPath } from '../src/monitoring/binaries';
import { DEFAULT_RETENTION_DAYS, startAlertmanager, startBlackboxExporter, startPrometheus, startSnmpExporter, writeStackConfig } from '../src/monitoring/stack';
import { startupAddresses } from '../src/embedded/startup-addresses';
import { startEmbeddedVcsim } from '../src/embedded/vcsim';
import { ensureVcsimBinary } from '../src/providers/vsphere/vcsim-binary';

const env = process.env;
const port = (name: string, fallback: number) => Number(env[name] ?? fallback);
const PORTS = {
  api: port('PORT', 3000),
  postgres: port('OPSDESK_PG_PORT', 54329),
  dbPlatform: port('OPSDESK_DB_PLATFORM_PORT', 54330),
  temporal: port('OPSDESK_TEMPORAL_PORT', 7233),
  temporalUi: port('OPSDESK_TEMPORAL_UI_PORT', 8233),
  smtp: port('OPSDESK_SMTP_PORT', 1025),
  mailWeb: port('OPSDESK_MAIL_WEB_PORT', 8025),
  workerMetrics: port('OPSDESK_WORKER_METRICS_PORT', 9464),
  prometheus: port('OPSDESK_PROMETHEUS_PORT', 9090),
  alertmanager: port('OPSDESK_ALERTMANAGER_PORT', 9093),
  blackbox: port('OPSDESK_BLACKBOX_PORT', 9115),
  snmpExporter: port('OPSDESK_SNMP_EXPORTER_PORT', 9116),
  vcsim: port('OPSDESK_VCSIM_PORT', 8989),
};
const dataDir = resolve(env.OPSDESK_DATA_DIR ?? join(PROJECT_ROOT, 'data'));
const say = (line: string) => console.log(`[opsdesk] ${line}`);

interface Service { name: string; stop(): Promise<void> }
const services: Service[] = [];
const children = new Map<string, ChildProcess>();
let stopping = false;

async function main(): Promise<void> {
  mkdirSync(dataDir, { recursive: true });
  await refuseBusyPorts();
  const childEnv: NodeJS.ProcessEnv = { ...env, OPSDESK_DATA_DIR: dataDir, OPSDESK_SUPERVISED: '1' };
  // Observability (README, "Operations"): pretty logs on a terminal, JSON lines otherwise; the
  // worker's /metrics (Temporal SDK) on its own port, merged into the API's /metrics.
  childEnv.OPSDESK_LOG_PRETTY ??= process.stdout.isTTY ? '1' : '0';
  childEnv.OPSDESK_WORKER_METRICS ??= `127.0.0.1:${PORTS.workerMetrics}`;
  if (childEnv.OPSDESK_WORKER_METRICS !== 'off') childEnv.OPSDESK_WORKER_METRICS_URL ??= `http://${childEnv.OPSDESK_WORKER_METRICS}/metrics`;

  if (!env.DATABASE_URL) {
    const pgDir = join(dataDir, 'postgres');
    say(`starting embedded PostgreSQL 15 on 127.0.0.1:${PORTS.postgres} (data: ${pgDir}) ...`);
    const pg = await superviseServer('PostgreSQL', () => startEmbeddedPostgres({ dataDir: pgDir, port: PORTS.postgres }));
    await pg.createDatabase('opsdesk');
    childEnv.DATABASE_URL = pg.urlFor('opsdesk');
    childEnv.OPSDESK_MODE = 'embedded';
  }
  if (!env.DB_PLATFORM_URL) {
    // The database platform the operation items drive (R-OP-5/6): a second server, never opsdesk's own database.
    const platformDir = join(dataDir, 'db-platform');
    say(`starting the embedded database platform (PostgreSQL 15) on 127.0.0.1:${PORTS.dbPlatform} (data: ${platformDir}) ...`);
    const platform = await superviseServer('database platform', () => startEmbeddedPostgres({ dataDir: platformDir, port: PORTS.dbPlatform }));
    childEnv.DB_PLATFORM_URL = platform.urlFor('postgres');
  }
  if (!env.TEMPORAL_ADDRESS) {
    ensureTemporalBinaries({ testServer: false });
    say(`starting Temporal dev server on 127.0.0.1:${PORTS.temporal} (UI :${PORTS.temporalUi}, data: ${join(dataDir, 'temporal')}) ...`);
    const temporal = await superviseServer('Temporal', () =>
      startTemporalDevServer({
        port: PORTS.temporal,
        uiPort: PORTS.temporalUi,
        dataDir: join(dataDir, 'temporal'),
        log: (line) => { if (/error|fatal/i.test(line) && !/context canceled/.test(line)) console.log(`[temporal] ${line}`); },
      }),
    );
    childEnv.TEMPORAL_ADDRESS = temporal.address;
    childEnv.OPSDESK_TEMPORAL_UI_URL = temporal.uiUrl;
  }
  if (!env.SMTP_URL) {
    startChild('mail sink', join(PROJECT_ROOT, 'dist', 'src', 'mail', 'mail-sink-main.js'), {
      ...childEnv,
      OPSDESK_SMTP_PORT: String(PORTS.smtp),
      OPSDESK_MAIL_WEB_PORT: String(PORTS.mailWeb),
      OPSDESK_MAIL_STORE_DIR: join(dataDir, 'mail'),
    });
    await waitForPort(PORTS.smtp, 30_000, 'the mail sink');
    childEnv.SMTP_URL = `smtp://127.0.0.1:${PORTS.smtp}`;
    childEnv.OPSDESK_MAIL_SINK_URL = `http://127.0.0.1:${PORTS.mailWeb}/`;
  }

  if (!env.PROMETHEUS_URL) await startMonitoring(childEnv);
  if (env.HYPERVISOR === 'vcsim') {
    // A demo on VMware's vCenter simulator: the vSphere adapter over real vim25 SOAP (README, "vSphere").
    ensureVcsimBinary(say);
    say(`starting vcsim (VMware's vCenter simulator, a demo, not a real platform) on https://127.0.0.1:${PORTS.vcsim}/sdk ...`);
    const vcsim = await superviseServer('vcsim', () => startEmbeddedVcsim({ dataDir: join(dataDir, 'vcsim'), port: PORTS.vcsim }));
    Object.assign(childEnv, vcsim.env);
  }

  startChild('worker', join(PROJECT_ROOT, 'dist', 'src', 'worker.js'), childEnv);
  startChild('api', join(PROJECT_ROOT, 'dist', 'src', 'main.js'), childEnv);
  await waitForHealth(`http://127.0.0.1:${PORTS.api}/health`, childEnv);
}

/**
 * Issue 16: Prometheus, Alertmanager and blackbox_exporter with their data under data/monitoring,
 * supervised like the other embedded servers. Missing programs or a failed start leave opsdesk
 * running without monitoring, saying why (here, in /health and on the monitoring page).
 */
async function startMonitoring(childEnv: NodeJS.ProcessEnv): Promise<void> {
  const missing = missingMonitoringTools();
  if (missing.length > 0) {
    const reason = `missing ${missing.map((t) => `${t.name} (${t.override})`).join(', ')}: ${MONITORING_PACKAGES_HINT}`;
    say(`monitoring is OFF: ${reason}`);
    childEnv.OPSDESK_MONITORING_OFF = reason;
    return;
  }
  if (process.getuid?.() !== 0) say('monitoring: not running as root: blackbox_exporter needs CAP_NET_RAW for ICMP (setcap cap_net_raw+ep on it), else every ping fails');
  const dir = join(dataDir, 'monitoring');
  const options = {
    dir,
    opsdeskUrl: `http://127.0.0.1:${PORTS.api}`,
    ports: {
      prometheus: PORTS.prometheus, alertmanager: PORTS.alertmanager, blackbox: PORTS.blackbox,
      snmp: existsSync(monitoringToolPath('snmp_exporter')) ? PORTS.snmpExporter : undefined,
    },
    scrapeIntervalSeconds: Number(env.MONITORING_SCRAPE_INTERVAL_SECONDS ?? 15),
    evaluationIntervalSeconds: Number(env.MONITORING_EVALUATION_INTERVAL_SECONDS ?? 15),
    retentionDays: Math.max(400, Number(env.MONITORING_RETENTION_DAYS ?? DEFAULT_RETENTION_DAYS)),
    log: (line: string) => { if (/level=(error|warn)/.test(line) && !/SIGTERM/.test(line)) console.log(`[monitoring] ${line}`); },
  };
  try {
    writeStackConfig(options);
    say(`starting blackbox_exporter :${PORTS.blackbox}, Alertmanager :${PORTS.alertmanager}, Prometheus :${PORTS.prometheus} (data: ${dir}, retention ${options.retentionDays} d) ...`);
    await superviseServer('blackbox_exporter', () => startBlackboxExporter(options));
    const alertmanager = await superviseServer('Alertmanager', () => startAlertmanager(options));
    const prometheus = await superviseServer('Prometheus', () => startPrometheus(options));
    if (options.ports.snmp) {
      const snmp = await superviseServer('snmp_exporter', () => startSnmpExporter(options));
      childEnv.SNMP_EXPORTER_URL = snmp.url;
    } else {
      say(`monitoring: snmp_exporter is missing (${monitoringToolPath('snmp_exporter')}; SNMP_EXPORTER_PATH): switches and firewalls are pinged but their traffic is not read`);
    }
    childEnv.PROMETHEUS_URL = prometheus.url;
    childEnv.ALERTMANAGER_URL = alertmanager.url;
    childEnv.OPSDESK_MONITORING_DIR = dir;
  } catch (error) {
    const reason = `the monitoring programs did not start: ${error instanceof Error ? error.message : String(error)}`;
    say(`monitoring is OFF: ${reason}`);
    childEnv.OPSDESK_MONITORING_OFF = reason;
  }
}

async function refuseBusyPorts(): Promise<void> {
  const wanted: Array<[string, number, boolean]> = [
    ['API (PORT)', PORTS.api, true],
    ['PostgreSQL (OPSDESK_PG_PORT)', PORTS.postgres, !env.DATABASE_URL],
    ['database platform (OPSDESK_DB_PLATFORM_PORT)', PORTS.dbPlatform, !env.DB_PLATFORM_URL],
    ['Temporal (OPSDESK_TEMPORAL_PORT)', PORTS.temporal, !env.TEMPORAL_ADDRESS],
    ['Temporal UI (OPSDESK_TEMPORAL_UI_PORT)', PORTS.temporalUi, !env.TEMPORAL_ADDRESS],
    ['SMTP sink (OPSDESK_SMTP_PORT)', PORTS.smtp, !env.SMTP_URL],
    ['mail sink web (OPSDESK_MAIL_WEB_PORT)', PORTS.mailWeb, !env.SMTP_URL],
    ['worker metrics (OPSDESK_WORKER_METRICS_PORT)', PORTS.workerMetrics, !env.OPSDESK_WORKER_METRICS],
    ['Prometheus (OPSDESK_PROMETHEUS_PORT)', PORTS.prometheus, !env.PROMETHEUS_URL && missingMonitoringTools().length === 0],
    ['Alertmanager (OPSDESK_ALERTMANAGER_PORT)', PORTS.alertmanager, !env.PROMETHEUS_URL && missingMonitoringTools().length === 0],
    ['blackbox_exporter (OPSDESK_BLACKBOX_PORT)', PORTS.blackbox, !env.PROMETHEUS_URL && missingMonitoringTools().length === 0],
    ['snmp_exporter (OPSDESK_SNMP_EXPORTER_PORT)', PORTS.snmpExporter, !env.PROMETHEUS_URL && existsSync(monitoringToolPath('snmp_exporter'))],
    ['vcsim (OPSDESK_VCSIM_PORT)', PORTS.vcsim, env.HYPERVISOR === 'vcsim'],
  ];
  for (const [what, number, needed] of wanted) {
    if (needed && (await isPortOpen(number))) {
      throw new Error(`port ${number} for ${what} is already in use. Is opsdesk already running? Stop it, or set ${what.match(/\((.*)\)/)![1]} to another port.`);
    }
  }
}

/** How often a part may fail within a minute before the whole system stops instead of limping on. */
const RESTARTS_PER_MINUTE = 5;

interface EmbeddedServer {
  stop(): Promise<void>;
  exited: Promise<ProcessExit>;
}

/**
 * Starts an embedded server and restarts it (same port, same data) whenever it exits on its own,
 * saying so each time; after repeated failures everything stops with a message, never a
 * half-dead stack. The API and the worker reconnect by themselves once it is back.
 */
async function superviseServer<T extends EmbeddedServer>(name: string, start: () => Promise<T>): Promise<T> {
  const first = await start();
  let current: T = first;
  const restarts: number[] = [];
  services.push({ name, stop: () => current.stop() });
  const watch = (server: T) => {
    void server.exited.then(async (how) => {
      if (stopping) return;
      for (;;) {
        restarts.push(Date.now());
        while (restarts.length && Date.now() - restarts[0] > 60_000) restarts.shift();
        if (restarts.length > RESTARTS_PER_MINUTE) {
          say(`${name} keeps failing (${restarts.length} times within a minute); stopping everything. See the lines above for its last error.`);
          void shutdown(1);
          return;
        }
        say(`${name} exited unexpectedly (${how.signal ?? `exit ${how.code}`}); restarting it on the same port and data ...`);
        const t0 = Date.now();
        try {
          current = await start();
          say(`${name} is back after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
          if (stopping) await current.stop();
          else watch(current);
          return;
        } catch (error) {
          say(`${name} could not restart: ${error instanceof Error ? error.message : String(error)}`);
          await new Promise((r) => setTimeout(r, 2_000));
          if (stopping) return;
        }
      }
    });
  };
  watch(first);
  return first;
}

/** Restarts a crashed child a few times (like a process manager) before giving up on the whole system. */
function startChild(name: string, script: string, childEnv: NodeJS.ProcessEnv, restarts: number[] = []): void {
  // Own process group: Ctrl-C reaches only the supervisor, which then stops children in order.
  const child = spawn(process.execPath, [script], { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  children.set(name, child);
  const prefix = (chunk: Buffer) => {
    // JSON log lines pass through as they are (they name their process in "proc"); the rest get a prefix.
    for (const line of chunk.toString().split('\n')) if (line.trim()) console.log(line.startsWith('{"') ? line : `[${name}] ${line}`);
  };
  child.stdout.on('data', prefix);
  child.stderr.on('data', prefix);
  child.once('exit', (code, signal) => {
    children.delete(name);
    if (stopping) return;
    const recent = [...restarts, Date.now()].filter((t) => Date.now() - t < 60_000);
    if (recent.length > RESTARTS_PER_MINUTE) {
      say(`${name} keeps failing (exit ${code ?? signal}); stopping everything.`);
      void shutdown(1);
      return;
    }
    say(`${name} exited (${code ?? signal}); restarting in 2 s ...`);
    setTimeout(() => { if (!stopping) startChild(name, script, childEnv, recent); }, 2_000);
  });
}

async function waitForHealth(url: string, childEnv: NodeJS.ProcessEnv): Promise<void> {
  const deadline = Date.now() + 120_000;
  let last = '';
  while (Date.now() < deadline && !stopping) {
    try {
      const response = await fetch(url);
      last = await response.text();
      if (response.ok) {
        say(`ready: ${last}`);
        say('where things are:');
        for (const line of startupAddresses({
          apiUrl: `http://127.0.0.1:${PORTS.api}`,
          temporalUiUrl: childEnv.OPSDESK_TEMPORAL_UI_URL ?? null,
          mailSinkUrl: childEnv.OPSDESK_MAIL_SINK_URL ?? null,
          prometheusUrl: childEnv.PROMETHEUS_URL ?? null,
          alertmanagerUrl: childEnv.ALERTMANAGER_URL ?? null,
          monitoringOff: childEnv.OPSDESK_MONITORING_OFF ?? null,
          monitoringEmbedded: !env.PROMETHEUS_URL,
        })) say(line);
        say(`open http://127.0.0.1:${PORTS.api}/ — press Ctrl-C to stop everything`);
        return;
      }
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 1_000));
  }
  if (!stopping) say(`the system did not become healthy within 2 minutes; last /health answer: ${last || 'none'}`);
}

async function shutdown(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  say('stopping: API and worker first, then the embedded servers ...');
  // The worker drains first: its last activities may still send mail through the sink.
  const stopChildren = (names: string[]) =>
    Promise.all(names.flatMap((name) => {
      const child = children.get(name);
      return child ? [stopChild(child, new Promise((r) => child.once('exit', r)), 25_000)] : [];
    }));
  await stopChildren(['api', 'worker']);
  await stopChildren([...children.keys()]);
  for (const service of services.reverse()) {
    try {
      // Ctrl-C reaches the embedded servers too; one that already stopped must not hold us up.
      await Promise.race([service.stop(), new Promise((r) => setTimeout(r, 15_000))]);
      say(`${service.name} stopped`);
    } catch (error) {
      say(`${service.name} did not stop cleanly: ${error instanceof Error ? error.message : String(error)}`);
    }
  }
  process.exit(code);
}

process.on('unhandledRejection', (reason) => say(`ignored during ${stopping ? 'shutdown' : 'run'}: ${reason instanceof Error ? reason.message : String(reason)}`));
process.on('SIGINT', () => void shutdown(0));
process.on('SIGHUP', () => void shutdown(0));
// npm does not pass SIGTERM on to its script: when npm itself goes away, stop as if told to.
const launcher = process.ppid;
setInterval(() => {
  try {
    process.kill(launcher, 0);
  } catch {
    void shutdown(0);
  }
}, 1_000).unref();
process.on('SIGTERM', () => void shutdown(0));
main().catch(async (error: unknown) => {
  say(`could not start: ${error instanceof Error ? error.message : String(error)}`);
  await shutdown(1);
});
