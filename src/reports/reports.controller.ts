import { Body, Controller, Get, Param, Post, Put, Query, Res, StreamableFile } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiProduces, ApiQuery, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, type Actor } from '../identity/current-user';
import { CreateMonthlyReportDto, ReportCommentsDto, ReportDecisionDto, ReportSettingsDto } from './dto/report.dto';
import { FigureTraceDto, ReportDetailDto, ReportScheduleDto, ReportSettingsViewDto, ReportStartedDto, ReportStateDto, ReportSummaryDto } from './dto/report-views.dto';
import { ReportsService } from './reports.service';

/** The monthly report (R-RPT-1..5). */
@ApiTags('reports')
@ApiBearerAuth()
@Controller('api/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @ApiCreatedResponse({ type: ReportStartedDto, description: 'the report\'s workflow is started (figures, draft files, then the comments step)' })
  @Post('monthly')
  start(@Body() body: CreateMonthlyReportDto, @CurrentActor() actor: Actor) {
    return this.reports.start(body.month, actor);
  }

  @ApiOkResponse({ type: [ReportSummaryDto], description: 'newest month first, then newest revision (at most 200)' })
  @Get('monthly')
  list() {
    return this.reports.list();
  }

  @ApiOkResponse({ type: ReportScheduleDto })
  @Get('schedule')
  schedule() {
    return this.reports.schedule();
  }

  @ApiOkResponse({ type: ReportSettingsViewDto })
  @Get('settings')
  settings() {
    return this.reports.settingsView();
  }

  @ApiOkResponse({ type: ReportSettingsViewDto })
  @Put('settings')
  updateSettings(@Body() body: ReportSettingsDto, @CurrentActor() actor: Actor) {
    return this.reports.updateSettings(body.departmentsSeeOthers, actor);
  }

  @ApiOkResponse({ type: ReportDetailDto })
  @Get('monthly/:id')
  get(@Param('id') id: string, @CurrentActor() actor: Actor) {
    return this.reports.get(id, actor);
  }

  @ApiOkResponse({ type: FigureTraceDto })
  @Get('monthly/:id/figures/:figureId')
  trace(@Param('id') id: string, @Param('figureId') figureId: string, @CurrentActor() actor: Actor) {
    return this.reports.trace(id, figureId, actor);
  }

  @ApiQuery({ name: 'stage', required: false, enum: ['draft', 'final'], description: 'default: final once approved, else draft' })
  @ApiProduces('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'application/pdf')
  @ApiOkResponse({ schema: { type: 'string', format: 'binary' }, description: 'the workbook (kind xlsx) or the PDF (kind pdf); X-Content-SHA256 is its hash' })
  @Get('monthly/:id/files/:kind')
  async file(@Param('id') id: string, @Param('kind') kind: string, @Query('stage') stage: string | undefined, @CurrentActor() actor: Actor, @Res({ passthrough: true }) res: Response) {
    const file = await this.reports.file(id, kind, stage, actor);
    res.setHeader('Content-Type', file.contentType);
    res.setHeader('Content-Disposition', `attachment; filename="${file.fileName}"`);
    res.setHeader('X-Content-SHA256', file.sha256);
    return new StreamableFile(file.content);
  }

  @ApiCreatedResponse({ type: ReportStateDto, description: 'the report waits for general affairs\' approval' })
  @Post('monthly/:id/comments')
  comment(@Param('id') id: string, @Body() body: ReportCommentsDto, @CurrentActor() actor: Actor) {
    return this.reports.comment(id, body.comments, actor);
  }

  @ApiCreatedResponse({ type: ReportStateDto })
  @Post('monthly/:id/decision')
  decide(@Param('id') id: string, @Body() body: ReportDecisionDto, @CurrentActor() actor: Actor) {
    return this.reports.decide(id, body.outcome, body.reason, actor);
  }
}
