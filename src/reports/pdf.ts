import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { chromiumPath } from '../embedded/system-packages';

const run = promisify(execFile);

/**
 * The report's HTML page printed to PDF by headless Chromium (the same Debian Chromium the UI tests
 * drive; CHROMIUM_PATH names another): the PDF shows exactly what the page shows, with the
 * Japanese fonts of the machine and the charts as vectors. Two things in Chromium's PDF change from
 * one printing of the same page to the next, and both are rewritten so that the same page gives the
 * same bytes (see normalisePdf).
 */
export async function htmlToPdf(html: string, fixedDate: Date): Promise<Buffer> {
  const dir = await mkdtemp(join(tmpdir(), 'opsdesk-report-'));
  try {
    const page = join(dir, 'report.html');
    const out = join(dir, 'report.pdf');
    await writeFile(page, html, 'utf8');
    await run(chromiumPath(), [
      '--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--no-default-browser-check', '--disable-extensions',
      '--disable-background-networking', '--disable-sync', '--disable-component-update', '--no-pdf-header-footer',
      // Print only once everything is laid out and drawn, whatever the load: the same page must give the same bytes.
      '--run-all-compositor-stages-before-draw', '--virtual-time-budget=10000',
      `--user-data-dir=${join(dir, 'profile')}`, `--print-to-pdf=${out}`, pathToFileURL(page).href,
    ], { timeout: 120_000, env: { ...process.env, TZ: 'UTC' } });
    return normalisePdf(await readFile(out), fixedDate);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/**
 * Rewrites what differs between two printings of the same page, byte for byte the same length so
 * the cross-reference offsets stay right:
 * - the time of printing in the info dictionary (`D:20261206231500+00'00'`) → `fixedDate`;
 * - the ids of the tagged PDF's structure elements (`(node00000032)`, the table header cells that
 *   other cells name in /Headers, and the /IDTree). They are Chromium's node ids, and one printing
 *   in a loaded test run numbered them one higher than the others: they are renumbered by rank,
 *   from 1, which keeps their order (the /IDTree must stay sorted) and every reference to them.
 */
export function normalisePdf(pdf: Buffer, fixedDate: Date): Buffer {
  const text = pdf.toString('latin1');
  const stamp = fixedDate.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const dated = text.replace(/\/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)/g, (_m, key: string, _d: string, rest: string) => `/${key} (D:${stamp}${rest})`);
  const STRUCTURE_ID = /\(node(\d{8})\)/g;
  const ranks = new Map([...new Set(Array.from(dated.matchAll(STRUCTURE_ID), (m) => m[1]))].sort().map((id, index) => [id, String(index + 1).padStart(8, '0')]));
  const renumbered = dated.replace(STRUCTURE_ID, (_m, id: string) => `(node${ranks.get(id)!})`);
  return Buffer.from(renumbered, 'latin1');
}

/** Pages of a PDF (its /Type /Page objects): for the tests and the API's summary. */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}
