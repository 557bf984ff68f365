/**
 * Child process for tests: the embedded servers of `npm start` on a data folder (PostgreSQL with
 * the `opsdesk` database, the Temporal dev server on SQLite) until SIGTERM, or until its standard
 * input closes: the test that started it is gone, and its servers must not outlive it. A process
 * of its own so that the test can stop and restart "the machine" as a whole.
 *
 *   node -r ./swc-register.js run-embedded.ts <dataDir> <pgPort> <temporalPort>
 */
import { join } from 'node:path';
import { startEmbeddedPostgres } from '../../../src/embedded/postgres';
import { startTemporalDevServer } from '../../../src/embedded/temporal-dev-server';

async function main(): Promise<void> {
  const [dataDir, pgPort, temporalPort] = process.argv.slice(2);
  const pg = await startEmbeddedPostgres({ dataDir: join(dataDir, 'postgres'), port: Number(pgPort) });
  await pg.createDatabase('opsdesk');
  const temporal = await startTemporalDevServer({ port: Number(temporalPort), dataDir: join(dataDir, 'temporal') }).catch(async (error: unknown) => {
    // PostgreSQL already runs: it must not outlive this process (the next test expects it stopped).
    await pg.stop();
    throw error;
  });
  const stop = async () => {
    await temporal.stop();
    await pg.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.stdin.once('end', () => void stop());
  process.stdin.resume();
  process.stdout.write(`${JSON.stringify({ ready: true, databaseUrl: pg.urlFor('opsdesk'), temporalAddress: temporal.address })}\n`);
}

main().catch((error: unknown) => {
  console.error(`run-embedded: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});
