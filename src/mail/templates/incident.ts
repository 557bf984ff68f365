/** Incidents (R-FLOW-1): received, out-of-hours consultation, the maker's desk, recovery. */
import { at, bi, fact, hours, list, serviceStopped, severityFact, type TemplatesOf, TO, yesNo } from './vocabulary';
import { formatJstEn, formatJstJa } from '../../../workflows/shared/jst';

export const INCIDENT_TEMPLATES: TemplatesOf<'incident'> = {
  'incident.received': (m) => ({
    title: bi('障害を受け付けました', 'Incident received'),
    to: TO.generalAffairs,
    lead: [
      bi(
        '監視システムにより下記の障害を検知し、運用保守デスクで受け付けました。運用保守事業者が現地に向かい、一次切り分けを開始いたします。',
        'Monitoring detected the incident below and the desk has registered it. The O&M contractor is going on site to start first isolation.',
      ),
      bi('対応状況は、判明しだい順次ご報告いたします。', 'We will keep you informed as we learn more.'),
    ],
    notices: [
      m.unregisteredDevice &&
        bi(
          `このホスト（${m.hostname}）は機器台帳に登録されていない機器です。対象機器や影響範囲の特定に時間を要する場合があります。お心当たりのある所管課がございましたら、お知らせください。`,
          `This host (${m.hostname}) is NOT registered in the equipment inventory. Identifying the device and the scope of impact may take longer; if you know which department it belongs to, please let us know.`,
        ),
    ],
    facts: [
      fact('検知日時', 'Detected at', at(m.detectedAt)),
      fact('ホスト名', 'Host', m.hostname),
      severityFact(m.severity),
      fact('事象の概要', 'Summary', m.summary),
      fact('機器台帳', 'In the inventory', yesNo(m.unregisteredDevice, bi('未登録（台帳にない機器です）', 'No — not in the inventory'), bi('登録済み', 'Yes'))),
      fact('影響が想定される業務システム', 'Business systems possibly affected', list(m.businessSystems)),
      fact('関係する所管課', 'Departments concerned', list(m.departments)),
      fact('現地到着・一次切り分け開始の期限', 'On site and first isolation started by', at(m.onsiteDueAt)),
    ],
  }),
  'incident.urgent_consultation': (m) => ({
    title: bi('時間外の緊急障害：対応方針のご相談', 'Out-of-hours critical incident: how to respond'),
    to: TO.generalAffairs,
    lead: [
      bi(
        '受付時間外（平日 8:30～17:15 以外）に、下記の緊急度の高い障害を検知しました。',
        'The high-severity incident below was detected outside reception hours (weekdays 08:30–17:15).',
      ),
      bi(
        '受付時間外に検知した障害は、通常は翌営業日の対応となります。ただし、本件は業務への影響が大きいおそれがあるため、直ちに対応するか、翌営業日に対応するか、対応方針についてご相談させてください。',
        'Incidents detected outside reception hours are normally handled on the next business day. As this one may seriously affect operations, we would like to agree with you whether to respond now or on the next business day.',
      ),
      bi(
        'opsdesk の画面で「直ちに対応する」または「翌営業日に対応する」をお選びいただくか、運用保守デスクへお電話でご指示ください。お電話でいただいたご指示は、あらためてメールでご報告いたします。',
        "Please choose 'Respond now' or 'Next business day' in opsdesk, or give the desk your instruction by phone; an instruction given by phone will be confirmed by e-mail afterwards.",
      ),
    ],
    facts: [fact('検知日時', 'Detected at', at(m.detectedAt)), severityFact(m.severity), fact('事象の概要', 'Summary', m.summary)],
    closing: bi('お忙しいところ恐れ入りますが、ご判断をお願いいたします。', 'Thank you for your decision.'),
  }),
  'incident.vendor_escalation': (m) => ({
    title: bi('メーカー保守窓口へ修理を依頼しました', "Repair requested from the maker's desk"),
    to: TO.generalAffairs,
    lead: [
      bi(
        `下記の障害について一次切り分けを行った結果、メーカーによる修理・保守対応が必要と判断しました。運用保守事業者から${m.vendorName}の保守窓口へ修理を依頼しましたので、ご報告いたします。`,
        `First isolation showed that the incident below needs repair or maintenance by the maker. The O&M contractor has asked the maintenance desk of ${m.vendorName} to repair it.`,
      ),
      bi(
        '修理が完了するまで運用保守事業者が進捗を管理し、必要に応じてご報告いたします。',
        'The contractor will follow the repair through to completion and report to you as needed.',
      ),
    ],
    facts: [
      fact('修理の依頼先', 'Repair requested from', m.vendorName),
      fact('切り分け結果', 'Findings', m.findings),
      fact('影響範囲', 'Scope of impact', m.impactScope),
      fact('サービス停止', 'Service stopped', serviceStopped(m.serviceStopped)),
    ],
  }),
  'incident.vendor_request': (m) => ({
    title: bi('修理対応のお願い', 'Repair request'),
    to: TO.vendorDesk,
    opener: bi(
      'いつもお世話になっております。業務システム統合基盤の運用保守を担当しております、運用保守デスクです。',
      'We are the operation and maintenance desk of an integrated business-system platform.',
    ),
    lead: [
      bi(
        '下記の機器で障害が発生しております。お手数をおかけしますが、修理のご対応をお願いいたします。',
        'A fault has occurred on the equipment below. We would be grateful if you could arrange a repair.',
      ),
      bi(
        `対応の可否とご対応予定日時を、下記の担当者までご連絡いただけますと幸いです。記録のため、ご連絡は原則としてメールでお願いいたします${m.contactPhone ? '（お急ぎの場合は、お電話でも承ります）' : ''}。`,
        `Please let the contact person below know whether you can respond, and when. For our records, please contact us by e-mail${m.contactPhone ? ' (by phone as well if it is urgent)' : ''}.`,
      ),
      bi(
        `ご返信の際は、件名の案件番号（${m.caseNumber}）を残したままお送りください。`,
        `When you reply, please keep the case number (${m.caseNumber}) in the subject.`,
      ),
    ],
    facts: [
      fact('ホスト名', 'Host', m.hostname),
      fact('アドレス', 'Address', m.address),
      fact('機器種別', 'Equipment type', m.assetKind),
      fact('障害の内容（切り分け結果）', 'Fault (findings)', m.findings),
      fact('影響範囲', 'Scope of impact', m.impactScope),
      fact('サービス停止', 'Service stopped', serviceStopped(m.serviceStopped)),
      fact('担当者', 'Contact', m.contactName),
      fact('メールアドレス', 'E-mail', m.contactEmail),
      fact('電話番号', 'Phone', m.contactPhone),
    ],
    closing: bi('お忙しいところ恐れ入りますが、よろしくお願いいたします。', 'Thank you for your help.'),
  }),
  'incident.vendor_silence_reminder': (m) => ({
    title: bi('メーカーからの連絡が途絶えています', 'No word from the maker'),
    to: TO.operators,
    lead: [
      bi(
        `下記の案件について、${formatJstJa(m.silentSince)} 以降、${m.vendorName}からの連絡がありません（営業時間で ${hours(m.businessHours)} 時間経過）。`,
        `There has been no word from ${m.vendorName} about the case below since ${formatJstEn(m.silentSince)} (${hours(m.businessHours)} business hours).`,
      ),
      bi(
        'メーカー保守窓口へ進捗をご確認いただき、必要に応じて総務課へご報告をお願いいたします。',
        "Please check the progress with the maker's maintenance desk and report to General Affairs as needed.",
      ),
    ],
    facts: [
      fact('修理の依頼先', 'Repair requested from', m.vendorName),
      fact('最後の連絡', 'Last heard from', at(m.silentSince)),
      fact('経過時間（営業時間）', 'Silent for (business hours)', bi(`${hours(m.businessHours)} 時間`, `${hours(m.businessHours)} h`)),
    ],
  }),
  'incident.recovered': (m) => ({
    title: bi('基盤の動作が回復しました', 'Platform recovered'),
    to: TO.generalAffairs,
    lead: [
      bi(
        '下記の障害について、運用保守事業者が基盤の動作確認を行い、正常に動作していることを確認しました。',
        'The O&M contractor has checked the platform and confirmed that it works normally again after the incident below.',
      ),
      bi(
        'お手数ですが、影響を受けた業務システムの所管課へ動作確認をご依頼くださいますようお願いいたします（opsdesk の画面から依頼できます）。',
        'Please ask the departments whose business systems were affected to verify them (you can do this in opsdesk).',
      ),
    ],
    facts: [fact('動作確認を行った担当者', 'Verified by', m.verifiedBy), fact('備考', 'Note', m.note)],
  }),
};
