import { MikroORM } from '@mikro-orm/postgresql';
import { Logger, type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { SwaggerModule } from '@nestjs/swagger';
import { json, urlencoded } from 'express';
import { AlertSourcesService } from './alert-sources/alert-sources.service';
import { AppModule } from './app.module';
import { AllExceptionsFilter } from './common/http-exception.filter';
import { bindRequestContextAfterBody, installSecurity } from './common/security';
import { createValidationPipe } from './common/validation';
import type { AppConfig } from './config/app-config';
import { migrateDatabase } from './database/migrate';
import { DEMO_ACCOUNTS, ensureDemoAccounts } from './identity/demo-accounts';
import { ensureDemoInventory } from './inventory/demo-inventory';
import { installHttpObservability } from './observability/http';
import { buildOpenApiDocument } from './openapi/openapi-document';
import { PinoNestLogger } from './observability/logger';
import { withApiObservability } from './observability/observability.module';

const REQUEST_BODY_LIMIT = '256kb';

/** Builds the API application (used by `npm run api` and by the tests), migrated and seeded. */
export async function createApp(config: AppConfig, options: { logger?: false | Logger } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(withApiObservability(AppModule.forRoot(config)), {
    bodyParser: false,
    logger: options.logger === false ? false : new PinoNestLogger(),
  });
  installHttpObservability(app); // first middleware: request id, log context, metrics, drain
  installSecurity(app, config); // security headers, CORS (closed unless CORS_ORIGINS), audit log of requests
  app.use(json({ limit: REQUEST_BODY_LIMIT }));
  app.use(urlencoded({ extended: false, limit: REQUEST_BODY_LIMIT }));
  bindRequestContextAfterBody(app);
  app.useGlobalPipes(createValidationPipe());
  app.useGlobalFilters(new AllExceptionsFilter());
  app.enableShutdownHooks();

  const document = buildOpenApiDocument(app);
  SwaggerModule.setup('api/docs', app, document, { jsonDocumentUrl: 'api/docs-json' });

  const orm = app.get<MikroORM>(MikroORM);
  const log = new Logger('bootstrap');
  await migrateDatabase(orm, (line) => log.log(line));
  if (config.mode === 'embedded') {
    const created = await ensureDemoAccounts(orm.em.fork(), config.demoPassword);
    if (created.length) log.log(`created demo accounts: ${created.join(', ')}`);
    const assets = await ensureDemoInventory(orm.em.fork());
    if (assets.length) log.log(`created demo inventory: ${assets.join(', ')}`);
    if (await app.get(AlertSourcesService).ensureDemoAlertSource(config.demoAlertToken)) log.log('demo alert source "demo-monitoring" accepts DEMO_ALERT_TOKEN');
  }
  return app;
}

export function demoAccountSummary(config: AppConfig): string {
  return DEMO_ACCOUNTS.map((a) => `${a.username} (${a.roles.join(', ')})`).join(', ') + ` — password: ${config.demoPassword}`;
}
