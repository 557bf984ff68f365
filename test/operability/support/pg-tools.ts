import { spawnSync } from 'node:child_process';
import { findPgTools, type PgTools } from '../../../scripts/backup';

/**
 * pg_dump/pg_restore for the backup tests. A new machine may not have them: as root on Debian,
 * install Debian's postgresql-client (the same package the Dockerfile installs), once.
 */
export function ensurePgTools(): PgTools {
  try {
    return findPgTools();
  } catch (missing) {
    if (process.getuid?.() !== 0 || spawnSync('apt-get', ['--version'], { stdio: 'ignore' }).status !== 0) throw missing;
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    spawnSync('apt-get', ['update', '-qq'], { stdio: 'ignore', env, timeout: 300_000 });
    const install = spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'postgresql-client'], { encoding: 'utf8', env, timeout: 300_000 });
    if (install.status !== 0) throw new Error(`pg_dump is missing and apt-get could not install postgresql-client: ${install.stderr}`);
    return findPgTools();
  }
}
