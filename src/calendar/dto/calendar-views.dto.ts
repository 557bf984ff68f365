import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { describes } from '../../openapi/describes';
import type { NonBusinessDay } from '../business-calendar';

/** R-HOURS-1: 17:15 on the n-th business day after `from`. */
export class DeadlineDto {
  @ApiProperty({ format: 'date-time' }) readonly from: string;
  @ApiProperty() readonly businessDays: number;
  @ApiProperty({ format: 'date-time' }) readonly dueAt: string;
}

/** A weekday that is not a business day: a national holiday or a closing day (weekends are implied). */
export class NonBusinessDayDto {
  @ApiProperty({ format: 'date', example: '2026-01-01' }) readonly date: string;
  @ApiProperty({ enum: ['national_holiday', 'closing_day'] }) readonly kind: 'national_holiday' | 'closing_day';
  @ApiProperty() readonly nameJa: string;
  @ApiProperty() readonly nameEn: string;
  @ApiProperty() readonly onWeekend: boolean;
}
describes<NonBusinessDayDto, NonBusinessDay>(true);

export class HolidaysDto {
  @ApiProperty() readonly year: number;
  @ApiProperty({ type: () => [NonBusinessDayDto] }) readonly days: NonBusinessDayDto[];
}

/** A closing day (閉庁日) the authority added (the ClosingDay entity as JSON). */
export class ClosingDayViewDto {
  @ApiProperty({ format: 'date', example: '2026-08-14' }) readonly date: string;
  @ApiProperty() readonly nameJa: string;
  @ApiProperty() readonly nameEn: string;
  @ApiProperty({ type: String, nullable: true }) readonly createdBy: string | null;
  @ApiProperty({ format: 'date-time' }) readonly createdAt: string;
}

/** Reception hours and the recurring year-end closing (the CalendarSettings entity as JSON). */
export class CalendarSettingsViewDto {
  @ApiProperty({ example: 1 }) readonly id: number;
  @ApiProperty({ description: 'minutes since midnight JST (08:30 = 510)' }) readonly openMinutes: number;
  @ApiProperty({ example: 1035 }) readonly closeMinutes: number;
  @ApiProperty({ type: String, nullable: true, example: '12-29' }) readonly closingPeriodFrom: string | null;
  @ApiProperty({ type: String, nullable: true, example: '01-03' }) readonly closingPeriodTo: string | null;
  @ApiProperty({ format: 'date-time' }) readonly updatedAt: string;
  @ApiPropertyOptional({ type: String, nullable: true, description: 'absent until someone changed the settings' }) readonly updatedBy?: string | null;
}
