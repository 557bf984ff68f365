import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDateString, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateIf } from 'class-validator';

export class DeadlineQuery {
  @ApiProperty({ example: '2026-12-25T10:00:00+09:00', description: 'ISO 8601 instant of receipt' })
  @IsDateString({ strict: true }, { message: 'from must be an ISO 8601 date-time' })
  readonly from!: string;

  @ApiProperty({ example: 3 })
  @Type(() => Number)
  @IsInt({ message: 'businessDays must be a whole number' })
  @Min(0)
  @Max(365)
  readonly businessDays!: number;
}

export class HolidaysQuery {
  @ApiProperty({ example: 2026 })
  @Type(() => Number)
  @IsInt({ message: 'year must be a whole number' })
  @Min(1970)
  @Max(2100)
  readonly year!: number;
}

export class ClosingDayDto {
  @ApiProperty({ example: '2026-08-14' })
  @Matches(/^\d{4}-\d{2}-\d{2}$/, { message: 'date must be YYYY-MM-DD' })
  readonly date!: string;

  @ApiProperty({ example: '庁舎設備点検' })
  @IsString()
  @Length(1, 100)
  readonly nameJa!: string;

  @ApiProperty({ example: 'Building inspection' })
  @IsString()
  @Length(1, 100)
  readonly nameEn!: string;
}

const MONTH_DAY = /^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export class CalendarSettingsDto {
  @ApiPropertyOptional({ example: 510, description: 'minutes since midnight JST (08:30 = 510)' })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(1439)
  readonly openMinutes?: number;

  @ApiPropertyOptional({ example: 1035 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(1440)
  readonly closeMinutes?: number;

  @ApiPropertyOptional({ type: String, example: '12-29', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(MONTH_DAY, { message: 'closingPeriodFrom must be MM-DD' })
  readonly closingPeriodFrom?: string | null;

  @ApiPropertyOptional({ type: String, example: '01-03', nullable: true })
  @IsOptional()
  @ValidateIf((_, v) => v !== null)
  @Matches(MONTH_DAY, { message: 'closingPeriodTo must be MM-DD' })
  readonly closingPeriodTo?: string | null;
}
