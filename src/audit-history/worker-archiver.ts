import { MikroORM } from '@mikro-orm/postgresql';
import type { INestApplicationContext } from '@nestjs/common';
import { Client } from '@temporalio/client';
import type { AppConfig } from '../config/app-config';
import { archiveIntervalMs, HistoryArchiver } from './history-archiver';
import { HistoryStore } from './history-store.service';

/** The worker process's archiving loop (see HistoryArchiver), on the worker's own providers. */
export function startWorkerArchiver(context: INestApplicationContext, config: AppConfig, env: NodeJS.ProcessEnv = process.env): HistoryArchiver {
  const orm = context.get<MikroORM>(MikroORM);
  const client = context.get(Client);
  const em = orm.em;
  const archiver = new HistoryArchiver({ store: new HistoryStore(em, client), client, em, taskQueue: config.temporal.taskQueue }, archiveIntervalMs(env));
  archiver.start();
  return archiver;
}
