import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsObject, IsOptional, IsString, IsUUID, Length, MaxLength } from 'class-validator';
import { REQUEST_TYPES } from '../../../workflows/shared/request-types';

export class SubmitWorkRequestDto {
  @ApiProperty({ enum: REQUEST_TYPES.map((t) => t.type), example: 'vm.provision' })
  @IsIn(REQUEST_TYPES.map((t) => t.type), { message: `type must be one of: ${REQUEST_TYPES.map((t) => t.type).join(', ')}` })
  readonly type!: string;

  @ApiProperty({ example: '税務システム検証用VMの払出し' })
  @IsString()
  @Length(1, 200)
  readonly subject!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, example: { vmName: 'vm-zeimu-test', cpu: 2, memoryGiB: 8, diskGiB: 100, os: 'rhel9', businessSystem: '税務システム' } })
  @IsObject()
  readonly params!: Record<string, unknown>;

  @ApiPropertyOptional({ example: '2026-12-10T10:00:00+09:00' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly desiredDate?: string;

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(4000)
  readonly note?: string;

  @ApiPropertyOptional({ description: 'general affairs submitting on behalf of a department' })
  @IsOptional()
  @IsUUID()
  readonly departmentId?: string;
}
