import 'reflect-metadata';
import './observability/bootstrap'; // logging and (opt-in) tracing, before Nest and http load
import { Logger } from '@nestjs/common';
import { createApp, demoAccountSummary } from './app';
import { loadConfig } from './config/app-config';
import { stopWhenSupervisorDies } from './common/orphan-watch';

async function main(): Promise<void> {
  stopWhenSupervisorDies();
  const config = loadConfig();
  const app = await createApp(config);
  const host = process.env.HOST ?? '127.0.0.1';
  await app.listen(config.port, host);
  const log = new Logger('opsdesk');
  log.log(`UI            ${config.publicUrl}/`);
  log.log(`API docs      ${config.publicUrl}/api/docs (OpenAPI: ${config.publicUrl}/api/docs-json)`);
  log.log(`Health        ${config.publicUrl}/health`);
  if (config.temporalUiUrl) log.log(`Temporal UI   ${config.temporalUiUrl}`);
  if (config.mailSinkUrl) log.log(`Mail sink     ${config.mailSinkUrl}`);
  if (config.mode === 'embedded') {
    log.log(`Demo accounts ${demoAccountSummary(config)}`);
    log.log(`Alert token   ${config.demoAlertToken}`);
  }
}

main().catch((error: unknown) => {
  console.error('[opsdesk] the API could not start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
