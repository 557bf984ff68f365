/**
 * The layout every mail shares: a subject that carries the case number, a plain-text body
 * (Japanese first, then `---- English ----`, then English) and an equivalent, accessible HTML
 * body, each ending with the link to the case in the UI and a footer.
 *
 * Escaping: text bodies are plain text and are not escaped; everything that reaches the HTML body
 * goes through `escapeHtml()` at the point of output (templates never build markup), and
 * everything in the subject is reduced to a single line (no CR/LF: no header injection).
 */
import { bi, type Bi, DEFAULT_CLOSING, DEFAULT_OPENER, type Fact, fact, type FactValue, type Lang, type MailLayout } from './vocabulary';

export interface RenderedMail {
  subject: string;
  text: string;
  html: string;
}

/** Longest subject line, in characters (code points). */
export const MAX_SUBJECT_LENGTH = 200;
const ELLIPSIS = '…';
const SEPARATOR = '---- English ----';

const FOOTER = bi(
  'このメールは opsdesk（運用保守デスク）から自動送信しています。本メールは対応の記録として保存されます。ご返信・お問い合わせは、運用保守デスク宛てにお願いいたします。',
  'This e-mail was sent automatically by opsdesk (運用保守デスク, the operation and maintenance desk) and is kept as a record of the case. Please address replies and questions to the desk.',
);

const LINK_LABEL = bi('案件の詳細は、次の URL からご確認いただけます。', 'Case details:');
const FACTS_CAPTION = bi('概要', 'Key facts');
const NOTICE_LABEL = bi('ご注意', 'Important');

/** One line, no control characters (CR, LF, TAB, NUL, NEL, LS/PS ...): nothing can start a new header. */
function singleLine(value: string): string {
  return String(value)
    .replace(/[\s\p{Cc}]+/gu, ' ')
    .trim();
}

function truncate(value: string, max: number): string {
  const chars = Array.from(value);
  if (chars.length <= max) return value;
  if (max <= 0) return '';
  return chars.slice(0, max - 1).join('').trimEnd() + ELLIPSIS;
}

function subjectLine(caseNumber: string, title: Bi, caseSubject: string): string {
  const prefix = `【opsdesk】${singleLine(caseNumber)} ${singleLine(title.ja)} / ${singleLine(title.en)}: `;
  const budget = Math.max(MAX_SUBJECT_LENGTH - Array.from(prefix).length, 1);
  return prefix + truncate(singleLine(caseSubject), budget);
}

function caseUrl(publicUrl: string, caseNumber: string): string {
  return `${String(publicUrl).trim().replace(/\/+$/, '')}/cases/${encodeURIComponent(caseNumber)}`;
}

const normaliseNewlines = (value: string) => String(value).replace(/\r\n?/g, '\n');

function factText(value: FactValue, lang: Lang): string {
  if (value === null || value === undefined) return '';
  return normaliseNewlines(typeof value === 'string' ? value : value[lang]).trim();
}

interface Section {
  title: string;
  to: string;
  paragraphs: string[];
  notices: string[];
  facts: Array<{ label: string; value: string }>;
  closing: string;
}

function section(layout: MailLayout, caseRows: Fact[], lang: Lang): Section {
  const present = <T>(items: Array<T | false | null | undefined> | undefined) => (items ?? []).filter((x): x is T => Boolean(x));
  return {
    title: layout.title[lang],
    to: normaliseNewlines(layout.to[lang]),
    paragraphs: [layout.opener ?? DEFAULT_OPENER, ...present(layout.lead)].map((p) => normaliseNewlines(p[lang])),
    notices: present(layout.notices).map((n) => normaliseNewlines(n[lang])),
    facts: [...caseRows, ...layout.facts]
      .map((f) => ({ label: f.label[lang], value: factText(f.value, lang) }))
      .filter((f) => f.value !== ''),
    closing: (layout.closing ?? DEFAULT_CLOSING)[lang],
  };
}

// ---- plain text -------------------------------------------------------------

function textFact(label: string, value: string, lang: Lang): string {
  const multiLine = value.includes('\n');
  if (lang === 'ja') {
    return multiLine ? `【${label}】\n${indent(value, '  ')}` : `【${label}】${value}`;
  }
  return multiLine ? `- ${label}:\n${indent(value, '    ')}` : `- ${label}: ${value}`;
}

const indent = (value: string, by: string) =>
  value
    .split('\n')
    .map((line) => (line ? by + line : line))
    .join('\n');

function textSection(s: Section, lang: Lang, url: string): string {
  const notice = (n: string) => (lang === 'ja' ? `【${NOTICE_LABEL.ja}】${n}` : `${NOTICE_LABEL.en}: ${n}`);
  return [
    s.to,
    ...s.paragraphs,
    ...s.notices.map(notice),
    s.facts.map((f) => textFact(f.label, f.value, lang)).join('\n'),
    s.closing,
    `${LINK_LABEL[lang]}\n${url}`,
  ].join('\n\n');
}

// ---- HTML -------------------------------------------------------------------

const HTML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML content and (double-quoted) attribute values. */
export function escapeHtml(value: string): string {
  return String(value).replace(/[&<>"']/g, (c) => HTML_ESCAPES[c] ?? c);
}

/** Escaped text with line breaks kept. */
const htmlLines = (value: string) => escapeHtml(value).split('\n').join('<br>\n');

const STYLE = {
  body: 'margin:0;padding:16px;font-family:sans-serif;font-size:15px;line-height:1.6;color:#1a1a1a;background:#ffffff;',
  h1: 'font-size:20px;margin:0 0 16px;',
  h2: 'font-size:18px;margin:0 0 16px;',
  notice: 'margin:16px 0;padding:8px 12px;border-left:4px solid #b00020;background:#fff4f4;',
  table: 'border-collapse:collapse;margin:16px 0;',
  caption: 'text-align:left;font-weight:bold;padding:0 0 4px;',
  th: 'text-align:left;vertical-align:top;padding:6px 12px;border:1px solid #999999;background:#f0f0f0;white-space:nowrap;',
  td: 'vertical-align:top;padding:6px 12px;border:1px solid #999999;',
  hr: 'margin:32px 0;border:0;border-top:1px solid #999999;',
  footer: 'margin-top:32px;padding-top:8px;border-top:1px solid #cccccc;font-size:13px;color:#444444;',
};

function htmlLink(url: string): string {
  // publicUrl is configuration, but a link is only made for http(s): never a javascript: URL.
  return /^https?:\/\//i.test(url) ? `<a href="${escapeHtml(url)}">${escapeHtml(url)}</a>` : escapeHtml(url);
}

function htmlSection(s: Section, lang: Lang, url: string): string {
  const heading = lang === 'ja' ? `<h1 style="${STYLE.h1}">` : `<h2 style="${STYLE.h2}">`;
  const headingEnd = lang === 'ja' ? '</h1>' : '</h2>';
  const rows = s.facts
    .map((f) => `<tr><th scope="row" style="${STYLE.th}">${htmlLines(f.label)}</th><td style="${STYLE.td}">${htmlLines(f.value)}</td></tr>`)
    .join('\n');
  return [
    `<section lang="${lang}">`,
    `${heading}${escapeHtml(s.title)}${headingEnd}`,
    `<p>${htmlLines(s.to)}</p>`,
    ...s.paragraphs.map((p) => `<p>${htmlLines(p)}</p>`),
    ...s.notices.map((n) => `<p style="${STYLE.notice}"><strong>${escapeHtml(NOTICE_LABEL[lang])}${lang === 'ja' ? '：' : ':'}</strong> ${htmlLines(n)}</p>`),
    `<table style="${STYLE.table}">`,
    `<caption style="${STYLE.caption}">${escapeHtml(FACTS_CAPTION[lang])}</caption>`,
    `<tbody>\n${rows}\n</tbody>`,
    '</table>',
    `<p>${htmlLines(s.closing)}</p>`,
    `<p>${escapeHtml(LINK_LABEL[lang])}<br>\n${htmlLink(url)}</p>`,
    '</section>',
  ].join('\n');
}

/** The one layout used by every template: subject, text body and HTML body. */
export function layout(caseNumber: string, caseSubject: string, content: MailLayout, publicUrl: string): RenderedMail {
  const subject = subjectLine(caseNumber, content.title, caseSubject);
  const url = caseUrl(publicUrl, caseNumber);
  const caseRows = [fact('案件番号', 'Case number', singleLine(caseNumber)), fact('件名', 'Subject', singleLine(caseSubject))];
  const ja = section(content, caseRows, 'ja');
  const en = section(content, caseRows, 'en');

  const text = [textSection(ja, 'ja', url), SEPARATOR, textSection(en, 'en', url), `--\n${FOOTER.ja}\n${FOOTER.en}`].join('\n\n') + '\n';

  const html = [
    '<!DOCTYPE html>',
    '<html lang="ja">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(subject)}</title>`,
    '</head>',
    `<body style="${STYLE.body}">`,
    '<main>',
    htmlSection(ja, 'ja', url),
    `<hr style="${STYLE.hr}">`,
    htmlSection(en, 'en', url),
    '</main>',
    `<footer style="${STYLE.footer}">`,
    `<p>${escapeHtml(FOOTER.ja)}</p>`,
    `<p lang="en">${escapeHtml(FOOTER.en)}</p>`,
    '</footer>',
    '</body>',
    '</html>',
    '',
  ].join('\n');

  return { subject, text, html };
}
