import { createParamDecorator, ExecutionContext, SetMetadata } from '@nestjs/common';
import type { Role } from './roles';

/** What every request knows about its caller once the token is checked. */
export interface Actor {
  userId: string;
  username: string;
  displayName: string;
  email: string;
  roles: Role[];
  departmentId: string | null;
  departmentCode: string | null;
}

export const PUBLIC_ROUTE = 'opsdesk:public';
export const REQUIRED_ROLES = 'opsdesk:roles';

/** No token needed (login, health, alert intake with its own token). */
export const Public = () => SetMetadata(PUBLIC_ROUTE, true);

/** The caller needs at least one of these roles. */
export const Roles = (...roles: Role[]) => SetMetadata(REQUIRED_ROLES, roles);

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!request.actor) throw new Error('CurrentActor used on a public route');
  return request.actor;
});
