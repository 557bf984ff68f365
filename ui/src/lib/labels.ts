import { KIND_LABELS, SEVERITIES, SEVERITY_LABELS, STATUS_LABELS, CASE_STATUSES } from '../../../workflows/shared/case-model';
import { REQUEST_TYPE_BY_NAME, REQUEST_TYPES } from '../../../workflows/shared/request-types';
import { TASK_TYPES } from '../../../workflows/shared/task-types';
import type { Lang } from './format';
import type { Role } from './types';

export { KIND_LABELS, SEVERITIES, SEVERITY_LABELS, STATUS_LABELS, CASE_STATUSES, REQUEST_TYPES, REQUEST_TYPE_BY_NAME, TASK_TYPES };

export const ROLE_LABELS: Record<Role, { ja: string; en: string }> = {
  general_affairs: { ja: '総務課', en: 'General affairs' },
  operator: { ja: '運用保守事業者', en: 'O&M contractor' },
  department: { ja: '業務システム所管課', en: 'Department' },
  auditor: { ja: '監査', en: 'Auditor' },
  admin: { ja: 'システム管理者', en: 'Administrator' },
};

export const RESOLUTION_LABELS: Record<string, { ja: string; en: string }> = {
  completed: { ja: '完了', en: 'Completed' },
  rejected: { ja: '却下', en: 'Rejected' },
  withdrawn: { ja: '取り下げ', en: 'Withdrawn' },
};

export const SLA_KIND_LABELS = {
  onsite: { ja: '現地到着（2時間）', en: 'On site (2 hours)' },
  resolution: { ja: '作業完了（3営業日）', en: 'Completion (3 business days)' },
  desk: { ja: '受付確認（営業時間内）', en: 'Acknowledgement (reception hours)' },
} as const;

export const ASSET_KIND_LABELS: Record<string, { ja: string; en: string }> = {
  hypervisor_host: { ja: 'ハイパーバイザ', en: 'Hypervisor host' },
  switch: { ja: 'スイッチ', en: 'Switch' },
  storage: { ja: 'ストレージ', en: 'Storage' },
  firewall: { ja: 'ファイアウォール', en: 'Firewall' },
  vm: { ja: '仮想マシン', en: 'Virtual machine' },
  database_server: { ja: 'データベースサーバ', en: 'Database server' },
  backup_server: { ja: 'バックアップサーバ', en: 'Backup server' },
};

export const SUB_PLATFORM_LABELS: Record<string, { ja: string; en: string }> = {
  virtualization: { ja: '仮想化基盤', en: 'Virtualization' },
  database: { ja: 'データベース基盤', en: 'Database' },
  backup: { ja: 'バックアップ基盤', en: 'Backup' },
};

/** Labels for the enum options of request parameters (the schema keeps codes). */
export const OPTION_LABELS: Record<string, { ja: string; en: string }> = {
  rhel9: { ja: 'Red Hat Enterprise Linux 9', en: 'Red Hat Enterprise Linux 9' },
  'ubuntu24.04': { ja: 'Ubuntu 24.04', en: 'Ubuntu 24.04' },
  windows2022: { ja: 'Windows Server 2022', en: 'Windows Server 2022' },
  small: { ja: '小', en: 'Small' },
  medium: { ja: '中', en: 'Medium' },
  large: { ja: '大', en: 'Large' },
  stop: { ja: '停止', en: 'Stop' },
  start: { ja: '起動', en: 'Start' },
  restart: { ja: '再起動', en: 'Restart' },
  vm: { ja: '仮想マシン', en: 'Virtual machine' },
  database: { ja: 'データベース', en: 'Database' },
};

export const WAITING_FOR_LABELS = {
  requester: { ja: '依頼元の回答待ち（作業依頼のSLAは停止）', en: 'Waiting for the requester (pauses a request\'s SLA)' },
  vendor: { ja: 'メーカーの対応待ち', en: 'Waiting for the maker' },
  other: { ja: 'その他', en: 'Other' },
} as const;

export const CHANNEL_LABELS = {
  phone: { ja: '電話', en: 'Phone' },
  email: { ja: 'メール', en: 'E-mail' },
  in_person: { ja: '対面', en: 'In person' },
} as const;

export const COUNTERPART_LABELS = {
  vendor: { ja: 'メーカー保守窓口', en: 'Maker\'s desk' },
  general_affairs: { ja: '総務課', en: 'General affairs' },
  department: { ja: '業務システム所管課', en: 'Department' },
  network_operator: { ja: 'ネットワーク運用管理者', en: 'Network operator' },
  system_vendor: { ja: '業務システム保守事業者', en: 'System vendor' },
  other: { ja: 'その他', en: 'Other' },
} as const;

export function label(map: Record<string, { ja: string; en: string }>, key: string | null | undefined, lang: Lang): string {
  if (!key) return '—';
  const entry = map[key];
  return entry ? entry[lang] : key;
}

export function requestTypeLabel(type: string | null | undefined, lang: Lang): string {
  if (!type) return '—';
  const definition = REQUEST_TYPE_BY_NAME[type];
  return definition ? (lang === 'ja' ? definition.labelJa : definition.labelEn) : type;
}

export function taskOutcomeLabel(type: string, outcome: string | null | undefined, lang: Lang): string {
  if (!outcome) return '—';
  const found = TASK_TYPES[type]?.outcomes.find((o) => o.value === outcome);
  return found ? (lang === 'ja' ? found.resultJa : found.resultEn) : outcome;
}
