/**
 * The embedded mail sink as a process of its own, so the supervisor of `npm start` can restart it
 * like the API and the worker. Ports and the message folder come from the environment.
 */
import { startMailSink } from './mail-sink';

async function main(): Promise<void> {
  const sink = await startMailSink({
    smtpPort: Number(process.env.OPSDESK_SMTP_PORT ?? 1025),
    httpPort: Number(process.env.OPSDESK_MAIL_WEB_PORT ?? 8025),
    storeDir: process.env.OPSDESK_MAIL_STORE_DIR ?? 'data/mail',
  });
  const stop = () => void sink.stop().then(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  console.log(`mail sink: SMTP ${sink.smtpUrl}, messages at ${sink.webUrl}`);
}

main().catch((error: unknown) => {
  console.error(`mail sink could not start: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
