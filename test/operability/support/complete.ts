import type { FlowDriver } from '../../support/flow';

/**
 * FlowDriver.complete, retried on 409 "not open" for a moment: the task's row (the inbox) is written
 * by an activity before the workflow has taken that activity's result and marked the task ready,
 * so under load a user who is quick enough gets 409 once (reported; not this suite's subject).
 */
export async function complete(flow: FlowDriver, caseNumber: string, type: string, username: string, body: { outcome: string; note?: string; data?: Record<string, unknown> }) {
  for (let attempt = 1; ; attempt++) {
    try {
      return await flow.complete(caseNumber, type, username, body);
    } catch (error) {
      if (attempt >= 20 || !(error instanceof Error) || !/: 409 .*is not open/.test(error.message)) throw error;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}
