/**
 * R-MON-1: hypervisor events take the threshold → alert → incident path like every other breach.
 * An event (host not responding, a VM powered off outside opsdesk, HA, an alarm, a datastore
 * filling) is judged against the thresholds of its kind for the device it concerns: the device's
 * own override, else its class's threshold (the inventory's kind; an entity the inventory does not
 * know takes the class its event implies). No threshold, or a switched-off one: no alert. The
 * threshold gives the severity and is named in the alert, as a Prometheus rule's annotations are.
 */
import type { EntityManager } from '@mikro-orm/postgresql';
import { Asset, type AssetKind } from '../inventory/asset.entity';
import type { PlatformEvent, PlatformEventKind } from '../providers/hypervisor.port';
import { MonitoringThreshold } from './monitoring.entities';
import { describeThreshold, EVENT_KINDS, THRESHOLD_SEVERITIES, type EventThresholdKind, type ThresholdSeverity } from './threshold-rules';

/** An event and, for a datastore sampled by the capacity pass, its measured use. */
export interface JudgedEvent {
  event: PlatformEvent;
  /** Percent used, when measured (capacity); a platform's own datastore alarm has none. */
  percent?: number;
}

export interface EventThreshold {
  id: string;
  kind: EventThresholdKind;
  value: number;
  severity: ThresholdSeverity;
  version: number;
  enabled: boolean;
  assetKind: AssetKind | null;
  assetId: string | null;
}

export interface EventDevice {
  id: string;
  kind: AssetKind;
  hostname: string;
}

export type EventVerdict =
  | { raise: true; severity: ThresholdSeverity; threshold: EventThreshold; summary: string }
  | { raise: false; reason: string };

/** Which threshold kind judges an event: a datastore with a measured use is a percent; the platform's own datastore alarm is an alarm. */
export function thresholdKindOf(judged: JudgedEvent): EventThresholdKind {
  const kinds: Record<PlatformEventKind, EventThresholdKind> = {
    host_not_responding: 'hypervisor_host_down',
    vm_powered_off: 'vm_powered_off',
    ha: 'hypervisor_ha_event',
    alarm: 'hypervisor_alarm',
    datastore_usage: judged.percent === undefined ? 'hypervisor_alarm' : 'datastore_percent',
  };
  return kinds[judged.event.kind];
}

/** The class of an entity the inventory does not hold, from what the event is about. */
export function impliedClass(kind: PlatformEventKind): AssetKind {
  return ({ host_not_responding: 'hypervisor_host', vm_powered_off: 'vm', ha: 'hypervisor_host', alarm: 'hypervisor_host', datastore_usage: 'storage' } as const)[kind];
}

const rank = (s: ThresholdSeverity) => THRESHOLD_SEVERITIES.indexOf(s);
/** The less severe of two. */
const milder = (a: ThresholdSeverity, b: ThresholdSeverity) => (rank(a) >= rank(b) ? a : b);

/**
 * The verdict on one event. Alarms: value 1 takes yellow and red, 2 red only; a red alarm gets the
 * threshold's severity, a yellow one at most `warning`. A measured datastore raises at value % or more.
 */
export function judgeEvent(judged: JudgedEvent, device: EventDevice | null, thresholds: EventThreshold[]): EventVerdict {
  const kind = thresholdKindOf(judged);
  const assetKind = device?.kind ?? impliedClass(judged.event.kind);
  const threshold =
    (device && thresholds.find((t) => t.kind === kind && t.assetId === device.id)) ||
    thresholds.find((t) => t.kind === kind && t.assetKind === assetKind);
  const scopeOf = (t: EventThreshold) => (t.assetId ? `機器 ${device?.hostname ?? judged.event.entity} 個別の閾値` : `機器分類 ${t.assetKind} の閾値`);
  if (!threshold) return { raise: false, reason: `no ${kind} threshold for ${device ? device.hostname : judged.event.entity} (class ${assetKind})` };
  if (!threshold.enabled) return { raise: false, reason: `the ${kind} threshold (${scopeOf(threshold)}) is switched off` };
  let severity = threshold.severity;
  let measured: string;
  if (kind === 'datastore_percent') {
    const percent = judged.percent ?? 0;
    if (percent < threshold.value) return { raise: false, reason: `${judged.event.entity} is ${percent.toFixed(1)} % used, below ${threshold.value} %` };
    measured = `${percent.toFixed(1)} %`;
  } else if (kind === 'hypervisor_alarm') {
    const red = judged.event.severity === 'critical';
    if (!red && threshold.value >= 2) return { raise: false, reason: `a yellow alarm on ${judged.event.entity}: the threshold takes red ones only` };
    if (!red) severity = milder(severity, 'warning');
    measured = red ? '赤 (red)' : '黄 (yellow)';
  } else {
    measured = judged.event.type;
  }
  const described = describeThreshold({ kind, value: threshold.value, forSeconds: 0, service: null });
  const summary =
    `閾値超過: ${described}（${scopeOf(threshold)}・第 ${threshold.version} 版・重大度 ${severity}）\n` +
    `測定値: ${measured}\n` +
    `ハイパーバイザーの通知: ${judged.event.summary}`;
  return { raise: true, severity, threshold, summary };
}

/** Reads the event thresholds and the devices events name, and judges a batch. */
export class EventThresholdGate {
  constructor(private readonly em: EntityManager) {}

  async judge(batch: JudgedEvent[]): Promise<Array<{ judged: JudgedEvent; verdict: EventVerdict }>> {
    if (batch.length === 0) return [];
    const em = this.em.fork();
    const rows = await em.find(MonitoringThreshold, { kind: { $in: [...EVENT_KINDS] } });
    const thresholds: EventThreshold[] = rows.map((t) => ({
      id: t.id, kind: t.kind as EventThresholdKind, value: t.value, severity: t.severity, version: t.version, enabled: t.enabled,
      assetKind: t.assetKind ?? null, assetId: t.assetId ?? null,
    }));
    const names = [...new Set(batch.map((j) => j.event.entity.toLowerCase()))];
    const assets = await em.find(Asset, { hostname: { $in: names }, retiredAt: null });
    const byName = new Map(assets.map((a) => [a.hostname.toLowerCase(), { id: a.id, kind: a.kind, hostname: a.hostname }]));
    return batch.map((judged) => ({ judged, verdict: judgeEvent(judged, byName.get(judged.event.entity.toLowerCase()) ?? null, thresholds) }));
  }
}
