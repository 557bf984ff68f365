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
 * Japanese fonts of the machine and the charts as vectors. Chromium stamps the time of printing
 * into the PDF's info dictionary; it is replaced by `fixedDate` (same length, so the cross-reference
 * offsets stay right), so the same page gives the same bytes.
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
    return normalisePdfDates(await readFile(out), fixedDate);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** `D:20261206231500+00'00'` → the fixed date, byte for byte the same length. */
export function normalisePdfDates(pdf: Buffer, fixedDate: Date): Buffer {
  const text = pdf.toString('latin1');
  const stamp = fixedDate.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const replaced = text.replace(/\/(CreationDate|ModDate) \(D:(\d{14})([^)]*)\)/g, (_m, key: string, _d: string, rest: string) => `/${key} (D:${stamp}${rest})`);
  return Buffer.from(replaced, 'latin1');
}

/** Pages of a PDF (its /Type /Page objects): for the tests and the API's summary. */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![s\w])/g) ?? []).length;
}
