import { Controller, Get, Inject, Module, type MiddlewareConsumer, type NestModule } from '@nestjs/common';
import { ApiTags } from '@nestjs/swagger';
import express, { type NextFunction, type Request, type Response } from 'express';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../common/paths';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { PLACEHOLDER_PAGE } from './placeholder-page';

const UI_DIST = join(PROJECT_ROOT, 'ui', 'dist');
const NOT_UI = /^\/(api|health|metrics)(\/|$)/;

/** What the UI needs to know before sign-in (links shown in the header). */
@ApiTags('meta')
@Controller('api/meta')
class MetaController {
  constructor(@Inject(APP_CONFIG) private readonly config: AppConfig) {}

  @Get()
  meta() {
    return {
      name: 'opsdesk',
      mode: this.config.mode,
      mailSinkUrl: this.config.mailSinkUrl ?? null,
      temporalUiUrl: this.config.temporalUiUrl ?? null,
    };
  }
}

/**
 * Serves the single-page app's static files on the API's origin, with history-API fallback.
 * Nest mounts middleware for `forRoutes('*')` with the matched path stripped (`req.url` is `/`), so
 * both parts read the path from `req.originalUrl`: otherwise every asset would be answered with a
 * redirect to a trailing slash.
 */
@Module({ controllers: [MetaController] })
export class UiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    // Checked until found, so a UI built after start-up (`npm run build:ui`) is served without a restart.
    let built = false;
    const isBuilt = () => (built ||= existsSync(join(UI_DIST, 'index.html')));
    const serveStatic = express.static(UI_DIST, { index: false, redirect: false, maxAge: '1h' });
    const assets = (request: Request, response: Response, next: NextFunction) => {
      if (!isBuilt()) return next();
      const mounted = request.url;
      request.url = request.originalUrl;
      serveStatic(request, response, (error?: unknown) => {
        request.url = mounted;
        next(error);
      });
    };
    const fallback = (request: Request, response: Response, next: NextFunction) => {
      const path = request.originalUrl.split('?')[0];
      // A missing file (/assets/x.js) is a 404, not the app; API-like paths are never the app.
      if (request.method !== 'GET' || NOT_UI.test(path) || /\.[a-z0-9]+$/i.test(path) || !request.accepts('html')) return next();
      if (isBuilt()) return response.sendFile(join(UI_DIST, 'index.html'), { headers: { 'cache-control': 'no-cache' } });
      response.type('html').send(PLACEHOLDER_PAGE);
    };
    consumer.apply(assets, fallback).exclude('api/{*path}', 'health/{*path}', 'health').forRoutes('*');
  }
}
