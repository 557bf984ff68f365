import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The bench still runs: `npm run bench -- --quick` (small sizes, one round) against the test run's
 * PostgreSQL and Temporal (its external-server mode: its own database on that server) writes its
 * JSON with the machine, versions, settings and all six sections. Its numbers are not checked:
 * performance is measured by `npm run bench`, never asserted here.
 */
const ROOT = resolve(__dirname, '..', '..');
const RUN = join(ROOT, 'dist', 'bench', 'run.js');
const SECTIONS = ['overhead', 'apiLatency', 'alertToEmail', 'slaLateness', 'scale', 'replay'];

describe('benchmark smoke run (npm run bench -- --quick)', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'opsdesk-bench-smoke-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  test('runs every section and writes the JSON', async () => {
    expect(existsSync(RUN)).toBe(true); // built by `npm test`'s pretest (npm run build)
    const out = join(dir, 'result.json');
    const env = {
      ...process.env,
      TEMPORAL_ADDRESS: process.env.OPSDESK_TEST_TEMPORAL_ADDRESS,
      DATABASE_URL: `${process.env.OPSDESK_TEST_PG_SERVER}/postgres`,
    };
    const child = spawn(process.execPath, [RUN, '--quick', '--results-dir', join(dir, 'results'), '--out', out], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    const code = await new Promise<number | null>((done) => child.once('exit', done));
    if (code !== 0) throw new Error(`the bench exited with ${code}:\n${output.slice(-6000)}`);

    const result = JSON.parse(readFileSync(out, 'utf8'));
    expect(result).toMatchObject({ benchmark: 'opsdesk', settings: { quick: true } });
    expect(result.machine.cores).toBeGreaterThan(0);
    expect(result.machine.memoryBytes).toBeGreaterThan(0);
    expect(typeof result.machine.cpuModel).toBe('string');
    expect(result.versions.node).toBe(process.version);
    expect(result.versions.postgres).toMatch(/PostgreSQL/);
    expect(result.versions.temporalServer).toBeTruthy();
    for (const name of SECTIONS) {
      expect(result.sections[name]).toBeDefined();
      expect(result.sections[name].error).toBeUndefined();
    }
    expect(result.sections.overhead.runs.map((r: any) => r.system).sort()).toEqual(['baseline', 'opsdesk']);
    expect(result.goals.length).toBeGreaterThan(0);
    // The same figures are under the results directory.
    expect(existsSync(join(dir, 'results', `${result.runId}.json`))).toBe(true);
    expect(output).toContain('§');
  }, 900_000);
});
