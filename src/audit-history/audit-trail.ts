import { Injectable } from '@nestjs/common';
import { AuditLogService, type AuditRecordInput } from '../audit/audit-log.service';

export type { AuditRecordInput };

/**
 * Every history read, export, consistency check and replay goes into the audit log
 * (AuditLogService of the global AuditModule). Fails closed: when the entry cannot be written,
 * the auditor's request fails too, so no history is read without a trace.
 */
@Injectable()
export class AuditTrail {
  constructor(private readonly log: AuditLogService) {}

  async record(input: AuditRecordInput): Promise<void> {
    await this.log.record(input);
  }
}
