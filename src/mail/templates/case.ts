/** Both flows: verification, approval, completion, phone follow-up, hold and resume. */
import type { FollowerStep } from '../../../workflows/shared/contracts';
import { at, bi, type Bi, fact, type Fact, kindFact, kindLabel, lookup, type TemplatesOf, TO, waitingFor } from './vocabulary';

const FOLLOWER_TITLES: Record<FollowerStep, Bi> = {
  opened: bi('お問い合わせを案件として受け付けました', 'Your inquiry is now a case'),
  resolved: bi('お問い合わせの案件で対応が済みました', 'Your case has been dealt with'),
  closed: bi('お問い合わせの案件が完了しました', 'Your case is closed'),
};

const FOLLOWER_LEADS: Record<Exclude<FollowerStep, 'opened'>, Bi> = {
  resolved: bi('お問い合わせいただいた事象について、下記の案件で対応が済みました。引き続き、完了の確認を進めます。', 'The matter you asked about has been dealt with in the case below; its completion is now being confirmed.'),
  closed: bi('お問い合わせから切り替えた下記の案件が完了しました。ご協力ありがとうございました。', 'The case your inquiry became is now closed. Thank you.'),
};

const FOLLOWER_RESOLUTIONS: Record<string, Bi> = {
  completed: bi('完了', 'Completed'),
  rejected: bi('却下', 'Rejected'),
  withdrawn: bi('取り下げ', 'Withdrawn'),
};

export const CASE_TEMPLATES: TemplatesOf<'case'> = {
  'case.verification_request': (m) => ({
    title: bi('動作確認のお願い', 'Please verify'),
    to: bi(`${m.departmentName} ご担当者様`, `Dear ${m.departmentName},`),
    lead: [
      m.kind === 'work_request'
        ? bi('ご依頼いただいた下記の作業が完了しました。', 'The work you requested below has been done.')
        : bi(
            '下記の障害について、基盤が復旧したことを運用保守事業者が確認しました。',
            'The O&M contractor has confirmed that the platform has recovered from the incident below.',
          ),
      bi(
        'お手数ですが、所管の業務システムが正常に動作しているかをご確認のうえ、opsdesk の画面から確認結果（問題なし／問題あり）をご登録ください。問題がある場合は、その内容もあわせてご記入ください。',
        'Please check that your business system works normally and record the result (OK / Not OK) in opsdesk; if there is a problem, please describe it.',
      ),
      bi('本メールは、総務課からのご依頼によりお送りしています。', 'This request is sent on behalf of the General Affairs Division.'),
    ],
    facts: [kindFact(m.kind), fact('実施した対応', 'What was done', m.what)],
  }),
  'case.completed': (m) => ({
    title: bi('対応が完了しました', 'Completed'),
    to: TO.everyone,
    lead: [
      bi(
        `下記の${kindLabel(m.kind).ja}について、総務課の完了承認をもって対応が完了しました。`,
        `The ${kindLabel(m.kind).en.toLowerCase()} below is complete: General Affairs has approved its completion.`,
      ),
      bi('ご協力いただき、ありがとうございました。', 'Thank you for your cooperation.'),
    ],
    facts: [
      kindFact(m.kind),
      fact('承認者', 'Approved by', m.approver),
      fact('完了日時', 'Completed at', at(m.completedAt)),
      fact('対応の概要', 'Summary', m.summary),
    ],
  }),
  'case.approval_rejected': (m) => ({
    title: bi('完了承認が差し戻されました', 'Completion rejected'),
    to: TO.operators,
    lead: [
      bi(
        '下記の案件について、総務課から完了承認が差し戻されました。差し戻しの理由をご確認のうえ、ご対応をお願いいたします。',
        'General Affairs did not approve completion of the case below and sent it back. Please check the reason and act on it.',
      ),
    ],
    facts: [fact('差し戻した承認者', 'Rejected by', m.approver), fact('差し戻しの理由', 'Reason', m.reason)],
  }),
  'case.verification_failed': (m) => ({
    title: bi('動作確認で問題が報告されました', 'Verification failed'),
    to: TO.generalAffairsAndOperators,
    lead: [
      bi(
        `下記の案件について、${m.departmentName}の動作確認で問題が報告されました。`,
        `${m.departmentName} reported a problem while verifying the case below.`,
      ),
      bi(
        '運用保守事業者のご担当者様は、報告内容をご確認のうえ、再度の切り分け・対応をお願いいたします。対応状況は、あらためてご報告いたします。',
        'O&M operators: please review the report and investigate again. We will report on progress.',
      ),
    ],
    facts: [fact('報告した所管課', 'Reported by', m.departmentName), fact('報告された問題', 'Problem reported', m.reason)],
  }),
  'case.phone_followup': (m) => ({
    title: bi('電話連絡の内容（事後報告）', 'Report of a phone call'),
    to: TO.everyone,
    lead: [
      bi(
        '下記の案件について、お電話でご連絡した内容を、記録のためメールでご報告いたします。',
        'For the record, this e-mail reports a phone call about the case below (calls are always confirmed by e-mail afterwards).',
      ),
      bi(
        '内容に相違がございましたら、お手数ですが運用保守デスクまでお知らせください。',
        'If anything differs from your understanding, please let the desk know.',
      ),
    ],
    facts: [
      fact('通話日時', 'Call at', at(m.calledAt)),
      fact('通話の相手', 'Spoke with', m.counterpart),
      fact('内容', 'What was said', m.summary),
      fact('記録者', 'Recorded by', m.loggedBy),
    ],
  }),
  'case.follower_notice': (m) => ({
    title: lookup(FOLLOWER_TITLES, m.step),
    to: bi(`${m.followerName} 様`, `Dear ${m.followerName},`),
    lead: [
      m.step === 'opened'
        ? bi(
            `お問い合わせ（${m.fromCaseNumber}）は、下記の${kindLabel(m.kind).ja}として対応いたします。以後の経過は、この案件番号でお知らせします。`,
            `Your inquiry (${m.fromCaseNumber}) is now handled as the ${kindLabel(m.kind).en.toLowerCase()} below; we will keep you informed under this number.`,
          )
        : lookup(FOLLOWER_LEADS, m.step),
      bi('このメールにご返信いただくと、案件の記録に追加されます。', 'A reply to this e-mail is added to the case record.'),
    ],
    facts: [
      kindFact(m.kind),
      fact('お問い合わせ番号', 'Your inquiry', m.fromCaseNumber),
      m.resolution ? fact('結果', 'Outcome', lookup(FOLLOWER_RESOLUTIONS, m.resolution)) : null,
      fact('対応の概要', 'Summary', m.summary),
    ].filter((f): f is Fact => f !== null),
  }),
  'case.hold': (m) => ({
    title: bi('対応を保留しました', 'On hold'),
    to: TO.everyone,
    lead: [
      bi('下記の案件の対応を保留しました。', 'Work on the case below is on hold.'),
      m.waitingFor === 'requester'
        ? bi(
            'ご依頼者様からのご回答をお待ちしております。ご回答をいただきしだい、対応を再開いたします。なお、作業依頼の場合、ご依頼者様の回答待ちの期間は作業完了期限（3営業日）に含めません。',
            "We are waiting for the requester's answer and will resume as soon as we have it. For a work request, time spent waiting for the requester does not count towards the 3-business-day deadline.",
          )
        : m.waitingFor === 'vendor'
          ? bi('メーカーからの回答・対応をお待ちしております。状況が変わりしだい、対応を再開いたします。', 'We are waiting for the maker and will resume as soon as there is news.')
          : bi('状況が整いしだい、対応を再開いたします。', 'We will resume as soon as we can.'),
    ],
    facts: [
      fact('保留の理由', 'Reason', m.reason),
      fact('保留した担当者', 'Put on hold by', m.by),
      fact('お待ちしているもの', 'Waiting for', waitingFor(m.waitingFor)),
    ],
  }),
  'case.resumed': (m) => ({
    title: bi('対応を再開しました', 'Resumed'),
    to: TO.everyone,
    lead: [bi('保留していた下記の案件の対応を再開しました。', 'Work on the case below, which was on hold, has resumed.')],
    facts: [
      fact('再開の理由', 'Reason', m.reason),
      fact('再開した担当者', 'Resumed by', m.by),
      fact('保留中にお待ちしていたもの', 'Was waiting for', waitingFor(m.waitingFor)),
    ],
  }),
};
