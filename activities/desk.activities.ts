import type { EntityManager } from '@mikro-orm/postgresql';
import { ApplicationFailure } from '@temporalio/activity';
import type { CalendarService } from '../src/calendar/calendar.service';
import { readDeskSettings } from '../src/desk/desk-settings';
import type { ActorRole } from '../workflows/shared/case-model';
import type {
  ClaimInquiryAttachmentsInput, DeskActivities, DeskSlaPlan, LinkCasesInput, LinkCasesResult, LoadActorInput, LoadedActor, PlanDeskSlaInput,
} from '../workflows/shared/contracts';

/** The desk's side effects (R-DESK-1): its SLA from the business calendar, attachments and links between cases. */
export function createDeskActivities(deps: { em: EntityManager; calendar: CalendarService }): DeskActivities {
  const sql = <T>(query: string, params: unknown[] = []) => deps.em.getConnection().execute<T[]>(query, params);
  return {
    /**
     * The acknowledgement due: N business minutes (the desk setting, default 30) from receipt. A
     * receipt outside reception hours counts from the next opening. In an activity, so the setting
     * and the calendar of the day are in the history and replay identically.
     */
    async planDeskSla(input: PlanDeskSlaInput): Promise<DeskSlaPlan> {
      const settings = await readDeskSettings(sql);
      const calendar = await deps.calendar.current();
      const start = new Date(input.startAt);
      const seconds = settings.ackBusinessMinutes * 60;
      const due = calendar.addBusinessSeconds(start, seconds);
      return {
        kind: 'desk', mode: 'business', startAt: input.startAt, dueAt: due.toISOString(), totalSeconds: seconds,
        withinReceptionHours: calendar.isWithinReceptionHours(start), businessMinutes: settings.ackBusinessMinutes,
      };
    },

    /** Attachments stored at intake (before the case had a number) become the case's. */
    async claimInquiryAttachments(input: ClaimInquiryAttachmentsInput): Promise<number> {
      const rows = await sql<{ id: string }>('update case_attachment set case_id = ? where intake_id = ? and case_id is null returning id', [input.caseId, input.intakeId]);
      return rows.length;
    },

    async loadActor(input: LoadActorInput): Promise<LoadedActor> {
      const [user] = await sql<{ id: string; username: string; display_name: string; roles: string[]; department_id: string | null; email: string }>(
        'select id, username, display_name, roles, department_id, email from app_user where id = ? and disabled = false', [input.userId],
      );
      if (!user) return null;
      return { userId: user.id, username: user.username, displayName: user.display_name, roles: user.roles as ActorRole[], departmentId: user.department_id, email: user.email };
    },

    /**
     * Links an inquiry to another case, both ways on their timelines (case_link keeps the relation).
     * A converted case is found by its workflow id once it has registered (retried until then); a
     * case to link to must exist and be open, otherwise `ok: false` with the reason.
     */
    async linkCases(input: LinkCasesInput): Promise<LinkCasesResult> {
      const find = () => input.toWorkflowId
        ? sql<{ id: string; number: string; status: string }>('select id, number, status from case_record where workflow_id = ? order by created_at asc limit 1', [input.toWorkflowId])
        : sql<{ id: string; number: string; status: string }>('select id, number, status from case_record where number = ?', [input.toCaseNumber]);
      let [target] = await find();
      // A just-started case registers within moments: look a few times before leaving it to the retry policy.
      for (let i = 0; !target && input.toWorkflowId && i < 50; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        [target] = await find();
      }
      if (!target) {
        if (input.toWorkflowId) throw ApplicationFailure.retryable(`the converted case ${input.toWorkflowId} has not registered yet`);
        return { ok: false, caseNumber: null, reason: '案件が見つかりません / no such case' };
      }
      if (input.relation === 'linked' && target.status === 'done') return { ok: false, caseNumber: target.number, reason: '完了済みの案件です / the case is closed' };
      const now = new Date();
      const [fromJa, fromEn, toJa, toEn] = input.relation === 'converted'
        ? [`${target.number} に切り替えました`, `Converted into ${target.number}`, `問い合わせ ${input.fromCaseNumber} から切り替えた案件です`, `Converted from inquiry ${input.fromCaseNumber}`]
        : [`${target.number} に関連付けました（同じ事象）`, `Linked to ${target.number} (same matter)`, `問い合わせ ${input.fromCaseNumber} が関連付けられました`, `Inquiry ${input.fromCaseNumber} linked to this case`];
      await deps.em.fork().transactional(async (em) => {
        const run = (q: string, p: unknown[]) => em.getConnection().execute(q, p, 'all', em.getTransactionContext());
        await run(
          `insert into case_link (id, from_case_id, to_case_id, relation, created_at) values (gen_random_uuid(), ?, ?, ?, ?) on conflict (from_case_id, to_case_id) do nothing`,
          [input.fromCaseId, target.id, input.relation, now],
        );
        const entry = `insert into case_timeline (id, case_id, key, at, kind, actor, message_ja, message_en, data) values (gen_random_uuid(), ?, ?, ?, 'note', ?, ?, ?, ?) on conflict (key) do nothing`;
        await run(entry, [input.fromCaseId, `${input.key}:from`, now, input.actor, fromJa, fromEn, JSON.stringify({ relation: input.relation, caseNumber: target.number })]);
        await run(entry, [target.id, `${input.key}:to`, now, input.actor, toJa, toEn, JSON.stringify({ relation: input.relation, caseNumber: input.fromCaseNumber, inquiry: true })]);
      });
      return { ok: true, caseNumber: target.number };
    },
  };
}
