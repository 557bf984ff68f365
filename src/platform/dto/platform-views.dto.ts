import { ApiProperty } from '@nestjs/swagger';

/** Capacity and use, summed over a cluster. */
export class CapacityFigureDto {
  @ApiProperty() readonly total: number;
  @ApiProperty() readonly used: number;
}

/** A cluster on the latest sampled day: its hosts' CPU and memory, its datastores' space. */
export class ClusterCapacityDto {
  @ApiProperty() readonly cluster: string;
  @ApiProperty({ description: 'hosts sampled' }) readonly hosts: number;
  @ApiProperty({ description: 'VMs on those hosts' }) readonly vms: number;
  @ApiProperty({ type: () => CapacityFigureDto }) readonly cpu: CapacityFigureDto;
  @ApiProperty({ type: () => CapacityFigureDto }) readonly memoryGiB: CapacityFigureDto;
  @ApiProperty({ type: () => CapacityFigureDto }) readonly datastoreGiB: CapacityFigureDto;
}

/** A host's CPU or memory on a day (null where the adapter did not report it). */
export class HostFigureDto {
  @ApiProperty({ type: Number, nullable: true }) readonly total: number | null;
  @ApiProperty({ type: Number, nullable: true }) readonly used: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'the day\'s highest use' }) readonly peak: number | null;
}

/** Disk space on a day. */
export class DiskFigureDto {
  @ApiProperty() readonly total: number;
  @ApiProperty() readonly used: number;
  @ApiProperty({ description: 'the day\'s highest use' }) readonly peak: number;
}

/** One host or datastore on one day (the monthly report's rows). */
export class CapacityDayDto {
  @ApiProperty({ format: 'date', example: '2026-12-01' }) readonly day: string;
  @ApiProperty() readonly cluster: string;
  @ApiProperty({ enum: ['host', 'datastore'], enumName: 'CapacityRowKind' }) readonly kind: 'host' | 'datastore';
  @ApiProperty() readonly name: string;
  @ApiProperty({ type: () => HostFigureDto, nullable: true, description: 'hosts only' }) readonly cpu: HostFigureDto | null;
  @ApiProperty({ type: () => HostFigureDto, nullable: true, description: 'hosts only' }) readonly memoryGiB: HostFigureDto | null;
  @ApiProperty({ type: () => DiskFigureDto }) readonly diskGiB: DiskFigureDto;
  @ApiProperty({ type: Number, nullable: true }) readonly vmCount: number | null;
  @ApiProperty({ description: 'samples the day\'s figures are made of' }) readonly samples: number;
  @ApiProperty({ format: 'date-time', description: 'the last sample of the day' }) readonly sampledAt: string;
}

/**
 * R-RPT-3: the platform's capacity per cluster (GET /api/platform/capacity). Checked against what
 * the handler returns in src/platform/platform.controller.ts (there, so this file imports no controller).
 */
export class PlatformCapacityDto {
  @ApiProperty({ example: 'simulator' }) readonly adapter: string;
  @ApiProperty() readonly simulated: boolean;
  @ApiProperty() readonly labelJa: string;
  @ApiProperty({ format: 'date' }) readonly from: string;
  @ApiProperty({ format: 'date' }) readonly to: string;
  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'the last day with samples in the range (null: none)' }) readonly latestDay: string | null;
  @ApiProperty({ type: () => [ClusterCapacityDto], description: 'on latestDay' }) readonly clusters: ClusterCapacityDto[];
  @ApiProperty({ type: () => [CapacityDayDto] }) readonly days: CapacityDayDto[];
}
