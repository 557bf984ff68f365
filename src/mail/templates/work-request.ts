/** Work requests (R-FLOW-2): submitted, accepted, rejected, returned, plan confirmed. */
import { at, bi, fact, range, type TemplatesOf, TO, yesNo } from './vocabulary';
import { formatJstEn, formatJstJa } from '../../../workflows/shared/jst';

export const WORK_REQUEST_TEMPLATES: TemplatesOf<'work_request'> = {
  'work_request.submitted': (m) => ({
    title: bi('作業依頼を受け付けました（総務課確認待ち）', 'Work request submitted'),
    to: bi(
      `総務課 御中\n（写し）${m.departmentName} ${m.requesterName} 様`,
      `Dear General Affairs Division,\n(cc: ${m.requesterName}, ${m.departmentName})`,
    ),
    lead: [
      bi(
        `${m.departmentName}の${m.requesterName} 様から、下記の作業依頼が提出されました。`,
        `${m.requesterName} (${m.departmentName}) has submitted the work request below.`,
      ),
      bi(
        '内容をご確認のうえ、opsdesk の画面から「受け付ける」「却下」「差し戻し（情報不足）」のいずれかをご判断くださいますようお願いいたします。受付後、3営業日以内に作業を完了いたします。',
        'Please review it and accept, reject or return it (for more information) in opsdesk. Once it is accepted, the work is completed within 3 business days.',
      ),
      bi(
        'ご依頼者様には本メールの写しをお送りしています。総務課のご判断の結果は、あらためてお知らせいたします。',
        'The requester receives a copy of this e-mail and will be told of the decision.',
      ),
    ],
    facts: [
      fact('依頼の種類', 'Request type', bi(m.requestTypeLabelJa, `${m.requestTypeLabelJa} (${m.requestType})`)),
      fact('依頼者', 'Requested by', m.requesterName),
      fact('所管課', 'Department', m.departmentName),
      fact('希望日', 'Desired date', m.desiredDate ? at(m.desiredDate) : undefined),
      fact('備考', 'Note', m.note),
    ],
  }),
  'work_request.accepted': (m) => ({
    title: bi('作業依頼を受領しました（3営業日以内に完了）', 'Work request accepted'),
    to: bi('運用保守事業者 ご担当者様\n（写し）ご依頼者様', 'Dear O&M operators,\n(cc: the requester)'),
    lead: [
      bi('下記の作業依頼を総務課が受け付けました。', 'General Affairs has accepted the work request below.'),
      bi(
        `受付から3営業日以内（${formatJstJa(m.dueAt)} まで）に作業を完了するため、作業計画の作成をお願いいたします。`,
        `It must be completed within 3 business days of acceptance (by ${formatJstEn(m.dueAt)}); please prepare the work plan.`,
      ),
      bi(
        'ご依頼者様には本メールの写しをお送りしています。作業日程が決まりしだい、あらためてお知らせいたします。',
        'The requester receives a copy of this e-mail and will be told when the work is scheduled.',
      ),
    ],
    facts: [
      fact('依頼の種類', 'Request type', m.requestTypeLabelJa),
      fact('受付者', 'Accepted by', m.acceptedBy),
      fact('完了期限', 'Due', at(m.dueAt)),
    ],
  }),
  'work_request.rejected': (m) => ({
    title: bi('作業依頼は却下されました', 'Work request rejected'),
    to: TO.requester,
    lead: [
      bi(
        'ご依頼いただいた下記の作業依頼は、総務課で検討した結果、却下となりました。理由は下記のとおりです。',
        'After review by General Affairs, the work request below has been rejected, for the reason given below.',
      ),
      bi('ご不明な点がございましたら、総務課までお問い合わせください。', 'If you have any questions, please contact the General Affairs Division.'),
    ],
    facts: [fact('判断した方', 'Decided by', m.decidedBy), fact('却下の理由', 'Reason', m.reason)],
  }),
  'work_request.returned': (m) => ({
    title: bi('作業依頼が差し戻されました（追記のお願い）', 'Returned for more information'),
    to: TO.requester,
    lead: [
      bi(
        'ご依頼いただいた下記の作業依頼について、総務課から追加の情報をお願いしたいとの連絡がありました。',
        'General Affairs needs more information about the work request below.',
      ),
      bi(
        'お手数ですが、opsdesk の画面から依頼内容を追記・修正のうえ、再提出をお願いいたします。依頼が不要になった場合は、取り下げることもできます。',
        'Please add to or correct the request in opsdesk and resubmit it. If you no longer need the work, you can withdraw the request.',
      ),
    ],
    facts: [fact('差し戻した方', 'Returned by', m.decidedBy), fact('追記をお願いしたい内容', 'What is needed', m.reason)],
  }),
  'work_request.plan_confirmed': (m) => ({
    title: bi('作業計画が承認されました', 'Work plan confirmed'),
    to: bi('運用保守事業者 ご担当者様\nご依頼者様', 'Dear O&M operators and requester,'),
    lead: [
      bi(
        '下記の作業計画が総務課に承認されました。計画の日時に作業を実施いたします。',
        'General Affairs has confirmed the work plan below. The work will be done at the planned time.',
      ),
    ],
    notices: [
      m.stopsService &&
        bi(
          'この作業はサービスの停止を伴います。影響を受ける所管課へは、別途お知らせいたします。',
          'This work stops a service. The departments affected will be notified separately.',
        ),
    ],
    facts: [
      fact('作業日時', 'Planned', range(m.plannedStart, m.plannedEnd)),
      fact('作業内容', 'Work', m.content),
      fact('サービス停止', 'Stops a service', yesNo(m.stopsService, bi('あり', 'Yes'), bi('なし', 'No'))),
      fact('承認者', 'Approved by', m.approvedBy),
    ],
  }),
};
