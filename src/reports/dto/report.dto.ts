import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsBoolean, IsIn, IsObject, IsOptional, IsString, Matches, MaxLength } from 'class-validator';

export class CreateMonthlyReportDto {
  @ApiProperty({ example: '2026-11', description: 'the month reported on (YYYY-MM, Japan)' })
  @IsString()
  @Matches(/^\d{4}-(0[1-9]|1[0-2])$/, { message: 'month must be YYYY-MM (e.g. 2026-11)' })
  readonly month!: string;
}

export class ReportCommentsDto {
  @ApiProperty({ type: 'object', additionalProperties: { type: 'string' }, example: { vms: '…', platform: '…', capacity: '…', work: '…', open_issues: '…' }, description: '所見 per section' })
  @IsObject()
  readonly comments!: Record<string, string>;
}

export class ReportDecisionDto {
  @ApiProperty({ enum: ['approve', 'send_back'], enumName: 'ReportDecisionOutcome' })
  @IsIn(['approve', 'send_back'], { message: 'outcome must be approve or send_back' })
  readonly outcome!: 'approve' | 'send_back';

  @ApiPropertyOptional({ description: 'required when sending back' })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  readonly reason?: string;
}

export class ReportSettingsDto {
  @ApiProperty({ description: 'department users see other departments\' rows of the report' })
  @IsBoolean()
  readonly departmentsSeeOthers!: boolean;
}
