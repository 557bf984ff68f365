import { Module } from '@nestjs/common';
import { AuditHistoryController } from './audit-history.controller';
import { AuditHistoryService } from './audit-history.service';
import { AuditTrail } from './audit-trail';
import { HistoryStore } from './history-store.service';

/** Histories, their archive and the services on them, without HTTP (the audit CLI uses this). */
@Module({
  providers: [HistoryStore, AuditHistoryService, AuditTrail],
  exports: [HistoryStore, AuditHistoryService, AuditTrail],
})
export class AuditHistoryCoreModule {}

/** Issue 7: auditors replay workflow histories, kept for good in PostgreSQL. */
@Module({
  imports: [AuditHistoryCoreModule],
  controllers: [AuditHistoryController],
})
export class AuditHistoryModule {}
