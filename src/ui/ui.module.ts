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

/** Serves the single-page app's static files on the API's origin, with history-API fallback. */
@Module({ controllers: [MetaController] })
export class UiModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    const built = existsSync(join(UI_DIST, 'index.html'));
    const assets = built ? express.static(UI_DIST, { index: false, maxAge: '1h' }) : (_q: Request, _s: Response, next: NextFunction) => next();
    const fallback = (request: Request, response: Response, next: NextFunction) => {
      if (request.method !== 'GET' || NOT_UI.test(request.path) || !request.accepts('html')) return next();
      if (built) return response.sendFile(join(UI_DIST, 'index.html'));
      response.type('html').send(PLACEHOLDER_PAGE);
    };
    consumer.apply(assets, fallback).exclude('api/{*path}', 'health/{*path}', 'health').forRoutes('*');
  }
}
