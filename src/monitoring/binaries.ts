import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../common/paths';

/**
 * Debian's Alertmanager reads its notification templates and web assets from the absolute
 * `/usr/share/prometheus/alertmanager`, which an unpacked (not installed) package does not have.
 * The path is rewritten in the binary to one of the same length that is relative
 * (`./././…/alertmanager`): Go keeps strings as pointer and length, so a same-length rewrite is
 * safe, and the program is started in `<package>/usr/share/prometheus` (ALERTMANAGER_ASSETS_CWD).
 */
const ALERTMANAGER_SHARE = '/usr/share/prometheus/alertmanager';
const ALERTMANAGER_SHARE_RELATIVE = `${'./'.repeat(11)}alertmanager`;

export function relocateAlertmanager(binary: string): void {
  const from = Buffer.from(ALERTMANAGER_SHARE);
  const to = Buffer.from(ALERTMANAGER_SHARE_RELATIVE);
  if (from.length !== to.length) throw new Error('relocation must keep the length');
  const data = readFileSync(binary);
  let at = data.indexOf(from);
  if (at < 0) return;
  for (; at >= 0; at = data.indexOf(from, at + to.length)) to.copy(data, at);
  writeFileSync(`${binary}.tmp`, data, { mode: 0o755 });
  renameSync(`${binary}.tmp`, binary);
}

/** The folder the relocated Alertmanager must run in (its templates are at `./alertmanager`). */
export function alertmanagerWorkingDir(): string {
  if (process.env.ALERTMANAGER_PATH) return process.env.ALERTMANAGER_ASSETS_CWD ?? process.cwd();
  return join(toolsDir, 'prometheus-alertmanager', 'usr', 'share', 'prometheus');
}

/**
 * The Prometheus project's own programs, from Debian's packages (Go binaries linked only against
 * libc: `ldd` names nothing else, so unpacking them is enough; no maintainer script needs to run).
 * Each is fetched once with `apt-get download` and unpacked with `dpkg -x` into the git-ignored
 * `.tools/monitoring/<package>/`; a `*_PATH` variable names an existing binary instead.
 */
export interface MonitoringTool {
  name: MonitoringToolName;
  debianPackage: string;
  /** Path of the binary inside the unpacked package. */
  inPackage: string;
  override: string;
  /** Needed for monitoring to run at all (the rest are agents and SNMP, used where present). */
  core: boolean;
}

export type MonitoringToolName = 'prometheus' | 'promtool' | 'alertmanager' | 'blackbox_exporter' | 'snmp_exporter' | 'node_exporter' | 'mtail' | 'snmpd';

export const MONITORING_TOOLS: readonly MonitoringTool[] = [
  { name: 'prometheus', debianPackage: 'prometheus', inPackage: 'usr/bin/prometheus', override: 'PROMETHEUS_PATH', core: true },
  { name: 'promtool', debianPackage: 'prometheus', inPackage: 'usr/bin/promtool', override: 'PROMTOOL_PATH', core: true },
  { name: 'alertmanager', debianPackage: 'prometheus-alertmanager', inPackage: 'usr/bin/prometheus-alertmanager', override: 'ALERTMANAGER_PATH', core: true },
  { name: 'blackbox_exporter', debianPackage: 'prometheus-blackbox-exporter', inPackage: 'usr/bin/prometheus-blackbox-exporter', override: 'BLACKBOX_EXPORTER_PATH', core: true },
  { name: 'snmp_exporter', debianPackage: 'prometheus-snmp-exporter', inPackage: 'usr/bin/prometheus-snmp-exporter', override: 'SNMP_EXPORTER_PATH', core: false },
  { name: 'node_exporter', debianPackage: 'prometheus-node-exporter', inPackage: 'usr/bin/prometheus-node-exporter', override: 'NODE_EXPORTER_PATH', core: false },
  { name: 'mtail', debianPackage: 'mtail', inPackage: 'usr/bin/mtail', override: 'MTAIL_PATH', core: false },
];

export const MONITORING_PACKAGES_HINT =
  'apt-get download prometheus prometheus-alertmanager prometheus-blackbox-exporter (run by "npm start" / "npm test" into .tools/monitoring), ' +
  'or apt-get install them and set PROMETHEUS_PATH, PROMTOOL_PATH, ALERTMANAGER_PATH, BLACKBOX_EXPORTER_PATH';

const toolsDir = resolve(PROJECT_ROOT, '.tools', 'monitoring');

function tool(name: MonitoringToolName): MonitoringTool {
  const found = MONITORING_TOOLS.find((t) => t.name === name);
  if (!found) throw new Error(`unknown monitoring tool ${name}`);
  return found;
}

/** Where the binary is looked for: its `*_PATH` variable, else the project-local unpacked package. */
export function monitoringToolPath(name: MonitoringToolName): string {
  const t = tool(name);
  return process.env[t.override] || join(toolsDir, t.debianPackage, t.inPackage);
}

/** The core programs that are missing, each with the variable that would name it. */
export function missingMonitoringTools(core = true): MonitoringTool[] {
  return MONITORING_TOOLS.filter((t) => (!core || t.core) && !existsSync(monitoringToolPath(t.name)));
}

/**
 * Fetches and unpacks whatever is missing; never throws: monitoring is optional, so a machine
 * without Debian's archive still starts opsdesk (without monitoring, and says so). Returns what
 * could not be had, as lines to show.
 */
export function ensureMonitoringBinaries(log: (line: string) => void = console.log): string[] {
  const problems: string[] = [];
  const packages = [...new Set(MONITORING_TOOLS.filter((t) => !process.env[t.override] && !existsSync(monitoringToolPath(t.name))).map((t) => t.debianPackage))];
  for (const t of MONITORING_TOOLS) {
    if (process.env[t.override] && !existsSync(process.env[t.override]!)) problems.push(`${t.override}=${process.env[t.override]}: no such file`);
  }
  const unpackedAlertmanager = join(toolsDir, 'prometheus-alertmanager', 'usr', 'bin', 'prometheus-alertmanager');
  if (!process.env.ALERTMANAGER_PATH && existsSync(unpackedAlertmanager)) relocateAlertmanager(unpackedAlertmanager);
  if (packages.length === 0) return problems;
  const apt = spawnSync('apt-get', ['--version'], { encoding: 'utf8' });
  if (apt.error || apt.status !== 0) {
    problems.push(`apt-get is not available to fetch ${packages.join(', ')}: ${MONITORING_PACKAGES_HINT}`);
    return problems;
  }
  mkdirSync(toolsDir, { recursive: true });
  for (const pkg of packages) {
    log(`[opsdesk] Fetching Debian package ${pkg} into ${join(toolsDir, pkg)} (once) ...`);
    const scratch = mkdtempSync(join(toolsDir, `.download-${pkg}-`));
    try {
      // apt's sandbox user cannot write into a root-owned folder: the download then runs as root, with a warning we hide.
      const download = spawnSync('apt-get', ['download', pkg], { cwd: scratch, encoding: 'utf8', timeout: 300_000 });
      const deb = readdirSync(scratch).find((f) => f.endsWith('.deb'));
      if (download.status !== 0 || !deb) {
        problems.push(`could not download ${pkg} (${(download.stderr || download.error?.message || '').trim().split('\n').slice(-1)[0] || `exit ${download.status}`}); try "apt-get update" first`);
        continue;
      }
      const unpacked = join(scratch, 'root');
      const extract = spawnSync('dpkg', ['-x', join(scratch, deb), unpacked], { encoding: 'utf8' });
      if (extract.status !== 0) {
        problems.push(`could not unpack ${deb}: ${extract.stderr.trim()}`);
        continue;
      }
      // Renamed into place at the end, so an interrupted fetch leaves no half package behind.
      rmSync(join(toolsDir, pkg), { recursive: true, force: true });
      renameSync(unpacked, join(toolsDir, pkg));
      if (pkg === 'prometheus-alertmanager') relocateAlertmanager(join(toolsDir, pkg, 'usr', 'bin', 'prometheus-alertmanager'));
      log(`[opsdesk] ${pkg}: ${deb} unpacked`);
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  }
  for (const t of missingMonitoringTools(false)) problems.push(`${t.name} is still missing at ${monitoringToolPath(t.name)} (set ${t.override})`);
  return problems;
}

/**
 * Debian's snmpd, the stand-in "switch" of the SNMP test (not needed to run opsdesk): unpacked
 * with the libraries it links (net-snmp, libwrap, libpci) into `.tools/monitoring/snmpd/`, run with
 * LD_LIBRARY_PATH pointing there (snmpdEnv). SNMPD_PATH names an installed one instead.
 */
const SNMPD_PACKAGES = ['snmpd', 'libsnmp40', 'libsnmp-base', 'libwrap0', 'libpci3'];
const snmpdRoot = join(toolsDir, 'snmpd');

export function snmpdPath(): string {
  return process.env.SNMPD_PATH || join(snmpdRoot, 'usr', 'sbin', 'snmpd');
}

export function snmpdEnv(): NodeJS.ProcessEnv {
  if (process.env.SNMPD_PATH) return process.env;
  const libs = [join(snmpdRoot, 'usr', 'lib', 'x86_64-linux-gnu'), join(snmpdRoot, 'lib', 'x86_64-linux-gnu')];
  return { ...process.env, LD_LIBRARY_PATH: [...libs, process.env.LD_LIBRARY_PATH].filter(Boolean).join(':') };
}

export function ensureSnmpd(log: (line: string) => void = console.log): string | null {
  if (existsSync(snmpdPath())) return null;
  if (process.env.SNMPD_PATH) return `SNMPD_PATH=${process.env.SNMPD_PATH}: no such file`;
  log(`[opsdesk] Fetching Debian's snmpd (${SNMPD_PACKAGES.join(', ')}) into ${snmpdRoot} for the SNMP test (once) ...`);
  mkdirSync(toolsDir, { recursive: true });
  const scratch = mkdtempSync(join(toolsDir, '.download-snmpd-'));
  try {
    const download = spawnSync('apt-get', ['download', ...SNMPD_PACKAGES], { cwd: scratch, encoding: 'utf8', timeout: 300_000 });
    if (download.status !== 0) return `could not download snmpd: ${(download.stderr || download.error?.message || '').trim().split('\n').slice(-1)[0]}`;
    const unpacked = join(scratch, 'root');
    for (const deb of readdirSync(scratch).filter((f) => f.endsWith('.deb'))) {
      const extract = spawnSync('dpkg', ['-x', join(scratch, deb), unpacked], { encoding: 'utf8' });
      if (extract.status !== 0) return `could not unpack ${deb}: ${extract.stderr.trim()}`;
    }
    rmSync(snmpdRoot, { recursive: true, force: true });
    renameSync(unpacked, snmpdRoot);
    return null;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
