// Labels only, no Temporal imports: the UI's audit log page bundles this file.
/** The audit log's words for the desk's routes (merged into AUDIT_ACTION_LABELS). */
export const DESK_AUDIT_ACTION_LABELS: Readonly<Record<string, { ja: string; en: string }>> = {
  'inquiry.create': { ja: '問い合わせの受付', en: 'Inquiry received' },
  'inquiry.list': { ja: '問い合わせの一覧', en: 'Inquiries listed' },
  'inquiry.read': { ja: '問い合わせの参照', en: 'Inquiry read' },
  'inquiry.reply': { ja: '問い合わせ元への返信', en: 'Reply to the asker' },
  'inquiry.confirm': { ja: '問い合わせ元による回答の確認', en: 'Answer confirmed by the asker' },
  'case.call': { ja: '電話の記録', en: 'Call logged' },
  'case.call.followup': { ja: '電話の事後報告メール', en: 'Call reported by mail' },
  'case.desk': { ja: '案件のデスク情報の参照', en: 'Desk view of a case read' },
  'case.similar': { ja: '類似案件の参照', en: 'Similar cases read' },
  'attachment.read': { ja: '添付ファイルの取得', en: 'Attachment downloaded' },
  'desk.settings': { ja: 'デスク設定の参照', en: 'Desk settings read' },
  'desk.settings.update': { ja: 'デスク設定の変更', en: 'Desk settings changed' },
  'desk.monitoring_rule.list': { ja: '監視メール規則の一覧', en: 'Monitoring mail rules listed' },
  'desk.monitoring_rule.test': { ja: '監視メール規則の試験', en: 'Monitoring mail rule tested' },
  'desk.monitoring_rule.create': { ja: '監視メール規則の登録', en: 'Monitoring mail rule added' },
  'desk.monitoring_rule.delete': { ja: '監視メール規則の削除', en: 'Monitoring mail rule removed' },
  'desk.mail_inbox': { ja: '受信メールの一覧', en: 'Received mail listed' },
};
