import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { invalid } from '../common/errors';
import { CurrentActor, type Actor } from '../identity/current-user';
import { CalendarService } from './calendar.service';
import { CalendarSettingsDto, ClosingDayDto, DeadlineQuery, HolidaysQuery } from './dto/calendar.dto';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('api/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** R-HOURS-1: 17:15 on the n-th business day after `from`. */
  @Get('deadline')
  async deadline(@Query() query: DeadlineQuery) {
    const from = new Date(query.from);
    if (Number.isNaN(from.getTime())) throw invalid('from', 'from must be an ISO 8601 date-time');
    const dueAt = await this.calendar.deadline(from, query.businessDays);
    return { from: from.toISOString(), businessDays: query.businessDays, dueAt: dueAt.toISOString() };
  }

  @Get('holidays')
  async holidays(@Query() query: HolidaysQuery) {
    return { year: query.year, days: await this.calendar.nonBusinessDays(query.year) };
  }

  @Get('closing-days')
  closingDays() {
    return this.calendar.listClosingDays();
  }

  @Post('closing-days')
  addClosingDay(@Body() body: ClosingDayDto, @CurrentActor() actor: Actor) {
    return this.calendar.addClosingDay(body.date, body.nameJa, body.nameEn, actor.username);
  }

  @Delete('closing-days/:date')
  @HttpCode(204)
  async removeClosingDay(@Param('date') date: string): Promise<void> {
    await this.calendar.removeClosingDay(date);
  }

  @Get('settings')
  settings() {
    return this.calendar.settings();
  }

  @Put('settings')
  updateSettings(@Body() body: CalendarSettingsDto, @CurrentActor() actor: Actor) {
    return this.calendar.updateSettings(body, actor.username);
  }
}
