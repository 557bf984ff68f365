import { Body, Controller, Get, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, type Actor } from '../identity/current-user';
import { CreateMonthlyReportDto, ReportCommentsDto, ReportDecisionDto, ReportSettingsDto } from './dto/report.dto';
import { ReportsService } from './reports.service';

/** The monthly report (R-RPT-1..5). */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Post('monthly')
  start(@Body() body: CreateMonthlyReportDto, @CurrentActor() actor: Actor) {
    return this.reports.start(body.month, actor);
  }

  @Get('monthly')
  list() {
    return this.reports.list();
  }

  @Get('schedule')
  schedule() {
    return this.reports.schedule();
  }

  @Get('settings')
  settings() {
    return this.reports.settings();
  }

  @Put('settings')
  updateSettings(@Body() body: ReportSettingsDto, @CurrentActor() actor: Actor) {
    return this.reports.updateSettings(body.departmentsSeeOthers, actor);
  }

  @Get('monthly/:id')
  get(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.reports.get(id, actor);
  }

  @Get('monthly/:id/figures/:figureId')
  trace(@Param('id') id: string, @Param('figureId') figureId: string, @CurrentActor() actor: Actor) {
    return this.reports.trace(id, figureId, actor);
  }

  @Get('monthly/:id/files/:kind')
  async file(@Param('id') id: string, @Param('kind') kind: string, @Query('stage') stage: string | undefined, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const file = await this.reports.file(id, kind, stage, actor);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('X-Content-SHA256', file.sha256);
    return new StreamableFile(file.content);
  }

  @Post('monthly/:id/comments')
  comment(@Param('id') id: string, @Body() body: ReportCommentsDto, @CurrentActor() actor: Actor) {
    return this.reports.comment(id, body.comments, actor);
  }

  @Post('monthly/:id/decision')
  decide(@Param('id') id: string, @Body() body: ReportDecisionDto, @CurrentActor() actor: Actor) {
    return this.reports.decide(id, body.outcome, body.reason, actor);
  }
}
