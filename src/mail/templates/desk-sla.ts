/**
 * The desk's SLA (R-DESK-1: an inquiry acknowledged within reception-hours minutes) as the SLA
 * notices name and explain it (SLA_KINDS in vocabulary.ts). Plain texts, so vocabulary.ts can read
 * it without an import cycle; the desk's own mail is inquiry.ts.
 */
export const DESK_SLA_KIND: { name: { ja: string; en: string }; explanation: { ja: string; en: string } } = {
  name: { ja: '問い合わせの受付確認期限', en: 'inquiry acknowledgement deadline' },
  explanation: {
    ja: 'この期限は、問い合わせの受付から、運用保守デスクが受付確認するまでの期限です（受付時間内の営業分）。',
    en: 'This is the time by which the desk must acknowledge an inquiry (business minutes in reception hours).',
  },
};
