import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../config/app-config';
import { APP_CONFIG } from '../config/config.module';
import { CaseRegistrations } from './case-registrations';
import { connectTemporalClient } from './temporal-connection';

@Global()
@Module({
  providers: [{ provide: Client, inject: [APP_CONFIG], useFactory: (config: AppConfig) => connectTemporalClient(config.temporal) }, CaseRegistrations],
  exports: [Client, CaseRegistrations],
})
export class TemporalModule implements OnApplicationShutdown {
  constructor(@Inject(Client) private readonly client: Client) {}

  async onApplicationShutdown(): Promise<void> {
    await this.client.connection.close();
  }
}
