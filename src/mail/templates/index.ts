/**
 * Mail templates (メール文面) of opsdesk.
 *
 * R-CONTACT-1: contact is by e-mail, to keep evidence, so every notice of both flows (R-FLOW-1
 * incident, R-FLOW-2 work request) is rendered here: a subject that carries the case number, a
 * plain-text body (Japanese first, then `---- English ----`, then English) and an equivalent,
 * accessible HTML body. Each body ends with the link to the case in the UI and a footer.
 *
 * Pure: no I/O, no clock, no Node built-ins, no Intl time zones. Times arrive as ISO strings and
 * are shown in Japan time, computed with UTC arithmetic (+9 h, Japan has no DST), so the output is
 * the same under any process TZ and the function can run anywhere (an activity, the API, a test).
 *
 * Adding a template: add its fields to `MailTemplateFields` (workflows/shared/contracts/mail.ts) and
 * one entry to the table of its kind (incident.ts, case.ts, sla.ts, work-request.ts, maintenance.ts,
 * inquiry.ts:
 * title, addressee, lead paragraphs, key facts). `layout()` (layout.ts) does the rest.
 *
 * Escaping: text bodies are plain text and are not escaped; everything that reaches the HTML body
 * goes through `escapeHtml()` at the point of output (templates never build markup), and
 * everything in the subject is reduced to a single line (no CR/LF: no header injection).
 */
import type { MailTemplate, MailTemplateName } from '../../../workflows/shared/contracts';
import { CASE_TEMPLATES } from './case';
import { INCIDENT_TEMPLATES } from './incident';
import { INQUIRY_TEMPLATES } from './inquiry';
import { MAINTENANCE_TEMPLATES } from './maintenance';
import { SLA_TEMPLATES } from './sla';
import { WORK_REQUEST_TEMPLATES } from './work-request';
import { layout, type RenderedMail } from './layout';
import type { MailLayout, TemplateTable } from './vocabulary';

export { escapeHtml, MAX_SUBJECT_LENGTH, type RenderedMail } from './layout';

export interface MailContext {
  /** Base URL of the opsdesk UI, e.g. `https://opsdesk.example.lg.jp` (a trailing slash is fine). */
  publicUrl: string;
}

const TEMPLATES: TemplateTable = { ...INCIDENT_TEMPLATES, ...CASE_TEMPLATES, ...SLA_TEMPLATES, ...WORK_REQUEST_TEMPLATES, ...MAINTENANCE_TEMPLATES, ...INQUIRY_TEMPLATES };

/** Every template name. */
export const MAIL_TEMPLATE_NAMES = Object.freeze(Object.keys(TEMPLATES) as MailTemplateName[]);

/**
 * Renders one mail. Throws only for an unknown template name (a programming error); odd values
 * (an unparsable time, an unknown severity) are shown as they are rather than failing the send.
 */
export function renderMail(input: MailTemplate, context: MailContext): RenderedMail {
  const name = input?.template;
  if (typeof name !== 'string' || !Object.hasOwn(TEMPLATES, name)) {
    throw new Error(`Unknown mail template: ${String(name)}`);
  }
  const define = TEMPLATES[name] as (m: MailTemplate) => MailLayout;
  return layout(String(input.caseNumber ?? ''), String(input.caseSubject ?? ''), define(input), context.publicUrl);
}
