/** R-DESK-1: the asker of an inquiry hears of every step (R-CONTACT-1); the desk hears of a missed acknowledgement. */
import type { InquiryNoticeStep } from '../../../workflows/shared/contracts';
import { at, bi, type Bi, type Fact, fact, lookup, type TemplatesOf, TO } from './vocabulary';

const INQUIRY_TITLES: Record<InquiryNoticeStep, Bi> = {
  received: bi('お問い合わせを受け付けました', 'Inquiry received'),
  acknowledged: bi('お問い合わせの対応を開始しました', 'We are on your inquiry'),
  answered: bi('お問い合わせへの回答', 'Answer to your inquiry'),
  escalated: bi('技術サポートへ引き継ぎました', 'Passed to technical support'),
  converted: bi('案件として対応します', 'Now handled as a case'),
  linked: bi('対応中の案件に関連付けました', 'Linked to an open case'),
  closed: bi('お問い合わせを完了しました', 'Inquiry closed'),
  reopened: bi('お問い合わせの再対応', 'Inquiry reopened'),
  reply: bi('運用保守デスクからのご連絡', 'Message from the desk'),
  attachment_refused: bi('添付ファイルを受け付けできませんでした', 'Attachment refused'),
  sla_breach: bi('受付期限を超過した問い合わせ', 'Inquiry not acknowledged in time'),
};

const INQUIRY_LEADS: Record<InquiryNoticeStep, Bi> = {
  received: bi('お問い合わせを運用保守デスクで受け付けました。担当者より順次ご連絡いたします。', 'The desk has received your inquiry; we will get back to you shortly.'),
  acknowledged: bi('担当者がお問い合わせの確認を始めました。', 'A member of the desk has started on your inquiry.'),
  answered: bi('お問い合わせについて、下記のとおり回答いたします。解決しない場合は、このメールにご返信ください。', 'Please find our answer below. If it does not solve the matter, just reply to this e-mail.'),
  escalated: bi('お問い合わせの内容を技術サポートに引き継ぎました。回答まで今しばらくお待ちください。', 'Your inquiry has been passed to technical support; we will answer as soon as we can.'),
  converted: bi('お問い合わせは下記の案件として対応いたします。以後の経過は案件番号でご確認いただけます。', 'Your inquiry is now handled as the case below; follow it by its number.'),
  linked: bi('お問い合わせは、対応中の下記案件と同じ事象として対応いたします。', 'Your inquiry concerns the same matter as the open case below; it is handled there.'),
  closed: bi('お問い合わせを完了としました。ご協力ありがとうございました。', 'Your inquiry is closed. Thank you.'),
  reopened: bi('解決していないとのご連絡を受け、再度対応いたします。', 'You told us the matter is not solved; we are on it again.'),
  reply: bi('お問い合わせについて、運用保守デスクより下記のとおりご連絡いたします。', 'The desk writes to you about your inquiry as follows.'),
  attachment_refused: bi('お送りいただいたメールの添付ファイルが上限を超えたため、受け付けできませんでした。ファイルを分割するか、別の方法でお送りください。', 'An attachment of your e-mail exceeded our limit and was not accepted. Please split it or send it another way.'),
  sla_breach: bi('下記の問い合わせが受付期限までに受付確認されていません。至急対応してください。', 'The inquiry below was not acknowledged by its due time; please act now.'),
};

export const INQUIRY_TEMPLATES: TemplatesOf<'inquiry'> = {
  'inquiry.notice': (m) => ({
    title: lookup(INQUIRY_TITLES, m.step),
    to: m.step === 'sla_breach' ? TO.operators : bi(`${m.askerName} 様`, `Dear ${m.askerName},`),
    lead: [lookup(INQUIRY_LEADS, m.step)],
    facts: [
      m.message ? fact(m.step === 'answered' ? '回答' : '内容', m.step === 'answered' ? 'Answer' : 'Message', m.message) : null,
      m.relatedCaseNumber ? fact('案件番号（対応先）', 'Handled as case', m.relatedCaseNumber) : null,
      m.reason ? fact('理由', 'Reason', m.reason) : null,
      m.dueAt ? fact('期限', 'Due', at(m.dueAt)) : null,
    ].filter((f): f is Fact => f !== null),
  }),
};

