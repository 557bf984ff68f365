import { CanActivate, ExecutionContext, Injectable, Logger } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { forbidden, invalid, unauthenticated } from '../common/errors';
import { findHostileText } from '../common/validation';
import { checkRouteParams, isRoleList, ROUTE_POLICY, routeKeyOfHandler } from './access-policy';
import { AuthService } from './auth.service';
import { PUBLIC_ROUTE, REQUIRED_ROLES } from './current-user';
import { ROLE_LABELS, type Role } from './roles';
import type { RoutedRequest } from './routed-request';

export type { RoutedRequest } from './routed-request';

export function bearerToken(request: Request): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

/** What the guard leaves on the request for the audit log. */
/**
 * Global guard: applies the route table of access-policy.ts — the caller's token (unless the route is
 * public or takes an alert-source token), then the roles, then the format of the route parameters.
 * A route missing from the table falls back to its @Public()/@Roles() decorators (and the matrix
 * test fails until it gets an entry).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('access');
  private readonly warned = new Set<string>();

  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<RoutedRequest>();
    const key = routeKeyOfHandler(context.getClass(), context.getHandler());
    const policy = key ? ROUTE_POLICY[key] : undefined;
    if (!policy) return this.byDecorators(context, request, key);
    request.opsdeskRoute = { key: key!, policy };

    if (isRoleList(policy.access)) {
      const token = bearerToken(request);
      if (!token) throw unauthenticated();
      request.actor = await this.auth.authenticate(token);
      const allowed = policy.access;
      if (!allowed.some((role) => request.actor!.roles.includes(role))) throw refusedRoles(allowed);
    }
    const problem = checkRouteParams(policy, request.params) ?? hostileInput(request, policy.rawText === true);
    if (problem) throw invalid(problem.field, problem.message);
    return true;
  }

  private async byDecorators(context: ExecutionContext, request: RoutedRequest, key: string | null): Promise<boolean> {
    if (key && !this.warned.has(key)) {
      this.warned.add(key);
      this.logger.warn(`${key} has no entry in ROUTE_POLICY (src/identity/access-policy.ts): using its decorators`);
    }
    const targets = [context.getHandler(), context.getClass()];
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC_ROUTE, targets)) {
      const problem = hostileInput(request, false);
      if (problem) throw invalid(problem.field, problem.message);
      return true;
    }
    const token = bearerToken(request);
    if (!token) throw unauthenticated();
    request.actor = await this.auth.authenticate(token);
    const roles = this.reflector.getAllAndOverride<Role[] | undefined>(REQUIRED_ROLES, targets);
    if (roles?.length && !roles.some((role) => request.actor!.roles.includes(role))) throw refusedRoles(roles);
    const problem = hostileInput(request, false);
    if (problem) throw invalid(problem.field, problem.message);
    return true;
  }
}

/** Characters no legitimate input contains, in the parameters, the query and (unless exempt) the body. */
function hostileInput(request: Request, rawBody: boolean): { field: string; message: string } | null {
  return findHostileText(request.params ?? {}) ?? findHostileText(request.query ?? {}) ?? (rawBody ? null : findHostileText(request.body));
}

function refusedRoles(roles: readonly Role[]) {
  const names = roles.map((r) => `${ROLE_LABELS[r].ja} (${r})`).join(', ');
  return forbidden(`This needs one of the roles: ${names} / この操作の権限がありません`);
}
