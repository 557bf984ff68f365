import { Global, Module } from '@nestjs/common';
import { DependencyMonitor } from './dependency-monitor';
import { HealthController } from './health.controller';
import { HealthService } from './health.service';

/** Global: services that need Temporal ask the monitor before they call it. */
@Global()
@Module({ controllers: [HealthController], providers: [HealthService, DependencyMonitor], exports: [DependencyMonitor] })
export class HealthModule {}
