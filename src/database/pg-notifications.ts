import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/**
 * PostgreSQL LISTEN for the whole process: triggers NOTIFY when rows that someone waits for are
 * committed, by whichever process wrote them (the durable inboxes: `opsdesk_inbox`, migration
 * inbox_notify; the inventory that drives monitoring: `opsdesk_inventory`, migration
 * monitoring_events). One connection per database and process, shared by every subscriber of
 * every channel, opened on first use and closed with the last subscriber.
 *
 * A notification only wakes a subscriber sooner: the rows are the truth, and every subscriber
 * keeps a fallback poll for what a lost notification missed. On every (re)connect each subscriber
 * is called once, for what was committed while nobody listened. While the connection is down,
 * `listening` is false (subscribers poll faster meanwhile) and it reconnects by itself.
 */
export const LISTENER_APPLICATION_NAME = 'opsdesk-listener';

type Subscriber = { channel: string; onNotify: (payload: string) => void };

export class PgNotifications {
  private static readonly shared = new Map<string, PgNotifications>();

  /** The listener of this database for this process (created on first use). */
  static acquire(databaseUrl: string): PgNotifications {
    let listener = PgNotifications.shared.get(databaseUrl);
    if (!listener) {
      listener = new PgNotifications(databaseUrl);
      PgNotifications.shared.set(databaseUrl, listener);
    }
    return listener;
  }

  private readonly logger = new Logger('pg-notifications');
  private readonly subscribers = new Set<Subscriber>();
  private readonly listenedChannels = new Set<string>();
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;
  private failures = 0;
  listening = false;

  private constructor(private readonly databaseUrl: string) {}

  /**
   * Calls `onNotify` with the notification's payload whenever `channel` is notified, and once
   * (payload '') on every (re)connect; returns the unsubscribe.
   */
  subscribe(channel: string, onNotify: (payload: string) => void): () => Promise<void> {
    const subscriber = { channel, onNotify };
    this.subscribers.add(subscriber);
    this.closed = false;
    if (this.client && !this.listenedChannels.has(channel)) void this.listen(this.client, channel);
    else if (!this.client && !this.connecting) this.connect();
    return async () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) await this.close();
    };
  }

  private async listen(client: Client, channel: string): Promise<void> {
    this.listenedChannels.add(channel);
    // Channel names are ours (constants), never user input: LISTEN takes no bind parameters.
    await client.query(`listen ${channel}`).catch((error: unknown) => this.lost(client, error));
  }

  private connect(): void {
    this.connecting = (async () => {
      const client = new Client({ connectionString: this.databaseUrl, application_name: LISTENER_APPLICATION_NAME, keepAlive: true, connectionTimeoutMillis: 10_000 });
      // An error on an idle connection (PostgreSQL restarted) must never crash the process.
      client.on('error', (error) => this.lost(client, error));
      client.on('end', () => this.lost(client, new Error('connection ended')));
      client.on('notification', (message) => {
        for (const subscriber of this.subscribers) if (subscriber.channel === message.channel) subscriber.onNotify(message.payload ?? '');
      });
      const channels = new Set([...this.subscribers].map((s) => s.channel));
      try {
        await client.connect();
        for (const channel of channels) await client.query(`listen ${channel}`);
      } catch (error) {
        client.removeAllListeners('end');
        client.removeAllListeners('error');
        client.on('error', () => undefined);
        await client.end().catch(() => undefined);
        this.retry(error);
        return;
      }
      if (this.closed) {
        await client.end().catch(() => undefined);
        return;
      }
      this.client = client;
      this.listenedChannels.clear();
      for (const channel of channels) this.listenedChannels.add(channel);
      // Subscribed while connecting: listen now.
      for (const subscriber of this.subscribers) if (!this.listenedChannels.has(subscriber.channel)) await this.listen(client, subscriber.channel);
      this.listening = true;
      if (this.failures > 0) this.logger.log('told of committed changes again');
      this.failures = 0;
      for (const subscriber of this.subscribers) subscriber.onNotify('');
    })().finally(() => (this.connecting = null));
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    this.listenedChannels.clear();
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    this.retry(error);
  }

  private retry(error: unknown): void {
    this.listening = false;
    if (this.closed || this.subscribers.size === 0) return;
    if (this.failures++ === 0) this.logger.warn(`no longer told of committed changes (${error instanceof Error ? error.message : String(error)}); inboxes and monitoring targets follow their fallback polls until PostgreSQL answers again`);
    clearTimeout(this.retryTimer);
    this.retryTimer = setTimeout(() => {
      if (!this.closed && !this.client && !this.connecting) this.connect();
    }, Math.min(1_000 * 2 ** Math.min(this.failures - 1, 4), 15_000)).unref();
  }

  private async close(): Promise<void> {
    this.closed = true;
    this.listening = false;
    clearTimeout(this.retryTimer);
    await this.connecting;
    const client = this.client;
    this.client = null;
    this.listenedChannels.clear();
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('notification');
      await client.end().catch(() => undefined);
    }
    PgNotifications.shared.delete(this.databaseUrl);
  }
}
