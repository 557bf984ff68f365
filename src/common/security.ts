import type { INestApplication } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { AuditLogService } from '../audit/audit-log.service';
import { auditRequests, bindRequestContext } from '../audit/request-context';
import type { AppConfig } from '../config/app-config';

/**
 * Content-Security-Policy for the SPA, the placeholder page and the Swagger UI at /api/docs: every
 * script from this origin only (Swagger UI loads its bundle and init script as files); inline
 * styles allowed (Swagger UI and the placeholder page use a <style> block); images also as data:
 * URIs (Swagger UI's icons); no plugins, no framing, forms post only here.
 */
export const CONTENT_SECURITY_POLICY = {
  useDefaults: false,
  directives: {
    defaultSrc: ["'self'"],
    baseUri: ["'self'"],
    scriptSrc: ["'self'"],
    scriptSrcAttr: ["'none'"],
    styleSrc: ["'self'", "'unsafe-inline'"],
    imgSrc: ["'self'", 'data:'],
    fontSrc: ["'self'", 'data:'],
    connectSrc: ["'self'"],
    objectSrc: ["'none'"],
    frameAncestors: ["'none'"],
    formAction: ["'self'"],
  },
};

/**
 * Before body parsing: security headers (helmet), CORS only for the origins CORS_ORIGINS names
 * (closed by default), where client addresses come from (TRUST_PROXY), and the audit log of every
 * request. Call bindRequestContextAfterBody() after the body parsers.
 */
export function installSecurity(app: INestApplication, config: AppConfig): void {
  const express = app as NestExpressApplication;
  if (config.trustProxy) express.set('trust proxy', parseTrustProxy(config.trustProxy));
  express.disable('x-powered-by');
  app.use(
    helmet({
      contentSecurityPolicy: CONTENT_SECURITY_POLICY,
      // The API is same-origin; CORS (below) is the only way other origins read it.
      crossOriginResourcePolicy: { policy: 'same-origin' },
      referrerPolicy: { policy: 'no-referrer' },
    }),
  );
  if (config.corsOrigins.length) {
    app.enableCors({
      origin: config.corsOrigins,
      methods: ['GET', 'POST', 'PUT', 'PATCH', 'DELETE'],
      allowedHeaders: ['Authorization', 'Content-Type', 'X-Request-Id'],
      exposedHeaders: ['X-Request-Id', 'Retry-After', 'Content-Disposition'],
      credentials: false,
      maxAge: 600,
    });
  }
  app.use(auditRequests(app.get(AuditLogService)));
}

/** After the body parsers: services reach the request's audit context (noteAudit, record). */
export function bindRequestContextAfterBody(app: INestApplication): void {
  app.use(bindRequestContext());
}

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  return /^\d+$/.test(value) ? Number(value) : value;
}
