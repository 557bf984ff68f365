import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError, unauthenticated } from '../common/errors';
import { AuthToken } from './auth-token.entity';
import type { Actor } from './current-user';
import { verifyPassword } from './password';
import { User } from './user.entity';

const MAX_FAILED_LOGINS = 5;
const LOCKOUT_MINUTES = 15;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function actorOf(user: User): Actor {
  return {
    userId: user.id,
    username: user.username,
    displayName: user.displayName,
    email: user.email,
    roles: [...user.roles],
    departmentId: user.department?.id ?? null,
    departmentCode: user.department?.code ?? null,
  };
}

@Injectable()
export class AuthService {
  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; actor: Actor }> {
    const user = await this.em.findOne(User, { username }, { populate: ['department'] });
    // The same answer for an unknown user and a wrong password, so usernames cannot be probed.
    const refused = unauthenticated('The username or password is wrong / ユーザー名またはパスワードが違います');
    if (!user || user.disabled) throw refused;
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      throw new DomainError('unauthenticated', 'The account is locked after repeated failures; try again later / アカウントがロックされています');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      user.failedLogins += 1;
      if (user.failedLogins >= MAX_FAILED_LOGINS) {
        user.lockedUntil = new Date(Date.now() + LOCKOUT_MINUTES * 60_000);
        user.failedLogins = 0;
      }
      await this.em.flush();
      throw refused;
    }
    user.failedLogins = 0;
    user.lockedUntil = null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.tokenTtlHours * 3_600_000);
    this.em.persist(this.em.create(AuthToken, { tokenHash: hashToken(token), user, expiresAt, createdAt: new Date() }));
    await this.em.flush();
    return { token, expiresAt, actor: actorOf(user) };
  }

  async authenticate(token: string): Promise<Actor> {
    const found = await this.em.findOne(AuthToken, { tokenHash: hashToken(token) }, { populate: ['user', 'user.department'] });
    if (!found || found.revokedAt || found.expiresAt <= new Date() || found.user.disabled) {
      throw unauthenticated('The token is invalid, expired or revoked / トークンが無効です');
    }
    return actorOf(found.user);
  }

  async logout(token: string): Promise<void> {
    await this.em.nativeUpdate(AuthToken, { tokenHash: hashToken(token), revokedAt: null }, { revokedAt: new Date() });
  }
}
