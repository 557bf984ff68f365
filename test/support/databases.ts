import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/**
 * Runs `work` on one connection to `connectionString` and closes it whatever happens, so a failing
 * set-up never leaves a connection holding the test's database open.
 */
export async function withDatabase<T>(connectionString: string, work: (db: Client) => Promise<T>): Promise<T> {
  const db = new Client({ connectionString });
  await db.connect();
  try {
    return await work(db);
  } finally {
    await db.end();
  }
}

/** A new, empty database on the run's PostgreSQL server, so test files never share rows. */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  const server = process.env.OPSDESK_TEST_PG_SERVER;
  if (!server) throw new Error('OPSDESK_TEST_PG_SERVER is not set: run the tests with `npm test`');
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  await withDatabase(`${server}/postgres`, (admin) => admin.query(`CREATE DATABASE "${name}"`));
  return `${server}/${name}`;
}
