import type { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule, type OpenAPIObject } from '@nestjs/swagger';
import { AppModule } from '../app.module';
import { loadConfig } from '../config/app-config';
import { withApiObservability } from '../observability/observability.module';

/**
 * The API's OpenAPI document: what `/api/docs-json` serves, and what `npm run api:types` turns
 * into the web UI's types (ui/src/lib/api-types.ts). One builder for both, so they cannot differ.
 */
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  return SwaggerModule.createDocument(
    app,
    new DocumentBuilder()
      .setTitle('opsdesk API')
      .setDescription('運用保守の自動化 — incidents, work requests, tasks, SLAs and audit for the shared IT platform')
      .setVersion('0.1.0')
      .addBearerAuth()
      .build(),
  );
}

/**
 * The document without a running system: the API's modules in Nest's preview mode, which reads the
 * controllers' metadata but instantiates no provider — no PostgreSQL, Temporal or SMTP is reached
 * and nothing listens. The configuration is a placeholder (never connected to).
 */
export async function openApiDocumentOffline(): Promise<OpenAPIObject> {
  const config = loadConfig({ DATABASE_URL: 'postgresql://docs@127.0.0.1:1/never-connected' });
  const app = await NestFactory.create(withApiObservability(AppModule.forRoot(config)), { preview: true, logger: false, abortOnError: false });
  try {
    return buildOpenApiDocument(app);
  } finally {
    await app.close();
  }
}
