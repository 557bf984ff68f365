import { createHash } from 'node:crypto';

/**
 * Writes a received mail to `mail_inbox` before anything else happens with it: the SMTP listener
 * answers 250 (and the IMAP reader moves the mail away) only after this has committed. Plain SQL
 * with `?` placeholders, so the mail sink process (node-pg) and the API (MikroORM) share it.
 */
export type Execute = (sql: string, params: unknown[]) => Promise<Array<Record<string, unknown>>>;

export interface InboundMeta {
  transport: 'smtp' | 'imap';
  envelopeFrom?: string | null;
  envelopeTo?: string[];
}

/** The header block of a raw message (up to the first empty line), unfolded. */
export function rawHeaderBlock(raw: Buffer): string {
  const text = raw.subarray(0, Math.min(raw.length, 256 * 1024)).toString('latin1');
  const end = text.search(/\r?\n\r?\n/);
  return (end < 0 ? text : text.slice(0, end)).replace(/\r?\n[ \t]+/g, ' ');
}

/** The Message-ID without brackets, or a digest of the whole message when it has none. */
export function messageKeyOf(raw: Buffer): string {
  const match = /^message-id:\s*<?([^<>\s]+)>?/im.exec(rawHeaderBlock(raw));
  if (match && match[1].length <= 500) return match[1];
  return `sha256:${createHash('sha256').update(raw).digest('hex')}`;
}

export async function recordInboundMail(execute: Execute, raw: Buffer, meta: InboundMeta): Promise<{ id: string; duplicate: boolean; messageKey: string }> {
  const messageKey = messageKeyOf(raw);
  const inserted = await execute(
    `insert into mail_inbox (message_key, raw, size, transport, envelope_from, envelope_to, received_at, attempts, next_attempt_at)
     values (?, ?, ?, ?, ?, ?, now(), 0, now()) on conflict (message_key) do nothing returning id`,
    [messageKey, raw, raw.length, meta.transport, meta.envelopeFrom ?? null, JSON.stringify(meta.envelopeTo ?? [])],
  );
  if (inserted.length > 0) return { id: String(inserted[0].id), duplicate: false, messageKey };
  const [earlier] = await execute('select id from mail_inbox where message_key = ?', [messageKey]);
  return { id: String(earlier?.id as string | number | undefined ?? ''), duplicate: true, messageKey };
}

/** `?` placeholders → node-pg's `$1, $2, …` (the SQL above has no `?` inside literals). */
export function toPgPlaceholders(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}
