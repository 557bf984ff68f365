import type { CaseMailer, CaseMailInput, CaseMailResult } from '../src/cases/case-mailer.service';
import type { CaseEventInput, CaseRecorder, RegisterCaseInput, RegisteredCase } from '../src/cases/case-recorder.service';

/** The case record and its e-mail, bound to the Nest services that own them. */
export function createCaseActivities(deps: { recorder: CaseRecorder; caseMailer: CaseMailer }) {
  return {
    registerCase(input: RegisterCaseInput): Promise<RegisteredCase> {
      return deps.recorder.registerCase(input);
    },
    recordCaseEvent(input: CaseEventInput): Promise<void> {
      return deps.recorder.recordEvent(input);
    },
    sendCaseMail(input: CaseMailInput): Promise<CaseMailResult> {
      return deps.caseMailer.send(input);
    },
  };
}
