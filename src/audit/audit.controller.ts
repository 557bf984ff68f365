import { Controller, Get, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { CurrentActor, type Actor } from '../identity/current-user';
import { auditCsv } from './audit-csv';
import { AuditLogService } from './audit-log.service';
import { AuditQueryDto } from './dto/audit.dto';
import { AuditPageDto, AuditVerificationDto } from './dto/audit-views.dto';

/** The audit log, for auditors and admins (route table: src/identity/access-policy.ts). */
@ApiTags('audit')
@ApiBearerAuth()
@Controller('api/audit')
export class AuditController {
  constructor(private readonly audit: AuditLogService) {}

  @ApiOperation({ summary: 'Audit log entries, newest first; filter by actor, action, target, outcome, from, to; `format=csv` exports (oldest first)' })
  @ApiProduces('application/json', 'text/csv')
  @Get()
  @ApiOkResponse({ type: AuditPageDto, description: 'JSON; `format=csv` answers text/csv instead' })
  async list(@CurrentActor() actor: Actor, @Query() query: AuditQueryDto, @Res({ passthrough: true }) res: Response) {
    if (query.format !== 'csv') return this.audit.list(query);
    const { format: _format, ...filters } = query;
    const page = await this.audit.list({ ...filters, limit: query.limit ?? 10_000 }, 'asc');
    // Who took a copy of the log, and of which part, is itself on the record.
    await this.audit.record({ actor, action: 'audit.export', change: { filters, rows: page.items.length, total: page.total } });
    const stamp = new Date().toISOString().slice(0, 10).replace(/-/g, '');
    res.setHeader('Content-Type', 'text/csv; charset=utf-8');
    res.setHeader('Content-Disposition', `attachment; filename="opsdesk-audit-${stamp}.csv"`);
    return auditCsv(page.items);
  }

  @ApiOperation({ summary: 'Verifies the hash chain from the first entry; names the first broken link' })
  @Get('verify')
@ApiOkResponse({ type: AuditVerificationDto })
  verify() {
    return this.audit.verify();
  }
}
