import { Resvg } from '@resvg/resvg-js';
import { existsSync } from 'node:fs';
import type { ReportChart } from '../../workflows/shared/contracts';

/**
 * The report's charts as SVG (for the page and the PDF) and PNG (for the workbook), drawn by hand:
 * no random ids, no clock, fixed number formatting, so the same figures give the same bytes.
 * PNGs come from resvg (a Rust SVG renderer, deterministic) with the Noto CJK font for Japanese.
 */

const W = 900;
const H = 360;
const PAD = { left: 60, right: 20, top: 40, bottom: 70 };
const COLORS = ['#1f5fa8', '#d9822b', '#2e8b57', '#9b59b6'];
const FONT = "'Noto Sans CJK JP', 'Noto Sans JP', sans-serif";

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const fmt = (n: number) => (Math.round(n * 100) / 100).toString();

function scale(chart: ReportChart): { min: number; max: number } {
  const values = chart.series.flatMap((s) => s.values).filter((v): v is number => v !== null);
  if (chart.threshold) values.push(chart.threshold.value);
  if (values.length === 0) return { min: 0, max: 1 };
  let min = Math.min(0, ...values);
  let max = Math.max(...values);
  if (chart.unit === '%' && chart.id === 'availability' && values.every((v) => v >= 90)) min = 90;
  if (max === min) max = min + 1;
  const step = niceStep((max - min) / 5);
  return { min: Math.floor(min / step) * step, max: Math.ceil(max / step) * step };
}

function niceStep(raw: number): number {
  const power = 10 ** Math.floor(Math.log10(raw));
  const n = raw / power;
  return (n <= 1 ? 1 : n <= 2 ? 2 : n <= 5 ? 5 : 10) * power;
}

export function chartSvg(chart: ReportChart): string {
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="${FONT}">`);
  out.push(`<rect width="${W}" height="${H}" fill="#ffffff"/>`);
  out.push(`<text x="${W / 2}" y="24" font-size="16" text-anchor="middle" fill="#222">${esc(chart.titleJa)}</text>`);
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  if (chart.labels.length === 0 || chart.series.length === 0) {
    out.push(`<text x="${W / 2}" y="${H / 2}" font-size="14" text-anchor="middle" fill="#888">データなし</text></svg>`);
    return out.join('');
  }
  const { min, max } = scale(chart);
  const y = (v: number) => PAD.top + plotH - ((v - min) / (max - min)) * plotH;
  const step = niceStep((max - min) / 5);
  for (let v = min; v <= max + 1e-9; v += step) {
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${fmt(y(v))}" y2="${fmt(y(v))}" stroke="#e4e4e4"/>`);
    out.push(`<text x="${PAD.left - 6}" y="${fmt(y(v) + 4)}" font-size="11" text-anchor="end" fill="#555">${fmt(v)}</text>`);
  }
  out.push(`<text x="14" y="${PAD.top - 10}" font-size="11" fill="#555">${esc(chart.unit)}</text>`);
  const n = chart.labels.length;
  const slot = plotW / n;
  const labelEvery = Math.max(1, Math.ceil(n / 15));
  chart.labels.forEach((label, i) => {
    if (i % labelEvery) return;
    const x = PAD.left + slot * (i + 0.5);
    out.push(`<text x="${fmt(x)}" y="${H - PAD.bottom + 16}" font-size="10" text-anchor="end" transform="rotate(-35 ${fmt(x)} ${H - PAD.bottom + 16})" fill="#333">${esc(label)}</text>`);
  });
  if (chart.kind === 'bar') {
    const bars = chart.series.length;
    const bw = (slot * 0.7) / bars;
    chart.series.forEach((s, si) => {
      s.values.forEach((v, i) => {
        if (v === null) return;
        const x = PAD.left + slot * i + slot * 0.15 + bw * si;
        const top = y(Math.max(v, min));
        out.push(`<rect x="${fmt(x)}" y="${fmt(top)}" width="${fmt(bw)}" height="${fmt(PAD.top + plotH - top)}" fill="${COLORS[si % COLORS.length]}"/>`);
        if (n <= 20) out.push(`<text x="${fmt(x + bw / 2)}" y="${fmt(top - 3)}" font-size="10" text-anchor="middle" fill="#222">${fmt(v)}</text>`);
      });
    });
  } else {
    chart.series.forEach((s, si) => {
      let path = '';
      s.values.forEach((v, i) => {
        if (v === null) return;
        const x = PAD.left + slot * (i + 0.5);
        path += `${path === '' || s.values[i - 1] === null ? 'M' : 'L'}${fmt(x)} ${fmt(y(v))} `;
      });
      if (path) out.push(`<path d="${path.trim()}" fill="none" stroke="${COLORS[si % COLORS.length]}" stroke-width="2"${s.dashed ? ' stroke-dasharray="6 4"' : ''}/>`);
      if (n <= 24) {
        s.values.forEach((v, i) => {
          if (v === null) return;
          out.push(`<circle cx="${fmt(PAD.left + slot * (i + 0.5))}" cy="${fmt(y(v))}" r="3" fill="${COLORS[si % COLORS.length]}"/>`);
        });
      }
    });
  }
  if (chart.threshold) {
    const ty = fmt(y(chart.threshold.value));
    out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${ty}" y2="${ty}" stroke="#c0392b" stroke-dasharray="3 3"/>`);
    out.push(`<text x="${W - PAD.right}" y="${fmt(Number(ty) - 4)}" font-size="11" text-anchor="end" fill="#c0392b">${esc(chart.threshold.labelJa)}</text>`);
  }
  chart.series.forEach((s, si) => {
    const lx = PAD.left + si * 220;
    out.push(`<rect x="${lx}" y="${H - 18}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`);
    out.push(`<text x="${lx + 16}" y="${H - 8}" font-size="11" fill="#333">${esc(s.nameJa)}</text>`);
  });
  out.push(`<line x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#888"/>`);
  out.push(`<line x1="${PAD.left}" x2="${W - PAD.right}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}" stroke="#888"/>`);
  out.push('</svg>');
  return out.join('');
}

const FONT_FILES = [
  '/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc',
  '/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc',
];

/** The chart as PNG (for the workbook). REPORT_FONT_PATH names another CJK font file. */
export function chartPng(chart: ReportChart): Buffer {
  const fontFiles = [process.env.REPORT_FONT_PATH, ...FONT_FILES].filter((f): f is string => !!f && existsSync(f));
  const resvg = new Resvg(chartSvg(chart), {
    fitTo: { mode: 'original' },
    font: { fontFiles, loadSystemFonts: fontFiles.length === 0, defaultFontFamily: 'Noto Sans CJK JP' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
