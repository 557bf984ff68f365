import { jstIsoMillis } from '../../workflows/shared/jst';
import { roleLabelJa } from '../../workflows/shared/roles';
import type { AuditEntryView } from './audit-log.service';

const HEADERS = ['連番', '日時', '操作者', 'ユーザー名', '役割', '操作', '対象', '結果', 'HTTPステータス', 'リクエストID', '送信元アドレス', '変更内容', '前ハッシュ', 'ハッシュ'];
const OUTCOME_JA: Record<string, string> = { ok: '成功', refused: '拒否', failed: '失敗' };

/** ISO 8601 in Japan time: 2026-11-26T10:15:00.123+09:00. */
export const jstIso = jstIsoMillis;

/**
 * One cell: quoted when needed (RFC 4180), and a leading = + - @ (or tab/CR) neutralized with an
 * apostrophe so that a spreadsheet shows user text instead of evaluating it as a formula.
 */
export function csvCell(value: unknown): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (typeof value === 'string') text = value;
  else if (typeof value === 'number' || typeof value === 'boolean') text = String(value);
  else text = JSON.stringify(value) ?? '';
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** The audit log as Excel opens it: UTF-8 with a BOM, CRLF, Japanese headers. */
export function auditCsv(entries: AuditEntryView[]): string {
  const lines = [HEADERS.map(csvCell).join(',')];
  for (const e of entries) {
    lines.push([
      e.seq, jstIso(e.at), e.actor?.displayName ?? '', e.actor?.username ?? '', (e.actor?.roles ?? []).map(roleLabelJa).join('・'),
      e.action, e.target ?? '', OUTCOME_JA[e.outcome] ?? e.outcome, e.status ?? '', e.requestId ?? '', e.sourceAddress ?? '',
      e.change === null ? '' : JSON.stringify(e.change), e.prevHash, e.hash,
    ].map(csvCell).join(','));
  }
  return `\uFEFF${lines.join('\r\n')}\r\n`;
}
