/** The parties of 運用保守体制 that sign in, plus the two this project adds (auditor, admin). */
export const ROLES = ['general_affairs', 'operator', 'department', 'auditor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export const ROLE_LABELS: Record<Role, { ja: string; en: string }> = {
  general_affairs: { ja: '総務課', en: 'General affairs' },
  operator: { ja: '運用保守事業者', en: 'O&M operator' },
  department: { ja: '業務システム所管課', en: 'Department' },
  auditor: { ja: '監査担当', en: 'Auditor' },
  admin: { ja: 'システム管理者', en: 'Administrator' },
};

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
