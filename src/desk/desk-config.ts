/**
 * The desk mailbox, read from the environment once (src/desk; not in AppConfig, so the desk stays
 * one folder): `DESK_MAIL_ADDRESS` (comma-separated; default `desk@opsdesk.local`), which the
 * embedded mail sink accepts for the desk; `DESK_IMAP_URL` the production mailbox read over IMAP
 * (`DESK_IMAP_POLL_MS` between passes besides IDLE, default 30 s); `DESK_MAIL_INTAKE=off` stops
 * this process from handling the inbox (another API process does).
 */
export interface DeskConfig {
  addresses: string[];
  intakeEnabled: boolean;
  /** Right-hand side of the Message-IDs opsdesk generates: a mail with one is our own (a loop). */
  ownMessageIdDomain?: string;
  /** `imaps://user:pass@host:993/INBOX?processed=Processed`: the production mailbox (DESK_IMAP_URL). */
  imapUrl?: string;
  imapPollMs: number;
}

export const DESK_CONFIG = Symbol('DESK_CONFIG');

export function loadDeskConfig(env: NodeJS.ProcessEnv = process.env): DeskConfig {
  const addresses = (env.DESK_MAIL_ADDRESS ?? 'desk@opsdesk.local').split(',').map((a) => a.trim().toLowerCase()).filter(Boolean);
  return { addresses, intakeEnabled: env.DESK_MAIL_INTAKE !== 'off', imapUrl: env.DESK_IMAP_URL || undefined, imapPollMs: Number(env.DESK_IMAP_POLL_MS ?? 30_000) };
}
