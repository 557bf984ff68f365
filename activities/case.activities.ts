import type { CaseMailer } from '../src/cases/case-mailer.service';
import type { CaseRecorder } from '../src/cases/case-recorder.service';
import type { CaseActivities, CaseEventInput, CaseEventsInput, CaseMailInput, CaseMailResult, RegisterCaseInput, RegisteredCase } from '../workflows/shared/contracts';

/** The case record and its e-mail, bound to the Nest services that own them. */
export function createCaseActivities(deps: { recorder: CaseRecorder; caseMailer: CaseMailer }): CaseActivities {
  return {
    registerCase(input: RegisterCaseInput): Promise<RegisteredCase> {
      return deps.recorder.registerCase(input);
    },
    recordCaseEvent(input: CaseEventInput): Promise<void> {
      return deps.recorder.recordEvent(input);
    },
    recordCaseEvents(input: CaseEventsInput): Promise<void> {
      return deps.recorder.recordEvents(input.events);
    },
    sendCaseMail(input: CaseMailInput): Promise<CaseMailResult> {
      return deps.caseMailer.send(input);
    },
  };
}
