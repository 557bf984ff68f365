import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** What the tests and backups need from the operating system, and where each is looked for. */
export interface SystemPrerequisite {
  what: string;
  debianPackage: string;
  /** The variable that points at an existing install instead, where there is one. */
  override?: string;
}

export const SYSTEM_PACKAGES_HINT = 'apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-cjk postgresql-client';

export function chromiumPath(): string {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** The PostgreSQL client tools (`pg_dump`, `pg_restore`) from PG_BIN_DIR, else from PATH. */
export function pgClientTool(name: 'pg_dump' | 'pg_restore'): string | undefined {
  if (process.env.PG_BIN_DIR) {
    const path = join(process.env.PG_BIN_DIR, name);
    return existsSync(path) ? path : undefined;
  }
  const found = spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' });
  return found.status === 0 ? found.stdout.trim() : undefined;
}

function hasJapaneseFont(): boolean {
  const fonts = spawnSync('fc-list', [':lang=ja', 'family'], { encoding: 'utf8' });
  return fonts.status === 0 && fonts.stdout.trim().length > 0;
}

export function missingSystemPackages(): SystemPrerequisite[] {
  const missing: SystemPrerequisite[] = [];
  if (!existsSync(chromiumPath())) missing.push({ what: `Chromium (${chromiumPath()}) for the browser tests`, debianPackage: 'chromium', override: 'CHROMIUM_PATH' });
  if (!hasJapaneseFont()) missing.push({ what: 'a Japanese font for the browser tests', debianPackage: 'fonts-noto-cjk' });
  if (!pgClientTool('pg_dump') || !pgClientTool('pg_restore')) missing.push({ what: 'pg_dump and pg_restore for the backup tests', debianPackage: 'postgresql-client', override: 'PG_BIN_DIR' });
  return missing;
}
