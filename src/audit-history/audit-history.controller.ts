import { Controller, Get, HttpCode, Param, Post, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, type Actor } from '../identity/current-user';
import { AuditHistoryService, type AuditContext } from './audit-history.service';
import { ConsistencyQuery, HistoryQuery, HistorySourceQuery } from './dto/audit-history.dto';

/** The request id and source address come from the audit log's request context. */
function auditContext(actor: Actor): AuditContext {
  return { actor };
}

/** Auditors (and admins) read, export and replay a case's Temporal workflow history. */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/cases')
export class AuditHistoryController {
  constructor(private readonly audit: AuditHistoryService) {}

  /**
   * The Temporal event history of the case's workflow with a readable timeline (ja/en);
   * `?format=raw` downloads the history JSON exactly as `temporal workflow show --output json` writes it.
   */
  @Get(':id/history')
  @ApiProduces('application/json')
  async history(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: HistoryQuery, @Res({ passthrough: true }) response: Response) {
    const context = auditContext(actor);
    if (query.format === 'raw') {
      const raw = await this.audit.rawHistory(context, id, query.source);
      response.setHeader('content-type', 'application/json; charset=utf-8');
      response.setHeader('content-disposition', `attachment; filename="${raw.filename}"`);
      response.setHeader('x-opsdesk-history-source', raw.source);
      response.setHeader('x-opsdesk-history-sha256', raw.sha256);
      return raw.json;
    }
    return this.audit.history(context, id, query.source);
  }

  /** Replays the history against the current workflow code: `{ ok, workflowType, eventCount, durationMs }` or the nondeterminism found. */
  @Post(':id/replay')
  @HttpCode(200)
  replay(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: HistorySourceQuery) {
    return this.audit.replay(auditContext(actor), id, query.source);
  }

  /** Do the case record's timeline and the history agree (same steps, same actors, same times)? */
  @Get(':id/consistency')
  consistency(@CurrentActor() actor: Actor, @Param('id') id: string, @Query() query: ConsistencyQuery) {
    return this.audit.consistency(auditContext(actor), id, {
      source: query.source,
      toleranceMs: query.toleranceSeconds === undefined ? undefined : query.toleranceSeconds * 1000,
    });
  }
}
