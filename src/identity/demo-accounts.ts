import type { EntityManager } from '@mikro-orm/postgresql';
import { Department } from './department.entity';
import { hashPassword } from './password';
import type { Role } from './roles';
import { User } from './user.entity';

export const DEMO_DEPARTMENTS = [
  { code: 'tax', nameJa: '税務課', nameEn: 'Taxation Division', email: 'zeimu@example.lg.jp' },
  { code: 'citizen', nameJa: '市民課', nameEn: 'Citizen Services Division', email: 'shimin@example.lg.jp' },
] as const;

export const DEMO_ACCOUNTS: ReadonlyArray<{ username: string; displayName: string; roles: Role[]; department?: string; email: string }> = [
  { username: 'ga1', displayName: '総務 花子', roles: ['general_affairs'], email: 'ga1@example.lg.jp' },
  { username: 'op1', displayName: '運用 一郎', roles: ['operator'], email: 'op1@ops-contractor.example.jp' },
  { username: 'op2', displayName: '運用 二郎', roles: ['operator'], email: 'op2@ops-contractor.example.jp' },
  { username: 'dept1', displayName: '税務 太郎', roles: ['department'], department: 'tax', email: 'dept1@example.lg.jp' },
  { username: 'dept2', displayName: '市民 次郎', roles: ['department'], department: 'citizen', email: 'dept2@example.lg.jp' },
  { username: 'audit1', displayName: '監査 三郎', roles: ['auditor'], email: 'audit1@example.lg.jp' },
  { username: 'admin', displayName: '管理者', roles: ['admin'], email: 'admin@example.lg.jp' },
];

/**
 * Creates the demo departments and accounts that do not exist yet; existing ones are left alone,
 * so a changed password survives restarts. Only ever called in embedded mode.
 */
export async function ensureDemoAccounts(em: EntityManager, password: string): Promise<string[]> {
  const created: string[] = [];
  const departments = new Map<string, Department>();
  for (const spec of DEMO_DEPARTMENTS) {
    let department = await em.findOne(Department, { code: spec.code });
    if (!department) {
      department = em.create(Department, { ...spec, createdAt: new Date() });
      em.persist(department);
    }
    departments.set(spec.code, department);
  }
  const passwordHash = await hashPassword(password);
  for (const spec of DEMO_ACCOUNTS) {
    if (await em.findOne(User, { username: spec.username })) continue;
    em.persist(
      em.create(User, {
        username: spec.username,
        displayName: spec.displayName,
        email: spec.email,
        roles: spec.roles,
        department: spec.department ? departments.get(spec.department) : null,
        passwordHash,
        disabled: false,
        failedLogins: 0,
        createdAt: new Date(),
        updatedAt: new Date(),
      }),
    );
    created.push(spec.username);
  }
  await em.flush();
  return created;
}
