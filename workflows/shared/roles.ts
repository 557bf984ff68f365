/**
 * The roles and their labels (ja/en): the one table the engine, the task and case policy, the API's
 * route policy, the mails and the audit exports read. The parties of 運用保守体制 that sign in, plus
 * the two this project adds (auditor, admin). Pure: it runs in the workflow sandbox too.
 */
export const ROLES = ['general_affairs', 'operator', 'department', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Readonly<Record<Role, { ja: string; en: string }>> = {
  general_affairs: { ja: '総務課', en: 'General affairs' },
  operator: { ja: '運用保守事業者', en: 'O&M operator' },
  department: { ja: '業務システム所管課', en: 'Department' },
  auditor: { ja: '監査担当', en: 'Auditor' },
  admin: { ja: 'システム管理者', en: 'Administrator' },
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** The Japanese label of a role, or the value itself for anything that is not a role. */
export function roleLabelJa(role: string): string {
  return isRole(role) ? ROLE_LABELS[role].ja : role;
}
