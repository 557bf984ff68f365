import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class AuditQueryDto {
  @ApiPropertyOptional({ description: 'username of the actor', example: 'ga1' })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  readonly actor?: string;

  @ApiPropertyOptional({ description: 'action, exactly, or a prefix ending in * (`task.*`)', example: 'task.complete' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  readonly action?: string;

  @ApiPropertyOptional({ description: 'target, exactly, or a prefix ending in * (`case:INC-2026-0001*`)', example: 'user:ga1' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  readonly target?: string;

  @ApiPropertyOptional({ enum: ['ok', 'refused', 'failed'] })
  @IsOptional()
  @IsIn(['ok', 'refused', 'failed'])
  readonly outcome?: 'ok' | 'refused' | 'failed';

  @ApiPropertyOptional({ description: 'at or after (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly from?: string;

  @ApiPropertyOptional({ description: 'before (ISO 8601)' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly to?: string;

  @ApiPropertyOptional({ description: 'page size (default 100; CSV: 10000)', minimum: 1, maximum: 10000 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(10_000)
  readonly limit?: number;

  @ApiPropertyOptional({ default: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(1_000_000_000)
  readonly offset?: number;

  @ApiPropertyOptional({ enum: ['json', 'csv'], default: 'json', description: 'csv: UTF-8 with BOM, Japanese headers, oldest first' })
  @IsOptional()
  @IsIn(['json', 'csv'])
  readonly format?: 'json' | 'csv';
}
