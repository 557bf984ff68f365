import { CanActivate, createParamDecorator, ExecutionContext, Injectable } from '@nestjs/common';
import type { Request } from 'express';
import { unauthenticated } from '../common/errors';
import { bearerToken } from '../identity/auth.guard';
import type { AlertSource } from './alert-source.entity';
import { AlertSourcesService } from './alert-sources.service';

type AlertRequest = Request & { alertSource?: AlertSource };

/**
 * For the alert intake route: checks `Authorization: Bearer <token>` against the alert sources
 * (not user tokens). The route's entry in ROUTE_POLICY says `access: 'alert_source'`, so the global
 * user guard lets it through to this one:
 *
 *     @UseGuards(AlertSourceGuard)
 *     @Post()
 *     receive(@Body() body: unknown, @CurrentAlertSource() source: AlertSource) { ... }
 *
 * The module using it imports AlertSourcesModule.
 */
@Injectable()
export class AlertSourceGuard implements CanActivate {
  constructor(private readonly sources: AlertSourcesService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AlertRequest>();
    const token = bearerToken(request);
    if (!token) throw unauthenticated('An alert source token is needed: Authorization: Bearer <token> / 監視連携トークンが必要です');
    request.alertSource = await this.sources.authenticate(token);
    return true;
  }
}

/** The alert source that AlertSourceGuard authenticated. */
export const CurrentAlertSource = createParamDecorator((_: unknown, context: ExecutionContext): AlertSource => {
  const request = context.switchToHttp().getRequest<AlertRequest>();
  if (!request.alertSource) throw new Error('CurrentAlertSource used on a route without AlertSourceGuard');
  return request.alertSource;
});
