import { Body, Controller, Delete, Get, HttpCode, Param, Post, Put, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, type Actor } from '../identity/current-user';
import { DeskAdminService } from './desk-admin.service';
import { DeskCaseDto, InquiryListDto, SimilarCasesDto } from './dto/desk-views.dto';
import { AskerAnswerDto, CreateInquiryDto, DeskSettingsDto, InquiryReplyDto, ListInquiriesQuery, MonitoringRuleDto, PhoneCallDto, PhoneFollowupDto } from './dto/inquiry.dto';
import { InquiriesService } from './inquiries.service';

/** R-DESK-1: inquiries (問い合わせ), the third kind of case. */
@ApiTags('desk')
@ApiBearerAuth()
@Controller('api/inquiries')
export class InquiriesController {
  constructor(private readonly inquiries: InquiriesService) {}

  /** The desk logs a call or a visit (asker fields), or a department user asks for itself. */
  @Post()
  create(@CurrentActor() actor: Actor, @Body() body: CreateInquiryDto) {
    return this.inquiries.create(actor, body);
  }

  /** Inquiries with their SLA, waiting ones first (a department sees its own). */
  @Get()
  @ApiOkResponse({ type: InquiryListDto })
  list(@CurrentActor() actor: Actor, @Query() query: ListInquiriesQuery) {
    return this.inquiries.list(actor, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: DeskCaseDto })
  detail(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.inquiries.detail(actor, id);
  }

  /** The asker (a department user) says whether the answer solved it: 409 when no answer waits, 403 for anyone else. */
  @Post(':id/confirm')
  @HttpCode(200)
  confirm(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: AskerAnswerDto) {
    return this.inquiries.confirm(actor, id, body);
  }

  /** Reply from the desk page: the mail goes out and lands on the timeline. */
  @Post(':id/reply')
  @HttpCode(200)
  reply(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: InquiryReplyDto) {
    return this.inquiries.reply(actor, id, body);
  }
}

/** On any case: calls with their follow-up mail (R-CONTACT-1), files, and "has this happened before?". */
@ApiTags('desk')
@ApiBearerAuth()
@Controller('api/cases')
export class CaseDeskController {
  constructor(private readonly inquiries: InquiriesService) {}

  @Post(':id/calls')
  logCall(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: PhoneCallDto) {
    return this.inquiries.logCall(actor, id, body);
  }

  @Post(':id/calls/followup')
  @HttpCode(200)
  followup(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: PhoneFollowupDto) {
    return this.inquiries.sendCallFollowup(actor, id, body);
  }

  @Get(':id/desk')
  @ApiOkResponse({ type: DeskCaseDto })
  desk(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.inquiries.detail(actor, id);
  }

  @Get(':id/similar')
  @ApiOkResponse({ type: SimilarCasesDto })
  similar(@CurrentActor() actor: Actor, @Param('id') id: string) {
    return this.inquiries.similar(actor, id);
  }
}

/** A stored file: always a download (application/octet-stream), never rendered, HTML included. */
@ApiTags('desk')
@ApiBearerAuth()
@Controller('api/attachments')
export class AttachmentsController {
  constructor(private readonly inquiries: InquiriesService) {}

  @Get(':id')
  async download(@CurrentActor() actor: Actor, @Param('id') id: string, @Res() res: Response) {
    const file = await this.inquiries.attachment(actor, id);
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Content-Security-Policy', "default-src 'none'; sandbox");
    res.setHeader('Content-Disposition', `attachment; filename="download.bin"; filename*=UTF-8''${encodeURIComponent(file.filename)}`);
    res.setHeader('X-Original-Content-Type', file.contentType.replace(/[^\w.+/-]/g, ''));
    res.end(file.content);
  }
}

@ApiTags('desk')
@ApiBearerAuth()
@Controller('api/desk')
export class DeskAdminController {
  constructor(private readonly admin: DeskAdminService) {}

  @Get('settings')
  settings() {
    return this.admin.settings();
  }

  @Put('settings')
  updateSettings(@CurrentActor() actor: Actor, @Body() body: DeskSettingsDto) {
    return this.admin.updateSettings(actor, body);
  }

  @Get('monitoring-rules')
  rules() {
    return this.admin.rules();
  }

  /** Tries a rule on sample mails without saving it. */
  @Post('monitoring-rules/test')
  @HttpCode(200)
  test(@Body() body: MonitoringRuleDto) {
    return this.admin.test(body);
  }

  @Post('monitoring-rules')
  create(@Body() body: MonitoringRuleDto) {
    return this.admin.createRule(body);
  }

  @Delete('monitoring-rules/:id')
  remove(@Param('id') id: string) {
    return this.admin.deleteRule(id);
  }

  @Get('mail-inbox')
  inbox() {
    return this.admin.inbox();
  }
}
