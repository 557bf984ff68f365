import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../config/app-config';
import { AlertInbox } from '../incidents/alert-inbox.service';
import { HYPERVISOR, hasPlatformEvents, type HypervisorPort } from '../providers/hypervisor.port';
import { PlatformWatch } from './platform-watch';

/**
 * The worker process's platform watch (R-MON-1 events, R-RPT-3 capacity) on the worker's own
 * hypervisor adapter. Alerts go through an AlertInbox of this process: written to the inbox like
 * POST /api/alerts writes them, and handed to Temporal by this process's dispatcher or the API's.
 */
export function startWorkerPlatformWatch(context: INestApplicationContext, config: AppConfig): { stop(): Promise<void> } {
  const watchConfig = config.platformWatch;
  const hypervisor = context.get<HypervisorPort>(HYPERVISOR);
  if (!watchConfig.enabled || !hasPlatformEvents(hypervisor)) return { stop: () => Promise.resolve() };
  const orm = context.get<MikroORM>(MikroORM);
  const inbox = new AlertInbox(orm.em, context.get(Client), config);
  inbox.onApplicationBootstrap();
  const watch = new PlatformWatch(orm.em, hypervisor, (alerts, source, key) => inbox.accept(alerts, source, key), watchConfig, () => inbox.kick());
  watch.start();
  return {
    stop: async () => {
      await watch.stop();
      await inbox.onModuleDestroy();
    },
  };
}
