import { ApiProperty } from '@nestjs/swagger';
import { ASSET_KINDS } from '../../inventory/asset.entity';
import { covers, describes, OBJECT } from '../../openapi/describes';
import type { DeviceAgentsView } from '../agents.service';
import type { MonitoringHealth } from '../monitoring-status';
import type { Breach, DeviceState, MonitoringViewService } from '../monitoring-view.service';
import { THRESHOLD_KINDS, THRESHOLD_SEVERITIES } from '../threshold-rules';
import type { ThresholdView, ThresholdsService } from '../thresholds.service';

/** The last rule check and Prometheus reload. */
export class MonitoringReloadDto {
  @ApiProperty({ format: 'date-time' }) readonly at: string;
  @ApiProperty() readonly ok: boolean;
  @ApiProperty({ description: 'promtool\'s or the reload\'s message (at most 1000 characters)' }) readonly message: string;
}

/** Whether monitoring runs (GET /api/monitoring/status, and with the devices). */
export class MonitoringHealthDto {
  @ApiProperty({ enum: ['ok', 'down', 'off'], enumName: 'MonitoringState', description: 'ok: Prometheus and Alertmanager answer; down: one does not; off: not configured (see reason)' })
  readonly state: 'ok' | 'down' | 'off';
  @ApiProperty({ type: String, nullable: true, description: 'why monitoring is off' }) readonly reason: string | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'null: not checked yet' }) readonly prometheus: boolean | null;
  @ApiProperty({ type: Boolean, nullable: true, description: 'null: not checked yet' }) readonly alertmanager: boolean | null;
  @ApiProperty({ description: 'devices with an address that Prometheus pings' }) readonly targets: number;
  @ApiProperty({ type: () => MonitoringReloadDto, nullable: true }) readonly lastReload: MonitoringReloadDto | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly checkedAt: string | null;
}
describes<MonitoringHealthDto, MonitoringHealth>(true);

/** A threshold a device breaches now (an alert of Prometheus, pending or firing). */
export class BreachDto {
  @ApiProperty() readonly alertName: string;
  @ApiProperty({ description: 'the threshold as text' }) readonly threshold: string;
  @ApiProperty({ example: 'major' }) readonly severity: string;
  @ApiProperty({ enum: ['firing', 'pending'], enumName: 'BreachState' }) readonly state: 'firing' | 'pending';
  @ApiProperty({ format: 'date-time' }) readonly since: string;
  @ApiProperty() readonly value: number;
}
describes<BreachDto, Breach>(true);

/** A visible device on the monitoring page. */
export class DeviceStateDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ example: 'esx01' }) readonly hostname: string;
  @ApiProperty({ enum: ASSET_KINDS, enumName: 'AssetKind', type: String }) readonly kind: string;
  @ApiProperty({ type: String, nullable: true }) readonly address: string | null;
  @ApiProperty({ type: [String] }) readonly businessSystems: string[];
  @ApiProperty({ type: [String], description: 'the departments\' Japanese names' }) readonly departments: string[];
  @ApiProperty({ enum: ['up', 'down', 'unknown'], enumName: 'DeviceLiveness', description: 'from the last ICMP probe; unknown: no address, or no sample yet' })
  readonly state: 'up' | 'down' | 'unknown';
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'when the state began, as far as opsdesk saw' }) readonly since: string | null;
  @ApiProperty({ enum: ['transition', 'first_seen'], enumName: 'SinceKind', nullable: true, description: 'first_seen: at least since then' })
  readonly sinceKind: 'transition' | 'first_seen' | null;
  @ApiProperty({ type: Number, nullable: true }) readonly rttMs: number | null;
  @ApiProperty({ type: () => [BreachDto] }) readonly breaches: BreachDto[];
  @ApiProperty({ enum: ['no_address', 'outside_probe_networks'], enumName: 'NotWatched', nullable: true, description: 'why the state is unknown' })
  readonly notWatched: 'no_address' | 'outside_probe_networks' | null;
}
describes<DeviceStateDto, DeviceState>(true);

export class MonitoringDevicesDto {
  @ApiProperty({ type: () => MonitoringHealthDto }) readonly monitoring: MonitoringHealthDto;
  @ApiProperty({ type: () => [DeviceStateDto] }) readonly devices: DeviceStateDto[];
}
describes<MonitoringDevicesDto, Awaited<ReturnType<MonitoringViewService['devices']>>>(true);

/** One line of a chart: Prometheus' labels and its points. */
export class SeriesLineDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' } }) readonly labels: Record<string, string>;
  @ApiProperty({ type: 'array', items: { type: 'array', items: { type: 'number' } }, description: '[unix seconds, value] pairs' }) readonly points: number[][];
}

/** A chart of one device (GET /api/monitoring/devices/{id}/series). */
export class MonitoringSeriesDto {
  @ApiProperty() readonly hostname: string;
  @ApiProperty({ example: 'ping' }) readonly metric: string;
  @ApiProperty({ example: '24h' }) readonly range: string;
  @ApiProperty({ example: 'ms' }) readonly unit: string;
  @ApiProperty({ required: false, description: 'seconds between points (absent when monitoring is off)' }) readonly step?: number;
  @ApiProperty({ type: () => [SeriesLineDto] }) readonly series: SeriesLineDto[];
  @ApiProperty({ type: () => MonitoringHealthDto, required: false, description: 'only when monitoring is off (then series is empty)' }) readonly monitoring?: MonitoringHealthDto;
}
/** The handler answers one of two shapes (monitoring off / on) and its points are [number, number] tuples: both fit the DTO. */
covers<MonitoringSeriesDto, Awaited<ReturnType<MonitoringViewService['series']>>>();

/** A threshold (per device class, or a device's override). */
export class ThresholdViewDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ enum: THRESHOLD_KINDS, enumName: 'ThresholdKind', type: String }) readonly kind: string;
  @ApiProperty({ enum: ASSET_KINDS, enumName: 'AssetKind', type: String, nullable: true, description: 'the device class (null: a device override)' }) readonly assetKind: string | null;
  @ApiProperty({ type: String, format: 'uuid', nullable: true, description: 'the device overridden (null: a class threshold)' }) readonly assetId: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the overridden device\'s host name' }) readonly hostname: string | null;
  @ApiProperty() readonly value: number;
  @ApiProperty() readonly forSeconds: number;
  @ApiProperty({ enum: THRESHOLD_SEVERITIES, enumName: 'ThresholdSeverity', type: String }) readonly severity: string;
  @ApiProperty({ type: String, nullable: true, description: 'service_down: the systemd unit' }) readonly service: string | null;
  @ApiProperty() readonly enabled: boolean;
  @ApiProperty() readonly version: number;
  @ApiProperty({ description: 'the threshold as text' }) readonly description: string;
  @ApiProperty({ format: 'date-time' }) readonly updatedAt: string;
  @ApiProperty() readonly updatedBy: string;
}
describes<ThresholdViewDto, ThresholdView>(true);

/** A version of a threshold (every change is one, deletion included). */
export class ThresholdVersionDto {
  @ApiProperty() readonly version: number;
  @ApiProperty({ example: 'updated', description: 'created, updated or deleted' }) readonly change: string;
  @ApiProperty({ ...OBJECT, description: 'the threshold after the change (deleted: before it, with deleted: true)' }) readonly snapshot: Record<string, unknown>;
  @ApiProperty({ format: 'date-time' }) readonly at: string;
  @ApiProperty() readonly by: string;
}
describes<ThresholdVersionDto, Awaited<ReturnType<ThresholdsService['versions']>>[number]>(true);

/** How a device's agents are reached (the SNMP community itself is never shown). */
export class DeviceAgentsViewDto {
  @ApiProperty({ format: 'uuid' }) readonly assetId: string;
  @ApiProperty() readonly hostname: string;
  @ApiProperty({ type: Number, nullable: true }) readonly nodeExporterPort: number | null;
  @ApiProperty({ type: Number, nullable: true }) readonly mtailPort: number | null;
  @ApiProperty({ type: Number, nullable: true }) readonly snmpPort: number | null;
  @ApiProperty() readonly snmpCommunitySet: boolean;
}
describes<DeviceAgentsViewDto, DeviceAgentsView>(true);
