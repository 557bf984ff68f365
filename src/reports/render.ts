import ExcelJS from 'exceljs';
import JSZip from 'jszip';
import { createHash } from 'node:crypto';
import type { Cell, MonthlyFigures, ReportChart, ReportSection, ReportSectionId } from '../../workflows/shared/contracts';
import { chartPng, chartSvg } from './charts';

/**
 * The report's two files from its figures and comments: an Excel workbook (exceljs) and the HTML
 * page the PDF is printed from. Nothing here reads a clock: the files' own dates are the end of
 * the reported month, so a report regenerated from the same data has the same bytes.
 */

export interface RenderMeta {
  month: string;
  revision: number;
  stage: 'draft' | 'final';
  comments: Partial<Record<ReportSectionId, string>>;
  approvedBy: string | null;
}

/** Which section shows which chart. */
export const CHART_SECTION: Record<ReportChart['id'], ReportSectionId> = {
  availability: 'platform', incidents_weekly: 'platform', capacity: 'capacity', sla_monthly: 'work',
};

const SHEET_NAMES: Record<ReportSectionId, string> = {
  vms: '1 仮想マシン', platform: '2 基盤', capacity: '3 キャパシティ', work: '4 作業実績', open_issues: '5 未解決課題',
};

export const sha256 = (buffer: Buffer) => createHash('sha256').update(buffer).digest('hex');

/** A draft carries no revision number: drafts of the same data are the same file, whichever generation made them. */
const versionLabel = (meta: RenderMeta) => (meta.stage === 'final' ? `第${meta.revision}版（承認済み）` : '案（所見・承認前）');
const monthJa = (month: string) => `${month.slice(0, 4)}年${Number(month.slice(5, 7))}月`;
const display = (value: Cell) => (value === null || value === undefined ? '—' : String(value));

/** The fixed instant stamped into the files: the last second of the month (UTC of its JST end). */
function fileDate(figures: MonthlyFigures): Date {
  return new Date(Date.parse(figures.to) - 1000);
}

export async function renderWorkbook(figures: MonthlyFigures, meta: RenderMeta): Promise<Buffer> {
  const wb = new ExcelJS.Workbook();
  wb.creator = 'opsdesk';
  wb.lastModifiedBy = 'opsdesk';
  wb.created = fileDate(figures);
  wb.modified = fileDate(figures);
  const setup = (ws: ExcelJS.Worksheet) => {
    ws.pageSetup = { paperSize: 9, orientation: 'landscape', fitToPage: true, fitToWidth: 1, fitToHeight: 0, margins: { left: 0.5, right: 0.5, top: 0.6, bottom: 0.6, header: 0.3, footer: 0.3 } };
    ws.headerFooter = { oddFooter: `月次報告書 ${monthJa(figures.month)} &P / &N` };
  };
  const cover = wb.addWorksheet('表紙');
  setup(cover);
  cover.columns = [{ width: 28 }, { width: 70 }];
  cover.addRow(['業務システム統合基盤 運用保守 月次報告書']).font = { size: 16, bold: true };
  cover.addRow([]);
  cover.addRow(['対象月', monthJa(figures.month)]);
  cover.addRow(['版', versionLabel(meta)]);
  cover.addRow(['承認者', meta.approvedBy ?? '—']);
  cover.addRow(['集計期間', `${figures.from} 〜 ${figures.to}（日本時間の月初から翌月初まで）`]);
  cover.addRow([]);
  cover.addRow(['目次']).font = { bold: true };
  for (const section of figures.sections) cover.addRow([SHEET_NAMES[section.id], `${section.titleJa}（${section.requirement}）`]);

  for (const section of figures.sections) {
    const ws = wb.addWorksheet(SHEET_NAMES[section.id]);
    setup(ws);
    ws.columns = [{ width: 36 }, { width: 18 }, { width: 12 }, { width: 60 }, { width: 16 }, { width: 16 }, { width: 16 }, { width: 20 }];
    ws.addRow([`${section.titleJa}（${section.requirement}）`]).font = { size: 14, bold: true };
    ws.addRow([]);
    const header = ws.addRow(['項目', '値', '単位', '出典（表・算出方法・行数）']);
    header.font = { bold: true };
    header.eachCell((c) => (c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F3' } }));
    for (const f of section.figures) ws.addRow([f.labelJa, f.value ?? '—', f.unit, `${f.source.table}: ${f.source.method}（${f.source.keys.length}行, id ${f.id}）`]);
    for (const table of section.tables) {
      ws.addRow([]);
      ws.addRow([table.titleJa]).font = { bold: true };
      const h = ws.addRow(table.columns.map((c) => c.labelJa));
      h.font = { bold: true };
      h.eachCell((c) => (c.fill = { type: 'pattern', pattern: 'solid', fgColor: { argb: 'FFDDE7F3' } }));
      if (table.rows.length === 0) ws.addRow(['（該当なし）']);
      for (const row of table.rows) ws.addRow(table.columns.map((c) => row[c.key] ?? '—'));
    }
    ws.addRow([]);
    ws.addRow(['所見']).font = { bold: true };
    ws.addRow([meta.comments[section.id] ?? '（未記入）']);
    if (section.missing.length) {
      ws.addRow([]);
      ws.addRow(['データの欠落・未取得']).font = { bold: true };
      for (const m of section.missing) ws.addRow([m]);
    }
    let at = ws.rowCount + 2;
    for (const chart of figures.charts.filter((c) => CHART_SECTION[c.id] === section.id)) {
      const image = wb.addImage({ buffer: chartPng(chart) as unknown as ExcelJS.Buffer, extension: 'png' });
      ws.addImage(image, { tl: { col: 0, row: at }, ext: { width: 900, height: 360 } });
      at += 20;
    }
  }
  const raw = Buffer.from(await wb.xlsx.writeBuffer());
  return normaliseZip(raw, fileDate(figures));
}

/** exceljs stamps each zip entry with the time of writing: rewrite the zip with one fixed date. */
async function normaliseZip(buffer: Buffer, date: Date): Promise<Buffer> {
  const source = await JSZip.loadAsync(buffer);
  const target = new JSZip();
  for (const name of Object.keys(source.files).sort()) {
    const entry = source.files[name];
    if (entry.dir) continue;
    target.file(name, await entry.async('nodebuffer'), { date, createFolders: false });
  }
  return target.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 }, platform: 'UNIX' });
}

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');

function sectionHtml(section: ReportSection, figures: MonthlyFigures, meta: RenderMeta): string {
  const parts: string[] = [`<section class="section"><h2>${esc(section.titleJa)} <small>${esc(section.requirement)} · ${esc(section.titleEn)}</small></h2>`];
  parts.push('<table><thead><tr><th>項目</th><th>値</th><th>単位</th><th>出典</th></tr></thead><tbody>');
  for (const f of section.figures) {
    parts.push(`<tr><td>${esc(f.labelJa)}</td><td class="num">${esc(display(f.value))}</td><td>${esc(f.unit)}</td><td class="src">${esc(f.source.table)}: ${esc(f.source.method)}（${f.source.keys.length}行）</td></tr>`);
  }
  parts.push('</tbody></table>');
  for (const table of section.tables) {
    parts.push(`<h3>${esc(table.titleJa)}</h3><table><thead><tr>${table.columns.map((c) => `<th>${esc(c.labelJa)}</th>`).join('')}</tr></thead><tbody>`);
    if (table.rows.length === 0) parts.push(`<tr><td colspan="${table.columns.length}">（該当なし）</td></tr>`);
    for (const row of table.rows) parts.push(`<tr>${table.columns.map((c) => `<td>${esc(display(row[c.key]))}</td>`).join('')}</tr>`);
    parts.push('</tbody></table>');
  }
  for (const chart of figures.charts.filter((c) => CHART_SECTION[c.id] === section.id)) parts.push(`<figure class="chart">${chartSvg(chart)}</figure>`);
  parts.push(`<h3>所見</h3><p class="comment">${esc(meta.comments[section.id] ?? '（未記入）')}</p>`);
  if (section.missing.length) parts.push(`<h3>データの欠落・未取得</h3><ul class="missing">${section.missing.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>`);
  parts.push('</section>');
  return parts.join('\n');
}

/** The report as one HTML page (A4 landscape when printed): the PDF is this page printed by Chromium. */
export function renderHtml(figures: MonthlyFigures, meta: RenderMeta): string {
  return `<!doctype html>
<html lang="ja"><head><meta charset="utf-8"><title>月次報告書 ${esc(monthJa(figures.month))}</title>
<style>
@page { size: A4 landscape; margin: 12mm; }
body { font-family: 'Noto Sans CJK JP', 'Noto Sans JP', sans-serif; font-size: 10pt; color: #222; }
h1 { font-size: 18pt; margin: 0 0 4mm; } h2 { font-size: 14pt; border-bottom: 2px solid #1f5fa8; } h2 small { font-size: 9pt; color: #666; }
h3 { font-size: 11pt; margin: 4mm 0 2mm; }
table { border-collapse: collapse; width: 100%; margin-bottom: 3mm; } th, td { border: 1px solid #bbb; padding: 1mm 2mm; text-align: left; vertical-align: top; }
th { background: #dde7f3; } td.num { text-align: right; white-space: nowrap; } td.src { font-size: 8pt; color: #555; }
.section { page-break-before: always; } figure.chart { margin: 2mm 0; page-break-inside: avoid; } figure.chart svg { width: 100%; height: auto; }
.cover dt { font-weight: bold; } .missing li { color: #a33; } .comment { white-space: pre-wrap; border: 1px solid #ccc; padding: 2mm; }
</style></head><body>
<div class="cover"><h1>業務システム統合基盤 運用保守 月次報告書</h1>
<dl><dt>対象月</dt><dd>${esc(monthJa(figures.month))}</dd><dt>版</dt><dd>${esc(versionLabel(meta))}</dd>
<dt>承認者</dt><dd>${esc(meta.approvedBy ?? '—')}</dd><dt>集計期間</dt><dd>${esc(figures.from)} 〜 ${esc(figures.to)}</dd></dl>
<ol>${figures.sections.map((s) => `<li>${esc(s.titleJa)}（${esc(s.requirement)}）</li>`).join('')}</ol></div>
${figures.sections.map((s) => sectionHtml(s, figures, meta)).join('\n')}
</body></html>`;
}
