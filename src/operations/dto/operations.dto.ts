import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export class ListBackupsQuery {
  @ApiPropertyOptional({ enum: ['vm', 'database'] })
  @IsOptional()
  @IsIn(['vm', 'database'])
  readonly targetKind?: 'vm' | 'database';

  @ApiPropertyOptional()
  @IsOptional()
  @IsString()
  @MaxLength(63)
  readonly targetName?: string;

  @ApiPropertyOptional({ default: 100, maximum: 500 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(500)
  readonly limit?: number;
}
