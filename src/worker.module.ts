import { Module, type DynamicModule } from '@nestjs/common';
import { CalendarModule } from './calendar/calendar.module';
import { CaseRecordModule } from './cases/case-record.module';
import { InventoryModule } from './inventory/inventory.module';
import type { AppConfig } from './config/app-config';
import { ConfigModule } from './config/config.module';
import { DatabaseModule } from './database/database.module';
import { MailModule } from './mail/mail.module';
import { OperationsCoreModule } from './operations/operations.module';
import { TemporalModule } from './temporal/temporal.module';

/** The providers that activities are built from; the worker process has no HTTP side. */
@Module({})
export class WorkerModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: WorkerModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, TemporalModule, MailModule, CalendarModule, CaseRecordModule, InventoryModule, OperationsCoreModule],
    };
  }
}
