import { Module } from '@nestjs/common';
import { CalendarModule } from '../calendar/calendar.module';
import { HealthModule } from '../health/health.module';
import { ReportsController } from './reports.controller';
import { ReportsService } from './reports.service';

/** The monthly report (R-RPT-1..5) over HTTP; its workflow and activities run in the worker. */
@Module({ imports: [CalendarModule, HealthModule], controllers: [ReportsController], providers: [ReportsService] })
export class ReportsModule {}
