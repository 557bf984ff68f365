import { EntityManager } from '@mikro-orm/postgresql';
import { Inject, Injectable, Logger, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { createHash, randomBytes } from 'node:crypto';
import { AuditLogService } from '../audit/audit-log.service';
import { noteAudit } from '../audit/request-context';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { DomainError, unauthenticated } from '../common/errors';
import { AuthToken } from './auth-token.entity';
import type { Actor } from './current-user';
import { PgNotifications } from '../database/pg-notifications';
import { hashPassword, verifyPassword } from './password';
import { AUTH_CHANGED_CHANNEL, SessionCache } from './session-cache';
import { User } from './user.entity';

export const MAX_FAILED_LOGINS = 5;
export const LOCKOUT_MINUTES = 15;

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export function actorOf(user: Pick<User, 'id' | 'username' | 'displayName' | 'email' | 'roles'> & { department?: { id: string; code: string } | null }): Actor {
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

export type LoginRefusal = 'unknown_user' | 'disabled' | 'locked' | 'wrong_password';

@Injectable()
export class AuthService implements OnModuleInit, OnApplicationShutdown {
  private readonly log = new Logger('auth');
  private dummyHash: Promise<string> | undefined;
  private notifications?: PgNotifications;
  private stopListening?: () => Promise<void>;
  private readonly sessions = new SessionCache({ maxAgeMs: 60_000, capacity: 10_000, told: () => this.notifications?.listening === true });

  constructor(
    private readonly em: EntityManager,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly audit: AuditLogService,
  ) {}

  /**
   * Signs in. Every attempt ends up in the audit log (the request's entry, with the reason a refusal
   * had); the answer is the same for an unknown user, a disabled one and a wrong password, and takes
   * as long, so user names cannot be probed.
   */
  async login(username: string, password: string): Promise<{ token: string; expiresAt: Date; actor: Actor }> {
    const user = await this.em.findOne(User, { username }, { populate: ['department'] });
    const refused = unauthenticated('The username or password is wrong / ユーザー名またはパスワードが違います');
    if (!user || user.disabled) {
      await verifyPassword(await this.timingHash(), password);
      noteAudit({ change: { reason: user ? 'disabled' : 'unknown_user' } satisfies { reason: LoginRefusal } });
      throw refused;
    }
    if (user.lockedUntil && user.lockedUntil > new Date()) {
      noteAudit({ change: { reason: 'locked', lockedUntil: user.lockedUntil.toISOString() } });
      throw new DomainError('unauthenticated', 'The account is locked after repeated failures; try again later / アカウントがロックされています');
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      user.failedLogins += 1;
      const failures = user.failedLogins;
      let locked = false;
      if (user.failedLogins >= MAX_FAILED_LOGINS) {
        user.lockedUntil = new Date(Date.now() + LOCKOUT_MINUTES * 60_000);
        user.failedLogins = 0;
        locked = true;
      }
      await this.em.flush();
      noteAudit({ change: { reason: 'wrong_password', failures } });
      if (locked) {
        await this.audit.record({
          actor: null, action: 'auth.lockout', target: `user:${user.username}`, outcome: 'ok',
          change: { failures, lockedUntil: user.lockedUntil!.toISOString(), minutes: LOCKOUT_MINUTES },
        });
      }
      throw refused;
    }
    user.failedLogins = 0;
    user.lockedUntil = null;
    const token = randomBytes(32).toString('base64url');
    const expiresAt = new Date(Date.now() + this.config.tokenTtlHours * 3_600_000);
    this.em.persist(this.em.create(AuthToken, { tokenHash: hashToken(token), user, expiresAt, createdAt: new Date() }));
    await this.em.flush();
    const actor = actorOf(user);
    noteAudit({ actor, change: { expiresAt: expiresAt.toISOString() } });
    return { token, expiresAt, actor };
  }

  /**
   * Every request passes here: a remembered session (see SessionCache), or one plain query, no
   * entities. (Loading the token, user and department as managed entities was a third of a small
   * request's CPU.)
   */
  async authenticate(token: string): Promise<Actor> {
    const tokenHash = hashToken(token);
    const remembered = this.sessions.get(tokenHash);
    if (remembered) return remembered;
    const generation = this.sessions.begin();
    const [found] = await this.em.getConnection().execute<Array<{
      user_id: string; username: string; display_name: string; email: string; roles: string[]; department_id: string | null; department_code: string | null; expires_at: Date;
    }>>(
      `select u.id as user_id, u.username, u.display_name, u.email, u.roles, d.id as department_id, d.code as department_code, t.expires_at
         from auth_token t join app_user u on u.id = t.user_id left join department d on d.id = u.department_id
        where t.token_hash = ? and t.revoked_at is null and t.expires_at > now() and not u.disabled`,
      [tokenHash],
    );
    if (!found) throw unauthenticated('The token is invalid, expired or revoked / トークンが無効です');
    const actor = actorOf({
      id: found.user_id, username: found.username, displayName: found.display_name, email: found.email, roles: found.roles as User['roles'],
      department: found.department_id && found.department_code ? { id: found.department_id, code: found.department_code } : null,
    });
    this.sessions.remember(generation, tokenHash, actor, new Date(found.expires_at));
    return actor;
  }

  /**
   * After this process changed a token, a user or a department: forget the sessions now, not when
   * PostgreSQL's announcement arrives, so the very next request is judged on the new rows.
   */
  forgetSessions(): void {
    this.sessions.forgetAll();
  }

  /** Sessions are trusted from the moment this listens (SessionCache's `told`); until then every request asks PostgreSQL. */
  onModuleInit(): void {
    this.notifications = PgNotifications.acquire(this.config.databaseUrl);
    // Called with '' on every (re)connect too: whatever changed while nobody listened.
    this.stopListening = this.notifications.subscribe(AUTH_CHANGED_CHANNEL, () => this.sessions.forgetAll());
  }

  async onApplicationShutdown(): Promise<void> {
    const stop = this.stopListening;
    this.stopListening = undefined;
    this.notifications = undefined;
    this.sessions.forgetAll();
    await stop?.();
  }

  async logout(token: string): Promise<void> {
    await this.em.nativeUpdate(AuthToken, { tokenHash: hashToken(token), revokedAt: null }, { revokedAt: new Date() });
    this.forgetSessions();
  }

  /** Revokes every live token of a user (disabled, password reset). Returns how many. */
  async revokeAllTokens(userId: string): Promise<number> {
    const revoked = await this.em.nativeUpdate(AuthToken, { user: userId, revokedAt: null }, { revokedAt: new Date() });
    this.forgetSessions();
    return revoked;
  }

  /** A hash to verify against when there is no user, so a refusal takes as long either way. */
  private timingHash(): Promise<string> {
    this.dummyHash ??= hashPassword(randomBytes(16).toString('hex')).catch((error: unknown) => {
      this.log.warn(`could not prepare the timing hash: ${String(error)}`);
      this.dummyHash = undefined;
      return '';
    });
    return this.dummyHash;
  }
}
