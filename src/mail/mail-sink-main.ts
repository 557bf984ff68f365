/**
 * The embedded mail sink as a process of its own, so the supervisor of `npm start` can restart it
 * like the API and the worker. Ports and the message folder come from the environment.
 */
import { Pool } from 'pg';
import { loadDeskConfig } from '../desk/desk-config';
import { recordInboundMail, toPgPlaceholders } from './inbound/inbox-writer';
import { startMailSink, type DeskDelivery } from './mail-sink';

/**
 * The desk mailbox (R-DESK-1): with opsdesk's database known, mail for the desk address is written
 * to `mail_inbox` before the sink answers 250; the API's intake takes it from there.
 */
function deskDelivery(): { desk: DeskDelivery; close: () => Promise<void> } | undefined {
  if (!process.env.DATABASE_URL || process.env.DESK_MAIL_INTAKE === 'off') return undefined;
  const pool = new Pool({ connectionString: process.env.DATABASE_URL, max: 2 });
  const execute = async (sql: string, params: unknown[]) => (await pool.query(toPgPlaceholders(sql), params)).rows as Array<Record<string, unknown>>;
  return {
    desk: { addresses: loadDeskConfig().addresses, deliver: (raw, envelope) => recordInboundMail(execute, raw, { transport: 'smtp', envelopeFrom: envelope.from, envelopeTo: envelope.to }) },
    close: () => pool.end(),
  };
}

async function main(): Promise<void> {
  const desk = deskDelivery();
  const sink = await startMailSink({
    smtpPort: Number(process.env.OPSDESK_SMTP_PORT ?? 1025),
    httpPort: Number(process.env.OPSDESK_MAIL_WEB_PORT ?? 8025),
    storeDir: process.env.OPSDESK_MAIL_STORE_DIR ?? 'data/mail',
    desk: desk?.desk,
    maxMessageBytes: desk ? 25 * 1024 * 1024 : undefined,
  });
  const stop = () => void sink.stop().then(() => desk?.close()).then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`mail sink: SMTP ${sink.smtpUrl}, messages at ${sink.webUrl}${desk ? `; the desk mailbox (${desk.desk.addresses.join(', ')}) goes to the case intake` : ''}`);
}

main().catch((error: unknown) => {
  console.error(`mail sink could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
