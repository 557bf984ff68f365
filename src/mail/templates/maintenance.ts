/** R-SCHED-1: notices of a service-stopping maintenance to the affected departments. */
import { bi, fact, list, MAINTENANCE_WHEN, range, type TemplatesOf, TO } from './vocabulary';

export const MAINTENANCE_TEMPLATES: TemplatesOf<'maintenance'> = {
  'maintenance.notice': (m) => {
    const when = Object.hasOwn(MAINTENANCE_WHEN, m.when) ? MAINTENANCE_WHEN[m.when] : undefined;
    const named = (m.businessSystems?.length ?? 0) > 0;
    return {
      title: bi('【サービス停止を伴う作業のお知らせ】', 'Planned maintenance with service stop'),
      to: TO.departments,
      lead: [
        when?.lead,
        bi(
          `業務システム統合基盤において、下記のとおりサービスの停止を伴う作業を実施いたします。作業時間中は、${named ? '下記の業務システムをご利用いただけません' : '関係する業務システムをご利用いただけない場合があります'}。`,
          `Maintenance on the integrated business-system platform, as below, will stop services. During the work, ${named ? 'the business systems listed below will not be available' : 'some business systems may not be available'}.`,
        ),
        bi(
          'ご不便をおかけしますが、ご理解とご協力をお願いいたします。業務への影響などでご不明な点がございましたら、総務課までお問い合わせください。',
          'We apologise for the inconvenience. If you have questions about the impact on your work, please contact the General Affairs Division.',
        ),
      ],
      facts: [
        fact('お知らせ', 'Notice', when?.notice ?? String(m.when)),
        fact('作業日時', 'When', range(m.plannedStart, m.plannedEnd)),
        fact('作業内容', 'Work', m.content),
        fact('ご利用いただけない業務システム', 'Business systems unavailable', list(m.businessSystems)),
      ],
    };
  },
};
