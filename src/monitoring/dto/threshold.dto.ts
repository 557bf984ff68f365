import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, Min, ValidateIf } from 'class-validator';
import { ASSET_KINDS, type AssetKind } from '../../inventory/asset.entity';
import { SERVICE_NAME_PATTERN, THRESHOLD_KINDS, THRESHOLD_SEVERITIES, type ThresholdKind, type ThresholdSeverity } from '../threshold-rules';

const present = (_: object, value: unknown) => value !== undefined;
const presentNotNull = (_: object, value: unknown) => value !== undefined && value !== null;

/** A threshold: a kind and numbers, never PromQL. Exactly one of assetKind (a class) and assetId (a device override). */
export class CreateThresholdDto {
  @ApiProperty({ enum: THRESHOLD_KINDS })
  @IsIn([...THRESHOLD_KINDS], { message: `kind must be one of ${THRESHOLD_KINDS.join(', ')}` })
  readonly kind!: ThresholdKind;

  @ApiPropertyOptional({ enum: ASSET_KINDS, description: 'The device class (omit for a device override)' })
  @ValidateIf(presentNotNull)
  @IsIn([...ASSET_KINDS], { message: `assetKind must be one of ${ASSET_KINDS.join(', ')}` })
  readonly assetKind?: AssetKind | null;

  @ApiPropertyOptional({ description: 'The device this overrides its class threshold for (omit for a class threshold)' })
  @ValidateIf(presentNotNull)
  @IsUUID('all', { message: 'assetId must be an asset id (uuid)' })
  readonly assetId?: string | null;

  @ApiProperty({ description: 'Seconds for ping_down; ms, %, days, lines or bps for the others' })
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'value must be a number' })
  readonly value!: number;

  @ApiPropertyOptional({ description: 'How long the condition must hold (the rule\'s for:), 0 to 604800 s', default: 60 })
  @IsOptional()
  @IsInt({ message: 'forSeconds must be a whole number of seconds' })
  @Min(0, { message: 'forSeconds must be at least 0' })
  @Max(604_800, { message: 'forSeconds must be at most 604800 (7 days)' })
  readonly forSeconds?: number;

  @ApiProperty({ enum: THRESHOLD_SEVERITIES })
  @IsIn([...THRESHOLD_SEVERITIES], { message: `severity must be one of ${THRESHOLD_SEVERITIES.join(', ')}` })
  readonly severity!: ThresholdSeverity;

  @ApiPropertyOptional({ description: 'service_down: the systemd unit, e.g. nginx.service' })
  @ValidateIf(presentNotNull)
  @IsString({ message: 'service must be a string' })
  @Matches(SERVICE_NAME_PATTERN, { message: 'service must be a unit name of letters, digits and @ . _ : - (at most 200)' })
  readonly service?: string | null;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean({ message: 'enabled must be true or false' })
  readonly enabled?: boolean;
}

export class PatchThresholdDto {
  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsNumber({ allowNaN: false, allowInfinity: false }, { message: 'value must be a number' })
  readonly value?: number;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsInt({ message: 'forSeconds must be a whole number of seconds' })
  @Min(0, { message: 'forSeconds must be at least 0' })
  @Max(604_800, { message: 'forSeconds must be at most 604800 (7 days)' })
  readonly forSeconds?: number;

  @ApiPropertyOptional({ enum: THRESHOLD_SEVERITIES })
  @ValidateIf(present)
  @IsIn([...THRESHOLD_SEVERITIES], { message: `severity must be one of ${THRESHOLD_SEVERITIES.join(', ')}` })
  readonly severity?: ThresholdSeverity;

  @ApiPropertyOptional()
  @ValidateIf(presentNotNull)
  @IsString({ message: 'service must be a string' })
  @Matches(SERVICE_NAME_PATTERN, { message: 'service must be a unit name of letters, digits and @ . _ : - (at most 200)' })
  readonly service?: string | null;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsBoolean({ message: 'enabled must be true or false' })
  readonly enabled?: boolean;
}
