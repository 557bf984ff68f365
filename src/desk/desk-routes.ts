import type { Role } from '../identity/roles';
import type { RoutePolicy } from '../identity/access-policy';

const ALL: readonly Role[] = ['general_affairs', 'operator', 'department', 'auditor', 'admin'];
const STAFF: readonly Role[] = ['operator', 'general_affairs', 'auditor', 'admin'];

/**
 * The desk's routes (R-DESK-1), merged into ROUTE_POLICY (src/identity/access-policy.ts). Inquiries
 * follow the cases' rules: everyone reads what CASE_VISIBILITY lets them see (a department its own
 * inquiries), the desk (operators) and general affairs log them, a department asks for itself;
 * the desk's mailbox and settings are the staff's to read and the admin's to change.
 */
export const DESK_ROUTE_POLICY: Readonly<Record<string, RoutePolicy>> = {
  'POST /api/inquiries': { access: ['operator', 'general_affairs', 'department'], action: 'inquiry.create', target: 'case:{res.caseNumber}' },
  'GET /api/inquiries': { access: ALL, action: 'inquiry.list' },
  'GET /api/inquiries/:id': { access: ALL, action: 'inquiry.read', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/inquiries/:id/confirm': { access: ['department'], action: 'inquiry.confirm', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/inquiries/:id/reply': { access: ['operator'], action: 'inquiry.reply', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/cases/:id/calls': { access: ['operator', 'general_affairs'], action: 'case.call', target: 'case:{id}', params: { id: 'case_ref' } },
  'POST /api/cases/:id/calls/followup': { access: ['operator', 'general_affairs'], action: 'case.call.followup', target: 'case:{id}', params: { id: 'case_ref' } },
  'GET /api/cases/:id/desk': { access: ALL, action: 'case.desk', target: 'case:{id}', params: { id: 'case_ref' } },
  'GET /api/cases/:id/similar': { access: ALL, action: 'case.similar', target: 'case:{id}', params: { id: 'case_ref' } },
  'GET /api/attachments/:id': { access: ALL, action: 'attachment.read', target: 'attachment:{id}', params: { id: 'uuid' } },
  'GET /api/desk/settings': { access: STAFF, action: 'desk.settings' },
  'PUT /api/desk/settings': { access: ['admin'], action: 'desk.settings.update', target: 'desk:settings' },
  'GET /api/desk/monitoring-rules': { access: STAFF, action: 'desk.monitoring_rule.list' },
  'POST /api/desk/monitoring-rules/test': { access: ['admin'], action: 'desk.monitoring_rule.test' },
  'POST /api/desk/monitoring-rules': { access: ['admin'], action: 'desk.monitoring_rule.create', target: 'monitoring_rule:{res.id}' },
  'DELETE /api/desk/monitoring-rules/:id': { access: ['admin'], action: 'desk.monitoring_rule.delete', target: 'monitoring_rule:{id}', params: { id: 'uuid' } },
  'GET /api/desk/mail-inbox': { access: STAFF, action: 'desk.mail_inbox' },
};
