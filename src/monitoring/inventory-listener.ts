import { Client } from 'pg';

/** The channel triggers on the inventory's tables notify (migration Migration20261207014423_monitoring_events). */
export const INVENTORY_CHANNEL = 'opsdesk_inventory';

export interface InventoryListenerOptions {
  databaseUrl: string;
  /** Called (debounced) after a change to the inventory was committed, by any process. */
  onChange: () => void;
  /** Told when listening starts, stops working and works again (one line each, not one per retry). */
  log: (level: 'log' | 'warn', message: string) => void;
  /** Changes within this are taken together (a bulk edit is one sync). */
  debounceMs?: number;
  /** Wait before connecting again after the connection was lost. */
  retryMs?: number;
}

/**
 * Listens for the inventory's changes (PostgreSQL LISTEN/NOTIFY on one connection of its own), so
 * the scrape targets follow an edit at once instead of the whole inventory being re-read every
 * few seconds. Losing the connection only slows things to the fallback poll until it is back;
 * on every (re)connect `onChange` runs once, for what changed while nobody listened.
 */
export class InventoryListener {
  private client?: Client;
  private stopped = false;
  private debounce?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private failing = false;
  /** Notifications received: for tests and /metrics. */
  notifications = 0;

  constructor(private readonly options: InventoryListenerOptions) {}

  get listening(): boolean {
    return !!this.client && !this.failing;
  }

  async start(): Promise<void> {
    await this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.debounce);
    clearTimeout(this.retry);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private nudge(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = setTimeout(() => {
      this.debounce = undefined;
      if (!this.stopped) this.options.onChange();
    }, this.options.debounceMs ?? 50);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client({ connectionString: this.options.databaseUrl, application_name: 'opsdesk-inventory-listener', connectionTimeoutMillis: 10_000 });
    const lost = (error?: Error) => {
      if (this.client !== client || this.stopped) return;
      this.client = undefined;
      if (!this.failing) this.options.log('warn', `no longer told of inventory changes (${error?.message ?? 'connection closed'}); the targets follow the fallback poll until PostgreSQL is back`);
      this.failing = true;
      void client.end().catch(() => undefined);
      this.retry = setTimeout(() => void this.connect(), this.options.retryMs ?? 5_000);
      this.retry.unref();
    };
    client.on('error', lost);
    client.on('end', () => lost());
    client.on('notification', (message) => {
      if (message.channel !== INVENTORY_CHANNEL) return;
      this.notifications++;
      this.nudge();
    });
    try {
      this.client = client;
      await client.connect();
      await client.query(`LISTEN ${INVENTORY_CHANNEL}`);
      if (this.failing) this.options.log('log', 'told of inventory changes again');
      this.failing = false;
      this.nudge();
    } catch (error) {
      lost(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
