import { Module, type DynamicModule } from '@nestjs/common';
import { AlertSourcesModule } from './alert-sources/alert-sources.module';
import { AuditModule } from './audit/audit.module';
import { AuditHistoryModule } from './audit-history/audit-history.module';
import { CalendarModule } from './calendar/calendar.module';
import { CasesModule } from './cases/cases.module';
import { IncidentsModule } from './incidents/incidents.module';
import { WorkRequestsModule } from './work-requests/work-requests.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { DeskModule } from './desk/desk.module';
import { HealthModule } from './health/health.module';
import { IdentityModule } from './identity/identity.module';
import { InventoryModule } from './inventory/inventory.module';
import { MailModule } from './mail/mail.module';
import { MonitoringModule } from './monitoring/monitoring.module';
import { OperationsModule } from './operations/operations.module';
import { PlatformModule } from './platform/platform.module';
import { ReportsModule } from './reports/reports.module';
import { TemporalModule } from './temporal/temporal.module';
import { UiModule } from './ui/ui.module';

/** The API process: one module per capability. */
@Module({})
export class AppModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        DatabaseModule,
        AuditModule,
        TemporalModule,
        MailModule,
        IdentityModule,
        CalendarModule,
        InventoryModule,
        AlertSourcesModule,
        HealthModule,
        CasesModule,
        IncidentsModule,
        WorkRequestsModule,
        DeskModule,
        OperationsModule,
        PlatformModule,
        AuditHistoryModule,
        MonitoringModule,
        ReportsModule,
        UiModule,
      ],
    };
  }
}
