/**
 * `npm run db:migration -- <name>`: writes a migration for the difference between the entities and
 * the committed migrations, using a throwaway embedded PostgreSQL (or DATABASE_URL when set).
 */
import { MikroORM } from '@mikro-orm/postgresql';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../src/common/paths';
import { ormOptions } from '../src/database/mikro-orm.config';
import { migrateDatabase } from '../src/database/migrate';
import { freePort } from '../src/embedded/ports';
import { startEmbeddedPostgres } from '../src/embedded/postgres';

async function main(): Promise<void> {
  const name = process.argv[2];
  const scratch = mkdtempSync(join(tmpdir(), 'opsdesk-migration-'));
  const pg = process.env.DATABASE_URL ? undefined : await startEmbeddedPostgres({ dataDir: scratch, port: await freePort(), ephemeral: true });
  try {
    if (pg) await pg.createDatabase('opsdesk_schema');
    const orm = await MikroORM.init(ormOptions(process.env.DATABASE_URL ?? pg!.urlFor('opsdesk_schema')));
    try {
      await migrateDatabase(orm);
      const migrator = orm.getMigrator();
      const initial = (await migrator.getExecutedMigrations()).length === 0;
      const result = await migrator.createMigration(join(PROJECT_ROOT, 'src', 'database', 'migrations'), false, initial, name);
      console.log(result.fileName ? `wrote src/database/migrations/${result.fileName}` : 'entities and migrations agree: nothing to write');
    } finally {
      await orm.close(true);
    }
  } finally {
    await pg?.stop();
    rmSync(scratch, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
