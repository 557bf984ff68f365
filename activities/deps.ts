import type { MikroORM } from '@mikro-orm/postgresql';
import type { Client } from '@temporalio/client';
import type { CalendarService } from '../src/calendar/calendar.service';
import type { AppConfig } from '../src/config/app-config';
import type { Mailer } from '../src/mail/mailer';

/** What activities may touch; injected by the worker (from Nest providers) or by tests. */
export interface ActivityDeps {
  orm: MikroORM;
  mailer: Mailer;
  calendar: CalendarService;
  temporal: Client;
  config: AppConfig;
}
