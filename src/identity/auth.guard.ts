import { CanActivate, ExecutionContext, Injectable, Logger, type OnApplicationBootstrap } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Request } from 'express';
import { forbidden, invalid, unauthenticated } from '../common/errors';
import { findHostileText } from '../common/validation';
import { checkRouteParams, isRoleList, ROUTE_POLICY, routeKeyOfHandler } from './access-policy';
import { AuthService } from './auth.service';
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
 * The table is the only place that says who may call a route: a route without an entry is refused
 * (and the application does not start with one, see RoutePolicyCheck).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly logger = new Logger('access');

  constructor(private readonly auth: AuthService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (context.getType() !== 'http') return true;
    const request = context.switchToHttp().getRequest<RoutedRequest>();
    const key = routeKeyOfHandler(context.getClass(), context.getHandler());
    const policy = key ? ROUTE_POLICY[key] : undefined;
    if (!policy) {
      this.logger.error(`${key ?? 'a route'} has no entry in ROUTE_POLICY (src/identity/access-policy.ts): refused`);
      throw forbidden('この操作の権限が定義されていません / no access policy for this route');
    }
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
}

/**
 * At start-up: every route of every controller has an entry in ROUTE_POLICY, or the application
 * does not start (naming the routes). No route is ever left to a default.
 */
@Injectable()
export class RoutePolicyCheck implements OnApplicationBootstrap {
  constructor(private readonly discovery: DiscoveryService) {}

  onApplicationBootstrap(): void {
    const missing = unpoliciedRoutes(this.discovery.getControllers().map((wrapper) => wrapper.metatype).filter((c): c is NonNullable<typeof c> => !!c));
    if (missing.length) throw new Error(`routes without an entry in ROUTE_POLICY (src/identity/access-policy.ts): ${missing.join(', ')}`);
  }
}

/** The routes of these controllers that ROUTE_POLICY does not name. */
export function unpoliciedRoutes(controllers: readonly object[]): string[] {
  const missing: string[] = [];
  for (const controller of controllers) {
    const prototype = (controller as { prototype?: object }).prototype;
    if (!prototype) continue;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const handler: unknown = name === 'constructor' ? undefined : Object.getOwnPropertyDescriptor(prototype, name)?.value;
      if (typeof handler !== 'function') continue;
      const key = routeKeyOfHandler(controller, handler);
      if (key && !ROUTE_POLICY[key]) missing.push(key);
    }
  }
  return missing;
}

/** Characters no legitimate input contains, in the parameters, the query and (unless exempt) the body. */
function hostileInput(request: Request, rawBody: boolean): { field: string; message: string } | null {
  return findHostileText(request.params ?? {}) ?? findHostileText(request.query ?? {}) ?? (rawBody ? null : findHostileText(request.body));
}

function refusedRoles(roles: readonly Role[]) {
  const names = roles.map((r) => `${ROLE_LABELS[r].ja} (${r})`).join(', ');
  return forbidden(`This needs one of the roles: ${names} / この操作の権限がありません`);
}
