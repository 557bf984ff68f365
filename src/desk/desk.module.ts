import { Module } from '@nestjs/common';
import { CaseRecordModule } from '../cases/case-record.module';
import { CasesModule } from '../cases/cases.module';
import { IncidentsModule } from '../incidents/incidents.module';
import { MailIntake } from '../mail/inbound/mail-intake.service';
import { DeskAdminService } from './desk-admin.service';
import { ImapReaderService } from './imap-reader.service';
import { DESK_CONFIG, loadDeskConfig } from './desk-config';
import { AttachmentsController, CaseDeskController, DeskAdminController, InquiriesController } from './desk.controller';
import { InquiriesService } from './inquiries.service';

/** The support desk (R-DESK-1): inquiries, the desk mailbox's intake, phone logs, similar cases. */
@Module({
  imports: [CaseRecordModule, CasesModule, IncidentsModule],
  controllers: [InquiriesController, CaseDeskController, AttachmentsController, DeskAdminController],
  providers: [InquiriesService, DeskAdminService, MailIntake, ImapReaderService, { provide: DESK_CONFIG, useFactory: () => loadDeskConfig() }],
  exports: [InquiriesService, MailIntake, DESK_CONFIG],
})
export class DeskModule {}
