import { Module } from '@nestjs/common';
import { CaseMailer } from './case-mailer.service';
import { CaseRecorder } from './case-recorder.service';

/** Writing the case record and its e-mail: shared by the worker's activities and the API. */
@Module({ providers: [CaseRecorder, CaseMailer], exports: [CaseRecorder, CaseMailer] })
export class CaseRecordModule {}
