import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnModuleDestroy } from '@nestjs/common';
import { spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { join } from 'node:path';
import { AlertSource } from '../alert-sources/alert-source.entity';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { hashToken } from '../identity/auth.service';
import { Asset } from '../inventory/asset.entity';
import { monitoringToolPath } from './binaries';
import { PgNotifications } from '../database/pg-notifications';
import { instantQuery, rangeQuery, type MatrixSeries, type VectorSample } from './prometheus-api';
import { mayProbe } from './monitoring-config';
import { MonitoringDevice, MonitoringThreshold } from './monitoring.entities';
import { SecretSealer } from '../common/sealing';
import { monitoringStatus } from './monitoring-status';
import { layout, renderSnmpConfig, snmpModuleName, type TargetJob } from './stack-config';
import { renderRules, type RuleThreshold } from './threshold-rules';

/** The alert source Alertmanager posts as; its token lives only in the stack's folder (0600). */
export const MONITORING_ALERT_SOURCE = 'opsdesk-monitoring';

interface FileSdGroup {
  targets: string[];
  labels: Record<string, string>;
}

export interface RulesCheck {
  ok: boolean;
  message: string;
}

/** Labels every series of a device carries: the inventory's words for it. */
export function inventoryLabels(asset: Asset): Record<string, string> {
  return {
    hostname: asset.hostname,
    role: asset.kind,
    business_system: [...asset.businessSystems].sort().join(','),
    department: asset.departments.getItems().map((d) => d.code).sort().join(','),
    sub_platform: asset.subPlatform,
    asset_id: asset.id,
  };
}

/**
 * opsdesk as the brain of Prometheus (issue 16): writes the scrape targets from the inventory
 * (file_sd, rewritten as soon as PostgreSQL announces a committed change to the inventory, so an
 * added, changed or retired item is watched or dropped within seconds; compared anyway every
 * MONITORING_SYNC_INTERVAL_MS in case an announcement was missed), the rule file from the
 * thresholds (checked with promtool, then Prometheus reloads), and Alertmanager's token for
 * `POST /api/alerts`. The stack's health and the devices' states are read every
 * MONITORING_STATE_INTERVAL_MS, from Prometheus only.
 */
/** The channel the inventory tables' triggers notify on commit (migration monitoring_events). */
export const INVENTORY_CHANNEL = 'opsdesk_inventory';
const ANNOUNCED_CHANGES_DEBOUNCE_MS = 50;

@Injectable()
export class MonitoringService implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('monitoring');
  private timer?: NodeJS.Timeout;
  private stateTimer?: NodeJS.Timeout;
  private notifications?: PgNotifications;
  private unsubscribe?: () => Promise<void>;
  /** Changes within a moment are taken together: a bulk edit is one sync. */
  private announcedSync?: NodeJS.Timeout;
  private syncing?: Promise<void>;
  /** A change was announced while a sync ran: one more follows it. */
  private syncAgain = false;
  private observing?: Promise<void>;
  private stopped = false;
  /** Applies of the rule file run one at a time. */
  private applying: Promise<unknown> = Promise.resolve();
  readonly sealer: SecretSealer;

  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {
    this.sealer = new SecretSealer(config.operations, config.mode === 'embedded', 'seals SNMP communities');
  }

  get files() {
    return layout(this.config.monitoring.dir);
  }

  get probeNetworks(): string[] | null {
    return this.config.monitoring.probeNetworks;
  }

  get enabled(): boolean {
    return this.config.monitoring.enabled;
  }

  async onApplicationBootstrap(): Promise<void> {
    const m = this.config.monitoring;
    monitoringStatus.reset(m.enabled, m.offReason);
    if (!m.enabled) {
      this.logger.warn(`monitoring is off: ${m.offReason}`);
      return;
    }
    for (const dir of [m.dir, this.files.targetsDir, this.files.rulesDir]) mkdirSync(dir, { recursive: true });
    await this.ensureAlertToken();
    await this.syncOnce();
    await this.observe();
    this.timer = setInterval(() => void this.syncOnce(), m.syncIntervalMs).unref();
    this.stateTimer = setInterval(() => void this.observe(), m.stateIntervalMs).unref();
    this.notifications = PgNotifications.acquire(this.config.databaseUrl);
    this.unsubscribe = this.notifications.subscribe(INVENTORY_CHANNEL, () => {
      if (this.stopped || this.announcedSync) return;
      this.announcedSync = setTimeout(() => {
        this.announcedSync = undefined;
        if (!this.stopped) void this.syncOnce({ announced: true });
      }, ANNOUNCED_CHANGES_DEBOUNCE_MS);
    });
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    clearInterval(this.stateTimer);
    clearTimeout(this.announcedSync);
    await this.unsubscribe?.();
    await this.syncing;
    await this.observing;
    await this.applying.catch(() => undefined);
  }

  /** Whether inventory changes are announced to this process (else only the fallback poll syncs). */
  get listening(): boolean {
    return this.notifications?.listening ?? false;
  }

  /**
   * One pass: targets from the inventory, the rule file from the thresholds (a per-device override
   * names its device's host). An announced change arriving during a pass gets a pass of its own
   * right after, so a commit is never missed between the read and the write.
   */
  syncOnce(options: { announced?: boolean } = {}): Promise<void> {
    if (this.stopped) return this.syncing ?? Promise.resolve();
    if (this.syncing) {
      if (options.announced) this.syncAgain = true;
      return this.syncing;
    }
    this.syncing = (async () => {
      do {
        this.syncAgain = false;
        try {
          await this.writeTargets();
          await this.exclusive(() => this.applyRules({ onlyIfChanged: true }));
          monitoringStatus.syncedAt = new Date();
        } catch (error) {
          this.logger.warn(`monitoring sync failed: ${error instanceof Error ? error.message : String(error)}`);
        }
      } while (this.syncAgain && !this.stopped);
    })().finally(() => (this.syncing = undefined));
    return this.syncing;
  }

  /** The devices' up/down and the stack's health, from Prometheus and Alertmanager (no database read). */
  observe(): Promise<void> {
    if (this.observing || this.stopped) return this.observing ?? Promise.resolve();
    this.observing = (async () => {
      try {
        await this.observeStates();
      } catch (error) {
        this.logger.warn(`monitoring states could not be read: ${error instanceof Error ? error.message : String(error)}`);
      }
      await this.probeStack();
    })().finally(() => (this.observing = undefined));
    return this.observing;
  }

  /** The file_sd target files (and snmp.yml), rewritten (atomically) only when they would change. */
  async writeTargets(): Promise<Record<TargetJob, FileSdGroup[]>> {
    const em = this.em.fork();
    const assets = await em.find(Asset, { retiredAt: null, address: { $ne: null } }, { populate: ['departments'], orderBy: { hostname: 'asc' } });
    const settings = new Map((await em.find(MonitoringDevice, { assetId: { $in: assets.map((a) => a.id) } })).map((d) => [d.assetId, d]));
    const groups: Record<TargetJob, FileSdGroup[]> = { icmp: [], node: [], mtail: [], snmp: [] };
    const snmpDevices: Array<{ assetId: string; community: string }> = [];
    for (const asset of assets) {
      const address = asset.address?.trim();
      if (!address || !mayProbe(address, this.config.monitoring.probeNetworks)) continue;
      const labels = inventoryLabels(asset);
      const hostPort = (port: number) => `${isIP(address) === 6 ? `[${address}]` : address}:${port}`;
      groups.icmp.push({ targets: [address], labels });
      const own = settings.get(asset.id);
      if (AGENT_KINDS.includes(asset.kind)) {
        const node = own?.nodeExporterPort ?? DEFAULT_NODE_EXPORTER_PORT;
        const mtail = own?.mtailPort ?? DEFAULT_MTAIL_PORT;
        if (node > 0) groups.node.push({ targets: [hostPort(node)], labels });
        if (mtail > 0) groups.mtail.push({ targets: [hostPort(mtail)], labels });
      }
      if (own?.snmpCommunitySealed) {
        try {
          snmpDevices.push({ assetId: asset.id, community: this.sealer.open(own.snmpCommunitySealed, `snmp|${asset.id}`) });
          groups.snmp.push({ targets: [hostPort(own.snmpPort ?? 161)], labels: { ...labels, __param_module: snmpModuleName(asset.id) } });
        } catch (error) {
          this.logger.warn(`the SNMP community of ${asset.hostname} cannot be opened (was OPSDESK_SECRET_KEY changed?): ${error instanceof Error ? error.message : String(error)}`);
        }
      }
    }
    let changed = false;
    // snmp.yml before the targets: a new device's module exists when Prometheus first asks for it.
    if (writeIfChanged(this.files.snmpYml, renderSnmpConfig(snmpDevices), 0o600)) await this.reloadSnmpExporter();
    for (const [job, list] of Object.entries(groups) as Array<[TargetJob, FileSdGroup[]]>) {
      changed = writeIfChanged(join(this.files.targetsDir, `${job}.json`), JSON.stringify(list, null, 2) + '\n') || changed;
    }
    monitoringStatus.targets = groups.icmp.length;
    if (changed) monitoringStatus.targetsWrittenAt = new Date();
    return groups;
  }

  private async reloadSnmpExporter(): Promise<void> {
    const url = this.config.monitoring.snmpExporterUrl;
    if (!url) return;
    try {
      const response = await fetch(`${url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      if (!response.ok) this.logger.warn(`snmp_exporter refused the reload (${response.status}): ${(await response.text()).slice(0, 300)}`);
    } catch (error) {
      this.logger.warn(`snmp_exporter did not answer the reload: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  /** The thresholds as the renderer needs them (device overrides name their host). */
  async ruleThresholds(em: EntityManager = this.em.fork()): Promise<RuleThreshold[]> {
    const thresholds = await em.find(MonitoringThreshold, {}, { orderBy: { id: 'asc' } });
    const assetIds = [...new Set(thresholds.map((t) => t.assetId).filter((id): id is string => !!id))];
    const assets = assetIds.length ? await em.find(Asset, { id: { $in: assetIds } }) : [];
    const hostOf = new Map(assets.map((a) => [a.id, a]));
    return thresholds.flatMap((t) => {
      const asset = t.assetId ? hostOf.get(t.assetId) : undefined;
      if (t.assetId && (!asset || asset.retiredAt)) return []; // a retired device is not watched
      return [{
        id: t.id, kind: t.kind, value: t.value, forSeconds: t.forSeconds, severity: t.severity, version: t.version, enabled: t.enabled,
        service: t.service ?? null, assetKind: t.assetKind ?? null, hostname: asset?.hostname ?? null,
      }];
    });
  }

  /** Checks a rule file with `promtool check rules`. */
  checkRules(content: string): RulesCheck {
    const promtool = monitoringToolPath('promtool');
    if (!existsSync(promtool)) return { ok: true, message: `promtool is missing at ${promtool}: the rules were not checked before Prometheus reads them` };
    const scratch = join(this.files.rulesDir, `.check-${process.pid}-${randomBytes(4).toString('hex')}.yml.tmp`);
    writeFileSync(scratch, content);
    try {
      const result = spawnSync(promtool, ['check', 'rules', scratch], { encoding: 'utf8', timeout: 30_000 });
      const message = `${result.stdout ?? ''}${result.stderr ?? ''}`.replaceAll(scratch, 'rules').trim();
      return { ok: result.status === 0, message: message || (result.error?.message ?? `exit ${result.status}`) };
    } finally {
      rmSync(scratch, { force: true });
    }
  }

  /**
   * Renders the rule file from `thresholds` (default: the database), checks it with promtool and,
   * only when it passes, puts it in place and reloads Prometheus. A refused file changes nothing:
   * the rules Prometheus runs stay as they were.
   */
  async applyRules(options: { thresholds?: RuleThreshold[]; onlyIfChanged?: boolean } = {}): Promise<RulesCheck & { changed: boolean }> {
    if (!this.enabled) return { ok: true, message: 'monitoring is off', changed: false };
    const thresholds = options.thresholds ?? (await this.ruleThresholds());
    const content = renderRules(thresholds, { publicUrl: this.config.publicUrl });
    const current = existsSync(this.files.rulesFile) ? readFileSync(this.files.rulesFile, 'utf8') : '';
    if (options.onlyIfChanged && current === content) return { ok: true, message: 'unchanged', changed: false };
    const check = this.checkRules(content);
    if (!check.ok) {
      monitoringStatus.recordReload(false, `promtool refused the rules: ${check.message}`);
      return { ...check, changed: false };
    }
    writeAtomically(this.files.rulesFile, content);
    const reload = await this.reloadPrometheus();
    return { ok: true, message: reload.message, changed: true };
  }

  /**
   * Runs `work` alone among the rule-file writers of this process (a threshold change holds it
   * until its transaction commits, so the periodic sync cannot write the rules it replaces).
   */
  exclusive<T>(work: () => Promise<T>): Promise<T> {
    const next = this.applying.then(work, work);
    this.applying = next.catch(() => undefined);
    return next;
  }

  /** Up/down of every pinged device and since when (as seen by this process). */
  readonly states = new Map<string, { up: boolean; since: Date; observedSince: 'transition' | 'first_seen' }>();

  private async observeStates(): Promise<void> {
    const result = await this.query('probe_success{job="icmp"}').catch(() => null);
    if (!result) return;
    const seen = new Set<string>();
    for (const sample of result) {
      const host = sample.metric.hostname;
      if (!host) continue;
      seen.add(host);
      const up = sample.value[1] === '1';
      const before = this.states.get(host);
      if (!before) this.states.set(host, { up, since: new Date(sample.value[0] * 1000), observedSince: 'first_seen' });
      else if (before.up !== up) this.states.set(host, { up, since: new Date(sample.value[0] * 1000), observedSince: 'transition' });
    }
    for (const host of [...this.states.keys()]) if (!seen.has(host)) this.states.delete(host);
  }

  /** An instant query; null when Prometheus is not there. */
  async query(promql: string): Promise<VectorSample[] | null> {
    const url = this.config.monitoring.prometheusUrl;
    if (!url) return null;
    return instantQuery(url, promql, { timeoutMs: 10_000 });
  }

  async queryRange(promql: string, start: number, end: number, stepSeconds: number): Promise<MatrixSeries[]> {
    const url = this.config.monitoring.prometheusUrl;
    if (!url) return [];
    return rangeQuery(url, promql, start, end, stepSeconds);
  }

  /** Firing and pending alerts of opsdesk's thresholds. */
  async alerts(): Promise<Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string; activeAt: string; value: string }>> {
    const url = this.config.monitoring.prometheusUrl;
    if (!url) return [];
    const response = await fetch(`${url}/api/v1/alerts`, { signal: AbortSignal.timeout(10_000) });
    if (!response.ok) throw new Error(`Prometheus answered ${response.status} for its alerts`);
    const body = (await response.json()) as { data: { alerts: Array<{ labels: Record<string, string>; annotations: Record<string, string>; state: string; activeAt: string; value: string }> } };
    return body.data.alerts;
  }

  /** `POST /-/reload` (Prometheus runs with --web.enable-lifecycle); the outcome is kept for /metrics. */
  async reloadPrometheus(): Promise<RulesCheck> {
    const url = this.config.monitoring.prometheusUrl;
    if (!url) return { ok: false, message: 'no Prometheus' };
    try {
      const response = await fetch(`${url}/-/reload`, { method: 'POST', signal: AbortSignal.timeout(10_000) });
      const text = (await response.text()).trim();
      const ok = response.ok;
      monitoringStatus.recordReload(ok, ok ? 'reloaded' : `Prometheus refused the reload (${response.status}): ${text}`);
      return { ok, message: ok ? 'reloaded' : text };
    } catch (error) {
      const message = `Prometheus did not answer the reload: ${error instanceof Error ? error.message : String(error)}`;
      monitoringStatus.recordReload(false, message);
      return { ok: false, message };
    }
  }

  private async probeStack(): Promise<void> {
    const up = async (url: string | null) => {
      if (!url) return null;
      try {
        return (await fetch(`${url}/-/ready`, { signal: AbortSignal.timeout(2_000) })).ok;
      } catch {
        return false;
      }
    };
    const [prometheus, alertmanager] = await Promise.all([up(this.config.monitoring.prometheusUrl), up(this.config.monitoring.alertmanagerUrl)]);
    monitoringStatus.prometheusUp = prometheus;
    monitoringStatus.alertmanagerUp = alertmanager;
    monitoringStatus.checkedAt = new Date();
  }

  /**
   * The alert source `opsdesk-monitoring` and its token in `<dir>/alert-token` (read by
   * Alertmanager's credentials_file at every notification): made once, renewed when the file and
   * the database disagree (a fresh database, a lost file).
   */
  private async ensureAlertToken(): Promise<void> {
    const file = this.files.alertTokenFile;
    const em = this.em.fork();
    const existing = existsSync(file) ? readFileSync(file, 'utf8').trim() : '';
    const source = await em.findOne(AlertSource, { name: MONITORING_ALERT_SOURCE });
    if (existing && source && !source.revokedAt && source.tokenHash === hashToken(existing)) return;
    if (source?.revokedAt) {
      this.logger.warn(`the alert source ${MONITORING_ALERT_SOURCE} is revoked: Prometheus alerts will be refused until an admin registers monitoring again`);
      return;
    }
    const token = randomBytes(32).toString('base64url');
    if (source) source.tokenHash = hashToken(token);
    else em.persist(em.create(AlertSource, { name: MONITORING_ALERT_SOURCE, tokenHash: hashToken(token), createdAt: new Date(), createdBy: 'system' }));
    await em.flush();
    writeAtomically(file, `${token}\n`, 0o600);
  }
}

/** VMs and servers carry node_exporter and mtail (their default ports unless the device says otherwise; 0: none). */
export const AGENT_KINDS: readonly string[] = ['vm', 'database_server', 'backup_server'];
export const DEFAULT_NODE_EXPORTER_PORT = 9100;
export const DEFAULT_MTAIL_PORT = 3903;

function writeAtomically(file: string, content: string, mode = 0o644): void {
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, content, { mode });
  renameSync(tmp, file);
}

/** Prometheus watches the file: an unchanged one is not touched. */
function writeIfChanged(file: string, content: string, mode?: number): boolean {
  if (existsSync(file) && readFileSync(file, 'utf8') === content) return false;
  writeAtomically(file, content, mode);
  return true;
}

export const contentHash = (text: string) => createHash('sha256').update(text).digest('hex');
