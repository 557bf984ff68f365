import { defineConfig, type Options } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../common/paths';
import { ENTITIES } from './entities';

/** One place that turns a DATABASE_URL into MikroORM options, for the API, the worker, the CLI and tests. */
export function ormOptions(databaseUrl: string, overrides: Partial<Options> = {}): Options {
  return defineConfig({
    clientUrl: databaseUrl,
    entities: ENTITIES,
    extensions: [Migrator],
    // Migrations are compiled with the rest of the code: `path` holds js in dist and ts in tests;
    // `pathTs` is where new migrations are written. No schema snapshot: MikroORM rewrites it after
    // every migration run (tests and every start-up wrote into the source tree), and
    // `npm run db:migration` diffs the entities against a freshly migrated database anyway.
    migrations: {
      path: join(__dirname, 'migrations'),
      pathTs: join(PROJECT_ROOT, 'src', 'database', 'migrations'),
      glob: '!(*.d).{js,ts}',
      transactional: true,
      allOrNothing: true,
      snapshot: false,
      emit: 'ts',
      silent: true,
    },
    pool: { min: 0, max: 10 },
    allowGlobalContext: false,
    debug: false,
    ...overrides,
  });
}

// Used by `npx mikro-orm migration:create` (see README, "Changing the schema").
export default ormOptions(process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:54329/opsdesk');
