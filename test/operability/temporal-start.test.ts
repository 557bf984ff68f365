import { chmodSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Connection } from '@temporalio/client';
import { freePort } from '../../src/embedded/ports';
import { temporalCliPath } from '../../src/embedded/temporal-binaries';
import { startTemporalDevServer } from '../../src/embedded/temporal-dev-server';

/**
 * The dev server chooses its internal ports itself and panics (exit 2) when another process takes
 * one first. `npm start` and the test set-up must ride over that, not fail the whole run (as CI
 * did once), and a start that keeps failing must say why in the server's own words.
 */
describe('starting the embedded Temporal dev server', () => {
  let scratch: string;
  const realCli = temporalCliPath();
  const savedCliPath = process.env.TEMPORAL_CLI_PATH;

  beforeAll(() => {
    scratch = mkdtempSync(join(tmpdir(), 'opsdesk-temporal-start-'));
  });
  afterEach(() => {
    if (savedCliPath === undefined) delete process.env.TEMPORAL_CLI_PATH;
    else process.env.TEMPORAL_CLI_PATH = savedCliPath;
  });
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  /** A CLI that panics the way the dev server does for its first `failures` starts, then is the real one. */
  function flakyCli(failures: number): string {
    const counter = join(scratch, `starts-${failures}`);
    const script = join(scratch, `temporal-flaky-${failures}`);
    writeFileSync(
      script,
      `#!/bin/sh\nn=$(cat ${counter} 2>/dev/null || echo 0); n=$((n+1)); echo $n > ${counter}\n` +
        `if [ $n -le ${failures} ]; then echo "panic: listen tcp 127.0.0.1:40001: bind: address already in use" >&2; exit 2; fi\n` +
        `exec ${realCli} "$@"\n`,
    );
    chmodSync(script, 0o755);
    return script;
  }

  it('issue 14 (a run must not fail on a port race): a start-up panic is retried, and the server then answers', async () => {
    expect(existsSync(realCli)).toBe(true);
    process.env.TEMPORAL_CLI_PATH = flakyCli(1);
    const lines: string[] = [];
    const temporal = await startTemporalDevServer({ port: await freePort(), log: (line) => lines.push(line) });
    try {
      const connection = await Connection.connect({ address: temporal.address });
      await connection.workflowService.getSystemInfo({});
      await connection.close();
      expect(lines.some((line) => /starting it again \(attempt 2 of 3\)/.test(line))).toBe(true);
    } finally {
      await temporal.stop();
    }
  }, 90_000);

  it('issue 14: a server that keeps failing is given up after three tries, with its own last words', async () => {
    process.env.TEMPORAL_CLI_PATH = flakyCli(5);
    await expect(startTemporalDevServer({ port: await freePort() })).rejects.toThrow(
      /Temporal dev server exited \(code 2\) before it was ready: panic: listen tcp 127\.0\.0\.1:40001: bind: address already in use/,
    );
  }, 30_000);
});
