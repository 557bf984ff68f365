import { createParamDecorator, ExecutionContext } from '@nestjs/common';
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

// Who may call a route is said in one place only: ROUTE_POLICY (src/identity/access-policy.ts).

export const CurrentActor = createParamDecorator((_: unknown, context: ExecutionContext): Actor => {
  const request = context.switchToHttp().getRequest<{ actor?: Actor }>();
  if (!request.actor) throw new Error('CurrentActor used on a public route');
  return request.actor;
});
