import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { createSmtpMailer, type Mailer } from './mailer';

export type { Mailer } from './mailer';
export const MAILER = Symbol('MAILER');

@Global()
@Module({
  providers: [{ provide: MAILER, inject: [APP_CONFIG], useFactory: (config: AppConfig) => createSmtpMailer({ smtpUrl: config.smtpUrl, from: config.mailFrom }) }],
  exports: [MAILER],
})
export class MailModule implements OnApplicationShutdown {
  constructor(@Inject(MAILER) private readonly mailer: Mailer) {}

  onApplicationShutdown(): void {
    this.mailer.close();
  }
}
