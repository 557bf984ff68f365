import { randomUUID } from 'node:crypto';
import { Client } from 'pg';

/** A new, empty database on the run's PostgreSQL server, so test files never share rows. */
export async function createTestDatabase(prefix = 't'): Promise<string> {
  const server = process.env.OPSDESK_TEST_PG_SERVER;
  if (!server) throw new Error('OPSDESK_TEST_PG_SERVER is not set: run the tests with `npm test`');
  const name = `${prefix}_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const admin = new Client({ connectionString: `${server}/postgres` });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return `${server}/${name}`;
}
