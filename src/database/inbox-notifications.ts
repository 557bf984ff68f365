import { Logger } from '@nestjs/common';
import { Client } from 'pg';

/**
 * PostgreSQL LISTEN for the durable inboxes (alert_inbox, mail_inbox): a trigger on each table
 * (migration inbox_notify) sends `NOTIFY opsdesk_inbox, '<table>'` when rows are inserted, whoever
 * inserts them (this API process, another one, the mail sink process). One connection per
 * database and process, shared by every dispatcher, opened on first use and closed with the last.
 *
 * A notification only wakes a dispatcher sooner: the rows are the truth, and a dispatcher that
 * misses a notification (the connection was down) finds the rows on its fallback poll. While the
 * connection is down, `listening` is false and dispatchers poll fast, as before.
 */
export const INBOX_CHANNEL = 'opsdesk_inbox';

type Subscriber = { table: string; onNotify: () => void };

export class InboxNotifications {
  private static readonly shared = new Map<string, InboxNotifications>();

  /** The listener of this database for this process (created on first use). */
  static acquire(databaseUrl: string): InboxNotifications {
    let listener = InboxNotifications.shared.get(databaseUrl);
    if (!listener) {
      listener = new InboxNotifications(databaseUrl);
      InboxNotifications.shared.set(databaseUrl, listener);
    }
    return listener;
  }

  private readonly logger = new Logger('inbox-notifications');
  private readonly subscribers = new Set<Subscriber>();
  private client: Client | null = null;
  private connecting: Promise<void> | null = null;
  private retryTimer?: NodeJS.Timeout;
  private closed = false;
  private failures = 0;
  listening = false;

  private constructor(private readonly databaseUrl: string) {}

  /** Calls `onNotify` whenever rows are inserted into `table`; returns the unsubscribe. */
  subscribe(table: string, onNotify: () => void): () => Promise<void> {
    const subscriber = { table, onNotify };
    this.subscribers.add(subscriber);
    this.closed = false;
    if (!this.client && !this.connecting) this.connect();
    return async () => {
      this.subscribers.delete(subscriber);
      if (this.subscribers.size === 0) await this.close();
    };
  }

  private connect(): void {
    this.connecting = (async () => {
      const client = new Client({ connectionString: this.databaseUrl, application_name: 'opsdesk-inbox-listener', keepAlive: true });
      // An error on an idle connection (PostgreSQL restarted) must never crash the process.
      client.on('error', (error) => this.lost(client, error));
      client.on('end', () => this.lost(client, new Error('connection ended')));
      client.on('notification', (message) => {
        if (message.channel !== INBOX_CHANNEL) return;
        for (const subscriber of this.subscribers) if (!message.payload || message.payload === subscriber.table) subscriber.onNotify();
      });
      try {
        await client.connect();
        await client.query(`listen ${INBOX_CHANNEL}`);
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
      this.listening = true;
      if (this.failures > 0) this.logger.log('listening for inbox notifications again');
      this.failures = 0;
      // Rows inserted while nobody listened: every dispatcher looks once.
      for (const subscriber of this.subscribers) subscriber.onNotify();
    })().finally(() => (this.connecting = null));
  }

  private lost(client: Client, error: unknown): void {
    if (this.client !== client) return;
    this.client = null;
    this.listening = false;
    client.removeAllListeners('notification');
    void client.end().catch(() => undefined);
    this.retry(error);
  }

  private retry(error: unknown): void {
    this.listening = false;
    if (this.closed || this.subscribers.size === 0) return;
    if (this.failures++ === 0) this.logger.warn(`inbox notifications unavailable (${error instanceof Error ? error.message : String(error)}); dispatchers poll every second meanwhile`);
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
    if (client) {
      client.removeAllListeners('end');
      client.removeAllListeners('notification');
      await client.end().catch(() => undefined);
    }
    InboxNotifications.shared.delete(this.databaseUrl);
  }
}
