import { jstMinute } from '../../workflows/shared/jst';
import { escapeHtml, type RenderedMail } from '../mail/templates';

export interface BackupFailureMail {
  targetKind: string;
  targetName: string;
  runKey: string;
  error: string;
  at: string;
  publicUrl: string;
}

/** To the operators when a scheduled backup fails (R-SCHED-2, R-CONTACT-1): Japanese first, then English. */
export function renderBackupFailureMail(m: BackupFailureMail): RenderedMail {
  const kindJa = m.targetKind === 'vm' ? '仮想マシン' : 'データベース';
  const oneLine = (s: string) => s.replace(/[\s\p{Cc}]+/gu, ' ').trim();
  const subject = `【opsdesk】バックアップ失敗 / Backup failed: ${oneLine(m.targetKind)} ${oneLine(m.targetName)}`.slice(0, 200);
  const jst = jstMinute(m.at);
  const link = `${m.publicUrl.replace(/\/+$/, '')}/api/backups?targetName=${encodeURIComponent(m.targetName)}`;
  const ja = [
    '運用保守事業者 ご担当者様',
    `定期バックアップが失敗しました。原因を確認し、必要であれば手動で取得してください。`,
    `【対象】${kindJa} ${m.targetName}`,
    `【日時】${jst}（日本時間）`,
    `【実行】${m.runKey}`,
    `【エラー】${m.error}`,
  ];
  const en = [
    'Dear O&M operators,',
    'A scheduled backup failed. Please find the cause and take a backup by hand if needed.',
    `- Target: ${m.targetKind} ${m.targetName}`,
    `- At: ${m.at}`,
    `- Run: ${m.runKey}`,
    `- Error: ${m.error}`,
  ];
  const text = `${ja.join('\n\n')}\n\n${link}\n\n---- English ----\n\n${en.join('\n\n')}\n\n${link}\n\n--\nopsdesk（運用保守デスク）\n`;
  const html = [
    '<!DOCTYPE html>', '<html lang="ja">', '<head><meta charset="utf-8"><title>' + escapeHtml(subject) + '</title></head>', '<body>',
    '<section lang="ja">', ...ja.map((line) => `<p>${escapeHtml(line)}</p>`), '</section>', '<hr>',
    '<section lang="en">', ...en.map((line) => `<p>${escapeHtml(line)}</p>`), '</section>',
    `<p><a href="${escapeHtml(link)}">${escapeHtml(link)}</a></p>`, '</body>', '</html>', '',
  ].join('\n');
  return { subject, text, html };
}
