import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { noteAudit } from '../audit/request-context';
import { conflict, notFound, unprocessable } from '../common/errors';
import { checkRoleCombination } from './access-policy';
import { AuthService } from './auth.service';
import type { Actor } from './current-user';
import { Department } from './department.entity';
import type { CreateUserDto, PatchUserDto } from './dto/user.dto';
import { hashPassword } from './password';
import type { Role } from './roles';
import { User } from './user.entity';

export interface UserView {
  id: string;
  username: string;
  displayName: string;
  email: string;
  roles: Role[];
  departmentId: string | null;
  departmentCode: string | null;
  disabled: boolean;
  lockedUntil: string | null;
  failedLogins: number;
  createdAt: string;
  updatedAt: string;
}

export function userView(user: User): UserView {
  return {
    id: user.id, username: user.username, displayName: user.displayName, email: user.email, roles: [...user.roles],
    departmentId: user.department?.id ?? null, departmentCode: user.department?.code ?? null, disabled: user.disabled,
    lockedUntil: user.lockedUntil && user.lockedUntil > new Date() ? user.lockedUntil.toISOString() : null, failedLogins: user.failedLogins,
    createdAt: user.createdAt.toISOString(), updatedAt: user.updatedAt.toISOString(),
  };
}

/** What the audit log keeps of a user before and after a change (never the password hash). */
function auditView(user: User) {
  const { id, username, displayName, email, roles, departmentCode, disabled } = userView(user);
  return { id, username, displayName, email, roles, departmentCode, disabled };
}

/** Admin user management: accounts, roles, departments, disabling (which revokes tokens), password resets. */
@Injectable()
export class UsersService {
  constructor(
    private readonly em: EntityManager,
    private readonly auth: AuthService,
  ) {}

  async list(): Promise<UserView[]> {
    const users = await this.em.find(User, {}, { populate: ['department'], orderBy: { username: 'asc' } });
    return users.map(userView);
  }

  async create(body: CreateUserDto): Promise<UserView> {
    const department = await this.departmentFor(body.roles, body.departmentId ?? null);
    if (await this.em.count(User, { username: body.username })) throw this.duplicate(body.username);
    const now = new Date();
    const user = this.em.create(User, {
      username: body.username, displayName: body.displayName, email: body.email, roles: [...body.roles], department,
      passwordHash: await hashPassword(body.password), disabled: false, failedLogins: 0, createdAt: now, updatedAt: now,
    });
    try {
      await this.em.persist(user).flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw this.duplicate(body.username);
      throw error;
    }
    noteAudit({ target: `user:${user.username}`, change: { after: auditView(user) } });
    return userView(user);
  }

  async patch(by: Actor, id: string, body: PatchUserDto): Promise<UserView> {
    const user = await this.em.findOne(User, { id }, { populate: ['department'] });
    if (!user) throw notFound(`User ${id}`);
    const before = auditView(user);
    const roles = body.roles ?? user.roles;
    const self = user.id === by.userId;
    if (self && body.disabled === true) throw conflict('You cannot disable your own account / 自分のアカウントは無効にできません');
    if (self && body.roles && !body.roles.includes('admin')) throw conflict('You cannot take the admin role from yourself / 自分の管理者権限は外せません');
    const departmentId = body.departmentId !== undefined ? body.departmentId : roles.includes('department') ? user.department?.id ?? null : null;
    user.department = await this.departmentFor(roles, departmentId);
    user.roles = [...roles];
    if (body.displayName !== undefined) user.displayName = body.displayName;
    if (body.email !== undefined) user.email = body.email;
    if (body.disabled !== undefined) user.disabled = body.disabled;
    const passwordReset = body.password !== undefined;
    if (passwordReset) user.passwordHash = await hashPassword(body.password);
    if (passwordReset || body.unlock) {
      user.failedLogins = 0;
      user.lockedUntil = null;
    }
    user.updatedAt = new Date();
    await this.em.flush();
    // Roles, department, name or e-mail: the signed-in user's next request already carries them.
    this.auth.forgetSessions();
    // A disabled account or a reset password: every token issued so far stops working now.
    const revokedTokens = body.disabled === true || passwordReset ? await this.auth.revokeAllTokens(user.id) : 0;
    noteAudit({
      target: `user:${user.username}`,
      change: { before, after: auditView(user), ...(passwordReset ? { passwordChanged: true } : {}), ...(body.unlock ? { unlocked: true } : {}), ...(revokedTokens ? { revokedTokens } : {}) },
    });
    return userView(user);
  }

  /** The department a user with these roles belongs to: required for, and only for, the department role. */
  private async departmentFor(roles: readonly Role[], departmentId: string | null): Promise<Department | null> {
    const combination = checkRoleCombination(roles);
    if (combination) throw unprocessable(combination, 'roles');
    if (!roles.includes('department')) {
      if (departmentId) throw unprocessable('departmentId is only for users with the department role / 所属課は業務システム所管課の利用者のみ指定できます', 'departmentId');
      return null;
    }
    if (!departmentId) throw unprocessable('a department user needs departmentId / 業務システム所管課の利用者には所属課が必要です', 'departmentId');
    const department = await this.em.findOne(Department, { id: departmentId });
    if (!department) throw unprocessable(`department ${departmentId} does not exist / 所属課が見つかりません`, 'departmentId');
    return department;
  }

  private duplicate(username: string) {
    return conflict(`A user named ${username} already exists / ユーザー ${username} は登録済みです`);
  }
}
