/**
 * Work request types (R-OP-1..9, R-MNT-3) with their parameter schemas. The API validates
 * submissions with them, the UI builds its forms from `GET /api/work-request-types`, and the
 * workflow re-checks resubmitted parameters: one source for all three.
 */
export type ParamType = 'string' | 'text' | 'integer' | 'enum' | 'boolean';

export interface ParamSpec {
  name: string;
  type: ParamType;
  labelJa: string;
  labelEn: string;
  required?: boolean;
  min?: number;
  max?: number;
  maxLength?: number;
  pattern?: string;
  patternHint?: string;
  options?: string[];
  /** The value must equal another parameter (type the name to confirm a deletion). */
  mustEqual?: string;
}

export interface RequestTypeDefinition {
  type: string;
  labelJa: string;
  labelEn: string;
  requirement: string;
  /**
   * Done by an operation activity at the planned time (src/operations), with the result on the case;
   * otherwise (and for a redo) the operator executes it by hand with the checklist.
   */
  automated: boolean;
  params: ParamSpec[];
  /** What the operator checks off when executing by hand. */
  checklistJa: string[];
  checklistEn: string[];
}

const HOSTNAME = '^[a-z][a-z0-9-]{1,62}$';
const HOSTNAME_HINT = 'lower-case letters, digits and hyphens, starting with a letter (2-63 characters)';
const DB_NAME = '^[a-z][a-z0-9_]{1,62}$';
const DB_HINT = 'lower-case letters, digits and underscores, starting with a letter (2-63 characters)';
const CRON = '^(\\S+\\s+){4}\\S+$';

const p = (name: string, type: ParamType, labelJa: string, labelEn: string, extra: Partial<ParamSpec> = {}): ParamSpec => ({ name, type, labelJa, labelEn, required: true, ...extra });

export const REQUEST_TYPES: RequestTypeDefinition[] = [
  {
    type: 'vm.provision', labelJa: '仮想マシンの払出し', labelEn: 'Provision a VM', requirement: 'R-OP-1', automated: true,
    params: [
      p('vmName', 'string', '仮想マシン名', 'VM name', { pattern: HOSTNAME, patternHint: HOSTNAME_HINT }),
      p('cpu', 'integer', 'vCPU数', 'vCPUs', { min: 1, max: 64 }),
      p('memoryGiB', 'integer', 'メモリ(GiB)', 'Memory (GiB)', { min: 1, max: 512 }),
      p('diskGiB', 'integer', 'ディスク(GiB)', 'Disk (GiB)', { min: 10, max: 8192 }),
      p('os', 'enum', 'OS', 'Operating system', { options: ['rhel9', 'ubuntu24.04', 'windows2022'] }),
      p('businessSystem', 'string', '業務システム名', 'Business system', { maxLength: 100 }),
    ],
    checklistJa: ['ホストの空き容量を確認', '仮想マシンを作成', 'IPアドレスを割当て', '監視に登録', '構成管理台帳を更新'],
    checklistEn: ['Check host capacity', 'Create the VM', 'Assign an address', 'Register in monitoring', 'Update the inventory'],
  },
  {
    type: 'vm.delete', labelJa: '仮想マシンの削除', labelEn: 'Delete a VM', requirement: 'R-OP-2', automated: true,
    params: [
      p('vmName', 'string', '仮想マシン名', 'VM name', { pattern: HOSTNAME, patternHint: HOSTNAME_HINT }),
      p('confirmName', 'string', '確認のため仮想マシン名を再入力', 'Type the VM name again to confirm', { mustEqual: 'vmName' }),
    ],
    checklistJa: ['最終バックアップを取得', '仮想マシンを停止・削除', '監視から削除', '構成管理台帳を更新'],
    checklistEn: ['Take a final backup', 'Stop and delete the VM', 'Remove from monitoring', 'Update the inventory'],
  },
  {
    type: 'vm.clone', labelJa: '仮想マシンのクローン作成', labelEn: 'Clone a VM', requirement: 'R-OP-3', automated: true,
    params: [
      p('sourceVm', 'string', '複製元の仮想マシン', 'Source VM', { pattern: HOSTNAME, patternHint: HOSTNAME_HINT }),
      p('newName', 'string', '新しい仮想マシン名', 'New VM name', { pattern: HOSTNAME, patternHint: HOSTNAME_HINT }),
    ],
    checklistJa: ['複製元のスナップショットを取得', 'クローンを作成', 'ホスト名・IPを変更', '構成管理台帳を更新'],
    checklistEn: ['Snapshot the source', 'Create the clone', 'Change hostname and address', 'Update the inventory'],
  },
  {
    type: 'vm.resize', labelJa: '仮想マシンのリソース変更', labelEn: 'Change VM resources', requirement: 'R-OP-4', automated: true,
    params: [
      p('vmName', 'string', '仮想マシン名', 'VM name', { pattern: HOSTNAME, patternHint: HOSTNAME_HINT }),
      p('cpu', 'integer', '変更後のvCPU数', 'New vCPUs', { min: 1, max: 64, required: false }),
      p('memoryGiB', 'integer', '変更後のメモリ(GiB)', 'New memory (GiB)', { min: 1, max: 512, required: false }),
      p('diskGiB', 'integer', '変更後のディスク(GiB)', 'New disk (GiB)', { min: 10, max: 8192, required: false }),
    ],
    checklistJa: ['ホストの空き容量を確認', 'リソースを変更', 'OS上で認識を確認'],
    checklistEn: ['Check host capacity', 'Change the resources', 'Check the OS sees them'],
  },
  {
    type: 'db.provide', labelJa: 'データベースの提供', labelEn: 'Provide a database', requirement: 'R-OP-5', automated: true,
    params: [
      p('databaseName', 'string', 'データベース名', 'Database name', { pattern: DB_NAME, patternHint: DB_HINT }),
      p('sizeClass', 'enum', '規模', 'Size class', { options: ['small', 'medium', 'large'] }),
      p('businessSystem', 'string', '業務システム名', 'Business system', { maxLength: 100 }),
    ],
    checklistJa: ['データベースとロールを作成', '接続情報を依頼元へ通知', 'バックアップを設定'],
    checklistEn: ['Create the database and role', 'Give the connection details to the requester', 'Configure backups'],
  },
  {
    type: 'db.delete', labelJa: 'データベースの削除', labelEn: 'Delete a database', requirement: 'R-OP-6', automated: true,
    params: [
      p('databaseName', 'string', 'データベース名', 'Database name', { pattern: DB_NAME, patternHint: DB_HINT }),
      p('confirmName', 'string', '確認のためデータベース名を再入力', 'Type the database name again to confirm', { mustEqual: 'databaseName' }),
    ],
    checklistJa: ['最終バックアップを取得', 'データベースとロールを削除'],
    checklistEn: ['Take a final backup', 'Drop the database and role'],
  },
  {
    type: 'device.stop_start', labelJa: '機器の停止及び起動', labelEn: 'Stop and start a device', requirement: 'R-OP-7', automated: true,
    params: [
      p('hostname', 'string', '対象機器', 'Device', { pattern: HOSTNAME, patternHint: HOSTNAME_HINT }),
      p('action', 'enum', '操作', 'Action', { options: ['stop', 'start', 'restart'] }),
    ],
    checklistJa: ['影響する業務システムを確認', '操作を実施', '稼働を確認'],
    checklistEn: ['Check the affected systems', 'Do it', 'Check it runs'],
  },
  {
    type: 'backup.configure', labelJa: 'バックアップの設定', labelEn: 'Configure backups', requirement: 'R-OP-8', automated: true,
    params: [
      p('target', 'enum', '対象の種類', 'Target kind', { options: ['vm', 'database'] }),
      p('targetName', 'string', '対象名', 'Target name', { maxLength: 63 }),
      p('schedule', 'string', '取得スケジュール(cron)', 'Schedule (cron, Asia/Tokyo)', { pattern: CRON, patternHint: 'five cron fields, e.g. "0 2 * * *"' }),
      p('retentionDays', 'integer', '保存日数', 'Retention (days)', { min: 1, max: 3650 }),
    ],
    checklistJa: ['スケジュールを登録', '初回取得を確認'],
    checklistEn: ['Register the schedule', 'Check the first run'],
  },
  {
    type: 'backup.restore', labelJa: 'バックアップからのリストア', labelEn: 'Restore from backup', requirement: 'R-OP-9', automated: true,
    params: [
      p('target', 'enum', '対象の種類', 'Target kind', { options: ['vm', 'database'] }),
      p('targetName', 'string', '対象名', 'Target name', { maxLength: 63 }),
      p('backupId', 'string', 'バックアップID（省略時は最新）', 'Backup id (latest if empty)', { required: false, maxLength: 100 }),
      p('restoreAs', 'string', 'リストア先（省略時は元の場所）', 'Restore as (original if empty)', { required: false, maxLength: 63 }),
    ],
    checklistJa: ['リストア元を確認', 'リストアを実施', 'データを検証'],
    checklistEn: ['Check the source backup', 'Restore', 'Verify the data'],
  },
  {
    type: 'network.change', labelJa: 'ネットワーク機器の設定変更', labelEn: 'Network device change', requirement: 'R-MNT-3', automated: false,
    params: [
      p('device', 'string', '対象機器', 'Device', { maxLength: 100 }),
      p('change', 'text', '変更内容', 'Change', { maxLength: 4000 }),
      p('reason', 'text', '変更理由', 'Reason', { maxLength: 2000 }),
    ],
    checklistJa: ['設定をバックアップ', '変更を実施', '疎通を確認', 'ネットワーク運用管理者へ連絡'],
    checklistEn: ['Back up the configuration', 'Apply the change', 'Check connectivity', 'Tell the network operator'],
  },
  {
    type: 'other', labelJa: 'その他の作業', labelEn: 'Other work', requirement: 'R-FLOW-2', automated: false,
    params: [p('description', 'text', '作業内容', 'What is needed', { maxLength: 4000 })],
    checklistJa: ['作業内容を確認', '作業を実施'],
    checklistEn: ['Check what is needed', 'Do the work'],
  },
];

export const REQUEST_TYPE_BY_NAME: Record<string, RequestTypeDefinition> = Object.fromEntries(REQUEST_TYPES.map((t) => [t.type, t]));

export interface ParamProblem {
  field: string;
  message: string;
}

/** Validates parameters against their type's schema; the first problem names its field (`params.cpu`). */
export function checkRequestParams(type: string, params: unknown): ParamProblem | null {
  const definition = REQUEST_TYPE_BY_NAME[type];
  if (!definition) return { field: 'type', message: `type must be one of: ${REQUEST_TYPES.map((t) => t.type).join(', ')}` };
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return { field: 'params', message: 'params must be an object' };
  const values = params as Record<string, unknown>;
  const known = new Set(definition.params.map((s) => s.name));
  for (const key of Object.keys(values)) {
    if (!known.has(key)) return { field: `params.${key}`, message: `params.${key} is not a parameter of ${type}` };
  }
  for (const spec of definition.params) {
    const value = values[spec.name];
    const field = `params.${spec.name}`;
    if (value === undefined || value === null || value === '') {
      if (spec.required) return { field, message: `${field} is required (${spec.labelEn} / ${spec.labelJa})` };
      continue;
    }
    const problem = checkParam(spec, value);
    if (problem) return { field, message: `${field} ${problem}` };
    if (spec.mustEqual && value !== values[spec.mustEqual]) return { field, message: `${field} must equal params.${spec.mustEqual}` };
  }
  if (type === 'vm.resize' && !['cpu', 'memoryGiB', 'diskGiB'].some((k) => values[k] !== undefined && values[k] !== null)) {
    return { field: 'params.cpu', message: 'params: give at least one of cpu, memoryGiB, diskGiB' };
  }
  return null;
}

function checkParam(spec: ParamSpec, value: unknown): string | null {
  switch (spec.type) {
    case 'integer':
      if (typeof value !== 'number' || !Number.isInteger(value)) return 'must be a whole number';
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min}`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max}`;
      return null;
    case 'boolean':
      return typeof value === 'boolean' ? null : 'must be true or false';
    case 'enum':
      return typeof value === 'string' && spec.options!.includes(value) ? null : `must be one of: ${spec.options!.join(', ')}`;
    default: {
      if (typeof value !== 'string') return 'must be text';
      if (/[^\P{Cc}\t\n\r]/u.test(value)) return 'must not contain control characters';
      const maxLength = spec.maxLength ?? (spec.type === 'text' ? 4000 : 200);
      if (value.length > maxLength) return `must be at most ${maxLength} characters`;
      if (spec.pattern && !new RegExp(spec.pattern).test(value)) return `must be ${spec.patternHint ?? `like ${spec.pattern}`}`;
      return null;
    }
  }
}
