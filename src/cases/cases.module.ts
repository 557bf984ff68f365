import { Module } from '@nestjs/common';
import { CaseRecordModule } from './case-record.module';
import { CasesController, TasksController } from './cases.controller';
import { CasesService } from './cases.service';
import { TasksService } from './tasks.service';

@Module({
  imports: [CaseRecordModule],
  controllers: [CasesController, TasksController],
  providers: [CasesService, TasksService],
  exports: [CasesService],
})
export class CasesModule {}
