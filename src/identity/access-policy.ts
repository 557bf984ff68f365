import { RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { CASE_ACTION_POLICY, TASK_POLICY } from '../../workflows/shared/policy';
import { ROLES, type Role } from './roles';

/**
 * The authorization policy of the HTTP API, in one place: for every route, who may call it, what its
 * parameters look like, and what the audit log calls it. The global AuthGuard enforces it; the
 * matrix test (test/integration/access-matrix.test.ts) fails for a route that has no entry here.
 *
 * Three layers, each in one table:
 *   1. routes (this file): which roles may call a route at all;
 *   2. cases (CASE_VISIBILITY below, applied by src/cases/case-access.ts): which cases a role sees
 *      and acts on — department users only their own department's requests and the incidents that
 *      affect their department;
 *   3. tasks (workflows/shared/policy.ts): which role completes which step, and separation of
 *      duties — read by the API and by the workflow's Update validator alike.
 *
 * Auditors read everything and change nothing; admins manage users, alert sources, departments,
 * the inventory and the calendar, read the cases, and approve nothing.
 */

export type ParamFormat = 'uuid' | 'case_ref' | 'task_id' | 'date';

/**
 * `public`: no token (login, health); `alert_source`: a monitoring system's own token, checked by
 * AlertSourceGuard; otherwise a signed-in user holding one of the roles.
 */
export type Access = 'public' | 'alert_source' | readonly Role[];

export interface RoutePolicy {
  access: Access;
  /** The action's name in the audit log. */
  action: string;
  /**
   * What the audit log names as the target: `{id}` is a route parameter, `{body.x}` a field of the
   * request, `{res.x}` a field of a successful answer (the id of what was created).
   */
  target?: string;
  /** Formats of the route parameters; anything else is a 400 naming the parameter. */
  params?: Readonly<Record<string, ParamFormat>>;
  /** Record successful calls in the audit log even though they change nothing (exports, verification). */
  auditReads?: boolean;
  /**
   * The body is not refused for control or bidi characters: the route cleans text itself (the alert
   * intake strips them, so a monitoring system's alert is never lost over a stray escape code).
   */
  rawText?: boolean;
  /**
   * The route's module writes its own, richer audit entry for every call it handles (the workflow
   * history views): the request layer then records only refusals before the module (401/403), so
   * that one call is one row.
   */
  auditedByModule?: boolean;
}

const ALL: readonly Role[] = ROLES;
const roles = (...list: Role[]): readonly Role[] => list;
/** Everyone who completes at least one kind of task (TASK_POLICY). */
const TASK_ROLES: readonly Role[] = ROLES.filter((role) => Object.values(TASK_POLICY).some((p) => p.roles.includes(role)));

export const ROUTE_POLICY: Readonly<Record<string, RoutePolicy>> = {
  // Sign-in
  'POST /api/auth/login': { access: 'public', action: 'auth.login', target: 'user:{body.username}' },
  'POST /api/auth/logout': { access: ALL, action: 'auth.logout' },
  'GET /api/auth/me': { access: ALL, action: 'auth.me' },

  // Users (admins manage, auditors review who holds which role)
  'GET /api/users': { access: roles('admin', 'auditor'), action: 'user.list' },
  'POST /api/users': { access: roles('admin'), action: 'user.create', target: 'user:{res.username}' },
  'PATCH /api/users/:id': { access: roles('admin'), action: 'user.update', target: 'user:{id}', params: { id: 'uuid' } },

  // Audit log
  'GET /api/audit': { access: roles('auditor', 'admin'), action: 'audit.read' },
  'GET /api/audit/verify': { access: roles('auditor', 'admin'), action: 'audit.verify', auditReads: true },

  // Cases (which cases: CASE_VISIBILITY; what may be done to them: the workflow's validators)
  'GET /api/cases': { access: ALL, action: 'case.list' },
  'GET /api/cases/counts': { access: ALL, action: 'case.list' },
  'GET /api/cases/trends': { access: ALL, action: 'case.trends' },
  'GET /api/cases/:id': { access: ALL, action: 'case.read', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/cases/:id/hold': { access: CASE_ACTION_POLICY.hold.roles, action: 'case.hold', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/cases/:id/resume': { access: CASE_ACTION_POLICY.resume.roles, action: 'case.resume', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/cases/:id/notes': { access: roles('operator', 'general_affairs', 'department'), action: 'case.note', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/cases/:id/contacts': { access: roles('operator', 'general_affairs'), action: 'case.contact', target: 'case:{id}', params: { id: 'case_ref' } },

  // Workflow histories (src/audit-history): auditors (and admins) read, export and replay them; each call is also recorded by that module
  'GET /api/cases/:id/history': { access: roles('auditor', 'admin'), action: 'case.history', target: 'case:{id}', params: { id: 'case_ref' }, auditedByModule: true },
  'POST /api/cases/:id/replay': { access: roles('auditor', 'admin'), action: 'case.replay', target: 'case:{id}', params: { id: 'case_ref' }, auditedByModule: true },
  'GET /api/cases/:id/consistency': { access: roles('auditor', 'admin'), action: 'case.consistency', target: 'case:{id}', params: { id: 'case_ref' }, auditedByModule: true },

  // Operations (src/operations): one-time credentials for the requesting department, backups, the platform
  'GET /api/cases/:id/credentials': { access: roles('department'), action: 'case.credentials.read', target: 'case:{id}', params: { id: 'case_ref' }, auditReads: true },
  'GET /api/backups': { access: ALL, action: 'backup.list' },
  'GET /api/backup-policies': { access: roles('operator', 'general_affairs', 'auditor', 'admin'), action: 'backup_policy.list' },
  'GET /api/platform': { access: roles('operator', 'general_affairs', 'auditor', 'admin'), action: 'platform.read' },
  'GET /api/platform/capacity': { access: roles('operator', 'general_affairs', 'auditor', 'admin'), action: 'platform.capacity' },

  // Tasks (which task type: TASK_POLICY, checked again by the workflow's Update validator)
  'GET /api/tasks': { access: ALL, action: 'task.list' },
  'POST /api/tasks/:id/complete': { access: TASK_ROLES, action: 'task.complete', target: 'task:{id}', params: { id: 'task_id' } },
  'POST /api/tasks/:id/claim': { access: TASK_ROLES, action: 'task.claim', target: 'task:{id}', params: { id: 'task_id' } },
  'POST /api/tasks/:id/release': { access: TASK_ROLES, action: 'task.release', target: 'task:{id}', params: { id: 'task_id' } },

  // Intake
  'POST /api/alerts': { access: 'alert_source', action: 'alert.receive', rawText: true },
  'POST /api/incidents': { access: roles('operator', 'general_affairs'), action: 'incident.report', target: 'case:{res.caseNumber}' },
  'GET /api/work-request-types': { access: ALL, action: 'work_request.types' },
  'POST /api/work-requests': { access: roles('department', 'general_affairs'), action: 'work_request.submit', target: 'case:{res.caseNumber}' },

  // Configuration: calendar, alert sources, departments, inventory
  'GET /api/calendar/deadline': { access: ALL, action: 'calendar.deadline' },
  'GET /api/calendar/holidays': { access: ALL, action: 'calendar.holidays' },
  'GET /api/calendar/closing-days': { access: ALL, action: 'calendar.closing_days' },
  'POST /api/calendar/closing-days': { access: roles('admin'), action: 'calendar.closing_day.add', target: 'closing_day:{body.date}' },
  'DELETE /api/calendar/closing-days/:date': { access: roles('admin'), action: 'calendar.closing_day.remove', target: 'closing_day:{date}', params: { date: 'date' } },
  'GET /api/calendar/settings': { access: ALL, action: 'calendar.settings' },
  'PUT /api/calendar/settings': { access: roles('admin'), action: 'calendar.settings.update', target: 'calendar:settings' },
  'GET /api/alert-sources': { access: roles('admin', 'auditor'), action: 'alert_source.list' },
  'POST /api/alert-sources': { access: roles('admin'), action: 'alert_source.create', target: 'alert_source:{res.id}' },
  'DELETE /api/alert-sources/:id': { access: roles('admin'), action: 'alert_source.revoke', target: 'alert_source:{id}', params: { id: 'uuid' } },
  'GET /api/departments': { access: ALL, action: 'department.list' },
  'POST /api/departments': { access: roles('admin'), action: 'department.create', target: 'department:{res.id}' },
  'PATCH /api/departments/:id': { access: roles('admin'), action: 'department.update', target: 'department:{id}', params: { id: 'uuid' } },
  'GET /api/assets': { access: ALL, action: 'asset.list' },
  'GET /api/assets/:id': { access: ALL, action: 'asset.read', target: 'asset:{id}', params: { id: 'uuid' } },
  'POST /api/assets': { access: roles('admin', 'operator'), action: 'asset.create', target: 'asset:{res.id}' },
  'PATCH /api/assets/:id': { access: roles('admin', 'operator'), action: 'asset.update', target: 'asset:{id}', params: { id: 'uuid' } },

  // Monitoring (src/monitoring, issue 16): everyone sees the devices of their own scope; admins change thresholds
  'GET /api/monitoring/status': { access: ALL, action: 'monitoring.status' },
  'GET /api/monitoring/devices': { access: ALL, action: 'monitoring.devices' },
  'GET /api/monitoring/devices/:id/series': { access: ALL, action: 'monitoring.series', target: 'asset:{id}', params: { id: 'uuid' } },
  'GET /api/monitoring/devices/:id/agents': { access: roles('admin', 'operator'), action: 'monitoring.agents.read', target: 'asset:{id}', params: { id: 'uuid' } },
  'PUT /api/monitoring/devices/:id/agents': { access: roles('admin'), action: 'monitoring.agents.update', target: 'asset:{id}', params: { id: 'uuid' } },
  'GET /api/monitoring/thresholds': { access: roles('admin', 'operator', 'general_affairs', 'auditor'), action: 'monitoring.threshold.list' },
  'GET /api/monitoring/thresholds/:id/versions': { access: roles('admin', 'operator', 'general_affairs', 'auditor'), action: 'monitoring.threshold.versions', target: 'monitoring_threshold:{id}', params: { id: 'uuid' } },
  'POST /api/monitoring/thresholds': { access: roles('admin'), action: 'monitoring.threshold.create', target: 'monitoring_threshold:{res.id}' },
  'PATCH /api/monitoring/thresholds/:id': { access: roles('admin'), action: 'monitoring.threshold.update', target: 'monitoring_threshold:{id}', params: { id: 'uuid' } },
  'DELETE /api/monitoring/thresholds/:id': { access: roles('admin'), action: 'monitoring.threshold.delete', target: 'monitoring_threshold:{id}', params: { id: 'uuid' } },

  // The support desk (R-DESK-1, src/desk): inquiries follow the cases' rules — everyone reads what
  // CASE_VISIBILITY lets them see (a department its own inquiries), the desk (operators) and general
  // affairs log them, a department asks for itself; the desk's mailbox and settings are the staff's
  // to read and the admin's to change.
  'POST /api/inquiries': { access: roles('operator', 'general_affairs', 'department'), action: 'inquiry.create', target: 'case:{res.caseNumber}' },
  'GET /api/inquiries': { access: ALL, action: 'inquiry.list' },
  'GET /api/inquiries/:id': { access: ALL, action: 'inquiry.read', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/inquiries/:id/confirm': { access: roles('department'), action: 'inquiry.confirm', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/inquiries/:id/reply': { access: roles('operator'), action: 'inquiry.reply', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/cases/:id/calls': { access: roles('operator', 'general_affairs'), action: 'case.call', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/cases/:id/calls/followup': { access: roles('operator', 'general_affairs'), action: 'case.call.followup', target: 'case:{id}', params: { id: 'case_ref' } },
  'GET /api/cases/:id/desk': { access: ALL, action: 'case.desk', target: 'case:{id}', params: { id: 'case_ref' } },
  'GET /api/cases/:id/similar': { access: ALL, action: 'case.similar', target: 'case:{id}', params: { id: 'case_ref' } },
  'GET /api/attachments/:id': { access: ALL, action: 'attachment.read', target: 'attachment:{id}', params: { id: 'uuid' } },
  'GET /api/desk/settings': { access: roles('operator', 'general_affairs', 'auditor', 'admin'), action: 'desk.settings' },
  'PUT /api/desk/settings': { access: roles('admin'), action: 'desk.settings.update', target: 'desk:settings' },
  'GET /api/desk/monitoring-rules': { access: roles('operator', 'general_affairs', 'auditor', 'admin'), action: 'desk.monitoring_rule.list' },
  'POST /api/desk/monitoring-rules/test': { access: roles('admin'), action: 'desk.monitoring_rule.test' },
  'POST /api/desk/monitoring-rules': { access: roles('admin'), action: 'desk.monitoring_rule.create', target: 'monitoring_rule:{res.id}' },
  'DELETE /api/desk/monitoring-rules/:id': { access: roles('admin'), action: 'desk.monitoring_rule.delete', target: 'monitoring_rule:{id}', params: { id: 'uuid' } },
  'GET /api/desk/mail-inbox': { access: roles('operator', 'general_affairs', 'auditor', 'admin'), action: 'desk.mail_inbox' },
  // Monthly report (src/reports, issue 19): general affairs and operators start one; operators comment, general affairs approves; departments read (settings decide how much)
  'POST /api/reports/monthly': { access: roles('general_affairs', 'operator', 'admin'), action: 'report.generate', target: 'report:{res.reportId}' },
  'GET /api/reports/monthly': { access: ALL, action: 'report.list' },
  'GET /api/reports/schedule': { access: roles('general_affairs', 'operator', 'auditor', 'admin'), action: 'report.schedule' },
  'GET /api/reports/settings': { access: ALL, action: 'report.settings' },
  'PUT /api/reports/settings': { access: roles('general_affairs'), action: 'report.settings.update', target: 'report:settings' },
  'GET /api/reports/monthly/:id': { access: ALL, action: 'report.read', target: 'report:{id}', params: { id: 'uuid' } },
  'GET /api/reports/monthly/:id/figures/:figureId': { access: ALL, action: 'report.figure.trace', target: 'report:{id}', params: { id: 'uuid' } },
  'GET /api/reports/monthly/:id/files/:kind': { access: ALL, action: 'report.file.download', target: 'report:{id}', params: { id: 'uuid' }, auditReads: true },
  'POST /api/reports/monthly/:id/comments': { access: roles('operator'), action: 'report.comment', target: 'report:{id}', params: { id: 'uuid' } },
  'POST /api/reports/monthly/:id/decision': { access: roles('general_affairs'), action: 'report.decide', target: 'report:{id}', params: { id: 'uuid' } },

  // System
  // The sign-in page shows the mail-sink link before anyone signs in; nothing here is secret.
  'GET /api/meta': { access: 'public', action: 'meta.read' },
  'GET /health': { access: 'public', action: 'health' },
  'GET /health/live': { access: 'public', action: 'health.live' },
  'GET /health/ready': { access: 'public', action: 'health.ready' },
  /** Prometheus scrape (src/observability): open, or METRICS_TOKEN checked by the route itself. */
  'GET /metrics': { access: 'public', action: 'metrics' },
};

export type CaseVisibility = 'all' | 'own_department' | 'none';

/**
 * Which cases a role sees (and, where its routes and tasks allow, acts on). A user with several
 * roles sees the union. Department users: the work requests of their department and the incidents
 * whose affected systems their department owns (both are `case_record.department_ids`).
 */
export const CASE_VISIBILITY: Readonly<Record<Role, CaseVisibility>> = {
  general_affairs: 'all',
  operator: 'all',
  auditor: 'all',
  admin: 'all',
  department: 'own_department',
};

// ---- helpers -------------------------------------------------------------------------------

export function routeKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const CASE_NUMBER = /^[A-Z]{2,6}-\d{4}-\d{1,8}$/i;
const TASK_ID = /^[A-Z]{2,6}-\d{4}-\d{1,8}-T\d{1,6}$/i;
const DATE = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;

export const PARAM_FORMATS: Readonly<Record<ParamFormat, { test: (value: string) => boolean; describe: string }>> = {
  uuid: { test: (v) => UUID.test(v), describe: 'an id (uuid)' },
  case_ref: { test: (v) => UUID.test(v) || CASE_NUMBER.test(v), describe: 'a case id (uuid) or case number such as INC-2026-0001' },
  task_id: { test: (v) => TASK_ID.test(v), describe: 'a task id such as REQ-2026-0001-T3' },
  date: { test: (v) => DATE.test(v) && !Number.isNaN(Date.parse(`${v}T00:00:00Z`)) && new Date(`${v}T00:00:00Z`).toISOString().startsWith(v), describe: 'a date YYYY-MM-DD' },
};

/** The first route parameter that does not have its declared format, or null. */
export function checkRouteParams(policy: RoutePolicy, params: Record<string, unknown> | undefined): { field: string; message: string } | null {
  for (const [name, format] of Object.entries(policy.params ?? {})) {
    const value = params?.[name];
    if (typeof value !== 'string' || value.length > 100 || !PARAM_FORMATS[format].test(value)) {
      return { field: name, message: `${name} must be ${PARAM_FORMATS[format].describe}` };
    }
  }
  return null;
}

function joinPaths(...parts: Array<string | string[] | undefined>): string {
  const segments = parts
    .map((p) => (Array.isArray(p) ? p[0] : p) ?? '')
    .flatMap((p) => p.split('/'))
    .filter((s) => s.length > 0);
  return `/${segments.join('/')}`;
}

/** `POST /api/cases/:id/hold` for a controller method, from Nest's route metadata. */
export function routeKeyOfHandler(controller: object, handler: object): string | null {
  const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
  if (method === undefined) return null;
  const path = joinPaths(Reflect.getMetadata(PATH_METADATA, controller) as string | string[] | undefined, Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined);
  return routeKey(RequestMethod[method], path);
}

const compiled = Object.entries(ROUTE_POLICY).map(([key, policy]) => {
  const [method, path] = key.split(' ');
  const names: string[] = [];
  const pattern = path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/:([A-Za-z_]\w*)/g, (_, name: string) => {
    names.push(name);
    return '([^/]+)';
  });
  return { key, method, regex: new RegExp(`^${pattern}/?$`), names, policy };
});

/** The policy entry for a concrete request path (used where the router has not matched yet). */
export function matchRoute(method: string, path: string): { key: string; policy: RoutePolicy; params: Record<string, string> } | null {
  const upper = method.toUpperCase();
  for (const route of compiled) {
    if (route.method !== upper) continue;
    const match = route.regex.exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    route.names.forEach((name, i) => {
      try {
        params[name] = decodeURIComponent(match[i + 1]);
      } catch {
        params[name] = match[i + 1];
      }
    });
    return { key: route.key, policy: route.policy, params };
  }
  return null;
}

export function isRoleList(access: Access): access is readonly Role[] {
  return Array.isArray(access);
}

/**
 * Roles that may not be held together: an auditor changes nothing, so the role stands alone; an
 * administrator approves nothing, so it is never combined with a role that completes tasks.
 */
export function checkRoleCombination(roles: readonly Role[]): string | null {
  if (roles.includes('auditor') && roles.length > 1) {
    return 'the auditor role cannot be combined with other roles (auditors read everything and change nothing) / 監査担当は他の役割と兼務できません';
  }
  const acting = roles.filter((role) => TASK_ROLES.includes(role));
  if (roles.includes('admin') && acting.length) {
    return `the admin role cannot be combined with ${acting.join(', ')} (administrators approve nothing) / システム管理者は業務の役割と兼務できません`;
  }
  return null;
}
