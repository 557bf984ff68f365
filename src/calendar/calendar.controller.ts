import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { invalid } from '../common/errors';
import { CurrentActor, type Actor } from '../identity/current-user';
import { CalendarService } from './calendar.service';
import { CalendarSettingsDto, ClosingDayDto, DeadlineQuery, HolidaysQuery } from './dto/calendar.dto';
import { CalendarSettingsViewDto, ClosingDayViewDto, DeadlineDto, HolidaysDto } from './dto/calendar-views.dto';

@ApiTags('calendar')
@ApiBearerAuth()
@Controller('api/calendar')
export class CalendarController {
  constructor(private readonly calendar: CalendarService) {}

  /** R-HOURS-1: 17:15 on the n-th business day after `from`. */
  @Get('deadline')
  @ApiOkResponse({ type: DeadlineDto })
  async deadline(@Query() query: DeadlineQuery) {
    const from = new Date(query.from);
    if (Number.isNaN(from.getTime())) throw invalid('from', 'from must be an ISO 8601 date-time');
    const dueAt = await this.calendar.deadline(from, query.businessDays);
    return { from: from.toISOString(), businessDays: query.businessDays, dueAt: dueAt.toISOString() };
  }

  @Get('holidays')
  @ApiOkResponse({ type: HolidaysDto })
  async holidays(@Query() query: HolidaysQuery) {
    return { year: query.year, days: await this.calendar.nonBusinessDays(query.year) };
  }

  @Get('closing-days')
@ApiOkResponse({ type: [ClosingDayViewDto] })
  closingDays() {
    return this.calendar.listClosingDays();
  }

  @Post('closing-days')
@ApiCreatedResponse({ type: ClosingDayViewDto })
  addClosingDay(@Body() body: ClosingDayDto, @CurrentActor() actor: Actor) {
    return this.calendar.addClosingDay(body.date, body.nameJa, body.nameEn, actor.username);
  }

  @Delete('closing-days/:date')
  @HttpCode(204)
  async removeClosingDay(@Param('date') date: string): Promise<void> {
    await this.calendar.removeClosingDay(date);
  }

  @Get('settings')
@ApiOkResponse({ type: CalendarSettingsViewDto })
  settings() {
    return this.calendar.settings();
  }

  @Put('settings')
@ApiOkResponse({ type: CalendarSettingsViewDto })
  updateSettings(@Body() body: CalendarSettingsDto, @CurrentActor() actor: Actor) {
    return this.calendar.updateSettings(body, actor.username);
  }
}
