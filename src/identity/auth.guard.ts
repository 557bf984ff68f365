import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { forbidden, unauthenticated } from '../common/errors';
import { AuthService } from './auth.service';
import { PUBLIC_ROUTE, REQUIRED_ROLES, type Actor } from './current-user';
import { ROLE_LABELS, type Role } from './roles';

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** Global guard: every route needs a valid token unless marked @Public(), then the roles it names. */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) return true;
    const request = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const token = bearerToken(request);
    if (!token) throw unauthenticated();
    request.actor = await this.auth.authenticate(token);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.some((role) => request.actor!.roles.includes(role))) {
      const names = roles.map((r) => `${ROLE_LABELS[r].ja} (${r})`).join(', ');
      throw forbidden(`This needs one of the roles: ${names} / この操作の権限がありません`);
    }
    return true;
  }
}
