import type { PlatformEvent } from '../hypervisor.port';
import { obj, ref, text, type ParsedObject } from './vim-xml';

/**
 * vCenter's events and alarm states as R-MON-1 alerts: which event types matter, what they are
 * about and how severe they are. Pure: the adapter reads, this decides.
 */

// vCenter writes HostConnectionLostEvent ("Host … is not responding") when a host stops answering; vim25 has no
// HostNotRespondingEvent type (govmomi does not know it, and vcsim's PostEvent crashes on it), kept here harmlessly.
const HOST_DOWN = new Set(['HostNotRespondingEvent', 'HostConnectionLostEvent', 'HostShutdownEvent']);
const HA = new Set([
  'DasHostFailedEvent', 'DasHostIsolatedEvent', 'DasAgentUnavailableEvent', 'DasClusterIsolatedEvent', 'VmFailoverFailed',
  'DasAdmissionControlDisabledEvent', 'InsufficientFailoverResourcesEvent', 'FailoverLevelRestored', 'VmDasBeingResetEvent',
  'VmDasResetFailedEvent', 'VmDasBeingResetWithScreenshotEvent',
]);

/** The name of an event's entity argument (`vm`, `host`, `ds`, `computeResource`, `datacenter`). */
function argName(event: ParsedObject, field: string): string | undefined {
  return text(obj(event[field]).name) || undefined;
}

/** The time string exactly as vCenter wrote it (nanoseconds kept: the cursor compares it). */
export function eventTime(event: ParsedObject): string {
  return text(event.createdTime) ?? new Date(0).toISOString();
}

export function eventKey(event: ParsedObject): number {
  return Number(text(event.key) ?? '0');
}

/** The VM an event is about (its managed object id), for telling opsdesk's own power-offs apart. */
export function eventVm(event: ParsedObject): string | undefined {
  return ref(obj(event.vm).vm)?.value;
}

/**
 * The alert an event is, or null when it is none of R-MON-1's: host not responding, a VM powered
 * off (the caller has already dropped those opsdesk did itself), HA events, alarms turning red or
 * yellow (a datastore's alarm as datastore usage).
 */
export function toPlatformEvent(event: ParsedObject): PlatformEvent | null {
  const type = event.$type ?? '';
  const key = `event:${eventKey(event)}`;
  const at = new Date(eventTime(event)).toISOString();
  const message = text(event.fullFormattedMessage) ?? type;
  const host = argName(event, 'host') ?? argName(event, 'computeResource') ?? argName(event, 'datacenter') ?? '?';
  if (HOST_DOWN.has(type)) {
    return { key, kind: 'host_not_responding', type, severity: 'critical', entity: host, at, summary: `ホスト ${host} が応答しません / host ${host} is not responding: ${message}` };
  }
  if (type === 'VmPoweredOffEvent') {
    const vm = argName(event, 'vm') ?? '?';
    return { key, kind: 'vm_powered_off', type, severity: 'major', entity: vm, at, summary: `仮想マシン ${vm} が運用保守デスク以外の操作で停止しました / VM ${vm} was powered off, not by opsdesk: ${message}` };
  }
  const extendedId = text(event.eventTypeId) ?? '';
  if (HA.has(type) || /^com\.vmware\.vc\.HA\./.test(extendedId)) {
    const entity = argName(event, 'vm') ?? host;
    return { key, kind: 'ha', type: extendedId || type, severity: 'major', entity, at, summary: `vSphere HA: ${message}` };
  }
  if (type === 'AlarmStatusChangedEvent') {
    const to = text(event.to);
    if (to !== 'red' && to !== 'yellow') return null;
    const alarm = text(obj(event.alarm).name) ?? 'alarm';
    const entity = text(obj(event.entity).name) ?? host;
    const entityType = ref(obj(event.entity).entity)?.type;
    const datastore = entityType === 'Datastore' || /datastore|データストア/i.test(alarm);
    return {
      key, kind: datastore ? 'datastore_usage' : 'alarm', type, severity: to === 'red' ? 'critical' : 'warning', entity, at,
      summary: `vCenter アラーム「${alarm}」が ${to === 'red' ? '赤' : '黄'} になりました（${entity}） / vCenter alarm "${alarm}" turned ${to} on ${entity}`,
    };
  }
  return null;
}

/** A triggered alarm state (red or yellow, not acknowledged) as an event, keyed by its state and the time it turned so. */
export function alarmStateEvent(state: ParsedObject, names: { alarm: string; entity: string; entityType: string }): PlatformEvent | null {
  const status = text(state.overallStatus);
  if ((status !== 'red' && status !== 'yellow') || text(state.acknowledged) === 'true') return null;
  const time = text(state.time) ?? '';
  const datastore = names.entityType === 'Datastore' || /datastore|データストア/i.test(names.alarm);
  return {
    key: `alarm:${text(state.key) ?? '?'}:${status}:${time}`,
    kind: datastore ? 'datastore_usage' : 'alarm',
    type: 'AlarmState',
    severity: status === 'red' ? 'critical' : 'warning',
    entity: names.entity,
    at: time ? new Date(time).toISOString() : new Date().toISOString(),
    summary: `vCenter アラーム「${names.alarm}」が ${status === 'red' ? '赤' : '黄'} です（${names.entity}） / vCenter alarm "${names.alarm}" is ${status} on ${names.entity}`,
  };
}
