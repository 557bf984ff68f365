import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../config/app-config';
import { AlertInbox } from '../incidents/alert-inbox.service';
import { EventThresholdGate } from '../monitoring/event-thresholds';
import { HYPERVISOR, hasPlatformEvents, type HypervisorPort } from '../providers/hypervisor.port';
import { PlatformWatch } from './platform-watch';

/**
 * The worker process's platform watch (R-MON-1 events, R-RPT-3 capacity) on the worker's own
 * hypervisor adapter. Alerts are written to the alert inbox like POST /api/alerts writes them
 * (AlertInbox.accept); the API process's dispatcher hands them to Temporal within its poll (1 s).
 * This process runs no dispatcher of its own: one here could claim an alert the API has just
 * accepted and is waiting to hand over itself, and the sender would then be told "queued" for an
 * alert that opened its incident.
 */
export function startWorkerPlatformWatch(context: INestApplicationContext, config: AppConfig): { stop(): Promise<void> } {
  const watchConfig = config.platformWatch;
  const hypervisor = context.get<HypervisorPort>(HYPERVISOR);
  if (!watchConfig.enabled || !hasPlatformEvents(hypervisor)) return { stop: () => Promise.resolve() };
  const orm = context.get<MikroORM>(MikroORM);
  const inbox = new AlertInbox(orm.em, context.get(Client), config);
  const gate = new EventThresholdGate(orm.em);
  const watch = new PlatformWatch(orm.em, hypervisor, (alerts, source, key) => inbox.accept(alerts, source, key), watchConfig, (batch) => gate.judge(batch));
  watch.start();
  return { stop: () => watch.stop() };
}
