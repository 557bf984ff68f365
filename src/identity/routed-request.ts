import type { Request } from 'express';
import type { RoutePolicy } from './access-policy';
import type { Actor } from './current-user';

/** A request as the guard leaves it: who called (when signed in) and the route-table entry that let it in. */
export interface RoutedRequest extends Request {
  actor?: Actor;
  opsdeskRoute?: { key: string; policy: RoutePolicy };
}
