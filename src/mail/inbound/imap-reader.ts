import { ImapFlow } from 'imapflow';
import type { InboundMeta } from './inbox-writer';

/**
 * The desk mailbox in production (R-DESK-1, R-CONTACT-1): reads new mail over IMAP, records each
 * message durably (`record`, the mail_inbox row keyed by Message-ID) and only then moves it to the
 * processed folder. A reader that dies between reading and recording leaves the mail in the inbox
 * (read again next time); one that dies between recording and moving reads it again and the
 * Message-ID makes the second record a no-op before the move. Nothing is lost or duplicated.
 *
 * New mail is noticed by IDLE (imapflow idles between commands and reports `exists`), with a
 * polling pass as a safety net.
 */
export interface ImapReaderOptions {
  host: string;
  port: number;
  secure: boolean;
  user: string;
  pass: string;
  mailbox?: string;
  processedFolder?: string;
  pollMs?: number;
  /** Trusted CA (PEM) or `rejectUnauthorized: false` never: TLS is verified. */
  ca?: string;
  record: (raw: Buffer, meta: InboundMeta) => Promise<unknown>;
  log?: (message: string) => void;
}

/** `imaps://user:pass@host:993/INBOX?processed=Processed` → options (without `record`). */
export function parseImapUrl(url: string): Omit<ImapReaderOptions, 'record'> {
  const parsed = new URL(url);
  if (parsed.protocol !== 'imap:' && parsed.protocol !== 'imaps:') throw new Error('DESK_IMAP_URL must be imap:// or imaps://');
  const secure = parsed.protocol === 'imaps:';
  return {
    host: parsed.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: parsed.port ? Number(parsed.port) : secure ? 993 : 143,
    secure,
    user: decodeURIComponent(parsed.username),
    pass: decodeURIComponent(parsed.password),
    mailbox: decodeURIComponent(parsed.pathname.replace(/^\//, '')) || 'INBOX',
    processedFolder: parsed.searchParams.get('processed') ?? 'Processed',
  };
}

export class ImapReader {
  private client?: ImapFlow;
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private again = false;
  private stopped = false;
  private readonly mailbox: string;
  private readonly processed: string;

  constructor(private readonly options: ImapReaderOptions) {
    this.mailbox = options.mailbox ?? 'INBOX';
    this.processed = options.processedFolder ?? 'Processed';
  }

  async start(): Promise<void> {
    this.stopped = false;
    this.timer = setInterval(() => void this.kick(), this.options.pollMs ?? 30_000);
    this.timer.unref();
    await this.kick();
  }

  /** A pass now (or right after the one running); resolves with how many mails it moved. */
  kick(): Promise<number> {
    if (this.stopped) return Promise.resolve(0);
    if (this.running) {
      this.again = true;
      return this.running;
    }
    this.running = (async () => {
      let moved = 0;
      do {
        this.again = false;
        try {
          moved += await this.pass();
        } catch (error) {
          this.options.log?.(`IMAP pass failed (the mail stays in ${this.mailbox}): ${error instanceof Error ? error.message : String(error)}`);
          this.drop();
        }
      } while (this.again && !this.stopped);
      return moved;
    })().finally(() => (this.running = undefined));
    return this.running;
  }

  private async connection(): Promise<ImapFlow> {
    if (this.client?.usable) return this.client;
    const client = new ImapFlow({
      host: this.options.host, port: this.options.port, secure: this.options.secure, auth: { user: this.options.user, pass: this.options.pass },
      logger: false, tls: this.options.ca ? { ca: this.options.ca } : undefined, disableAutoIdle: false,
    });
    client.on('error', (error: Error) => this.options.log?.(`IMAP connection error: ${error.message}`));
    client.on('exists', () => void this.kick());
    client.on('close', () => {
      if (this.client === client) this.client = undefined;
    });
    await client.connect();
    const folders = await client.list();
    if (!folders.some((f) => f.path === this.processed)) await client.mailboxCreate(this.processed).catch(() => undefined);
    this.client = client;
    return client;
  }

  private async pass(): Promise<number> {
    const client = await this.connection();
    const lock = await client.getMailboxLock(this.mailbox);
    let moved = 0;
    try {
      const exists = typeof client.mailbox === 'object' && client.mailbox ? client.mailbox.exists : 0;
      const messages = exists ? await client.fetchAll('1:*', { uid: true, source: true, envelope: true }, { uid: false }) : [];
      for (const message of messages) {
        if (this.stopped || !message.source) break;
        // 1. Durably recorded (or recognised by its Message-ID) ...
        await this.options.record(message.source, { transport: 'imap', envelopeFrom: message.envelope?.from?.[0]?.address ?? null, envelopeTo: [] });
        // 2. ... and only then moved away.
        await client.messageMove(String(message.uid), this.processed, { uid: true });
        moved += 1;
      }
    } finally {
      lock.release();
    }
    // Wait in IDLE: the server says EXISTS when mail arrives (the `exists` listener starts a pass).
    // Also after a pass that found the inbox empty: left to imapflow, IDLE would only start after its
    // auto-IDLE delay (15 s of quiet), and the first mail after a quiet start waited that long.
    if (!this.stopped) void client.idle().catch(() => undefined);
    return moved;
  }

  private drop(): void {
    const client = this.client;
    this.client = undefined;
    client?.close();
  }

  /** Dies at once, as a crashed process would: the connection is cut, nothing more is done. */
  kill(): void {
    this.stopped = true;
    clearInterval(this.timer);
    this.drop();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
    const client = this.client;
    this.client = undefined;
    await client?.logout().catch(() => client.close());
  }
}
