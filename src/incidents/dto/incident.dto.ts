import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsISO8601, IsOptional, IsString, Length, Matches } from 'class-validator';
import { SEVERITIES } from '../../../workflows/shared/case-model';

export class ReportIncidentDto {
  @ApiProperty({ example: 'vm-zeimu01' })
  @IsString()
  @Length(1, 253)
  @Matches(/^[^\s\p{Cc}]+$/u, { message: 'hostname must not contain spaces or control characters' })
  readonly hostname!: string;

  @ApiProperty({ example: '税務システムにログインできない' })
  @IsString()
  @Length(1, 200)
  readonly subject!: string;

  @ApiProperty({ example: '税務課より電話: 10:05頃から画面が表示されない' })
  @IsString()
  @Length(1, 4000)
  readonly summary!: string;

  @ApiProperty({ enum: SEVERITIES })
  @IsIn(SEVERITIES)
  readonly severity!: (typeof SEVERITIES)[number];

  @ApiPropertyOptional({ description: 'when it was detected (ISO 8601); now if omitted' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly detectedAt?: string;
}
