import { MikroORM } from '@mikro-orm/postgresql';

/** Arbitrary but fixed: every opsdesk process that migrates takes this advisory lock first. */
const MIGRATION_LOCK_KEY = 7_360_250_001;

/**
 * Applies pending migrations exactly once even when the API and the worker start together:
 * the second process waits on the lock, then finds nothing pending.
 */
export async function migrateDatabase(orm: MikroORM, log: (line: string) => void = () => undefined): Promise<void> {
  const connection = orm.em.getConnection();
  const knex = connection.getKnex();
  await knex.transaction(async (trx) => {
    await trx.raw('SELECT pg_advisory_xact_lock(?)', [MIGRATION_LOCK_KEY]);
    const migrator = orm.getMigrator();
    const pending = await migrator.getPendingMigrations();
    if (pending.length === 0) return;
    log(`applying ${pending.length} migration(s): ${pending.map((m) => m.name).join(', ')}`);
    await migrator.up();
  });
}
