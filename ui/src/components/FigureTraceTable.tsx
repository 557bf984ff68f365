import { fmtDateTimeSeconds, type Lang } from '../lib/format';
import { useI18n } from '../lib/i18n';
import type { FigureTrace } from '../lib/types';

/**
 * The rows a report figure was computed from (GET /api/reports/monthly/:id/figures/:figureId), as
 * a table a reader can check by eye: Japanese column names first (the English under them), times
 * in Japan time, sizes with their GiB / GB beside the raw number, codes in words.
 */
const COLUMNS: Record<string, [string, string]> = {
  day: ['日付', 'Day'], hostname: ['機器', 'Host'], samples: ['サンプル数', 'Samples'], failed_samples: ['失敗サンプル数', 'Failed samples'],
  observed_seconds: ['観測秒数', 'Seconds observed'], down_seconds: ['停止秒数', 'Seconds down'], source: ['取得元', 'Source'], gathered_at: ['採取日時', 'Gathered at'],
  adapter: ['アダプタ', 'Adapter'], cluster: ['クラスタ', 'Cluster'], kind: ['種別', 'Kind'], name: ['名前', 'Name'],
  cpu_total: ['CPU 総量(vCPU)', 'CPU total'], cpu_used: ['CPU 割当(vCPU)', 'CPU used'], memory_gib_total: ['メモリ総量(GiB)', 'Memory total'],
  memory_gib_used: ['メモリ使用(GiB)', 'Memory used'], disk_gib_total: ['ディスク総量(GiB)', 'Disk total'], disk_gib_used: ['ディスク使用(GiB)', 'Disk used'],
  sampled_at: ['サンプル日時', 'Sampled at'], number: ['案件番号', 'Case'], subject: ['件名', 'Subject'], status: ['状態', 'Status'],
  resolution: ['結果', 'Resolution'], severity: ['重要度', 'Severity'], occurred_at: ['発生・受付日時', 'Occurred at'], completed_at: ['完了日時', 'Completed at'],
  request_type: ['依頼種別', 'Request type'], breached: ['SLA超過', 'SLA breached'], sla: ['SLA', 'SLA'], work_plan: ['作業計画', 'Work plan'],
  id: ['ID', 'ID'], at: ['日時', 'At'], message_ja: ['内容', 'Message'], data: ['データ', 'Data'], key: ['キー', 'Key'],
  target_kind: ['対象種別', 'Target kind'], target_name: ['対象', 'Target'], reason: ['理由', 'Reason'], started_at: ['開始日時', 'Started at'],
  finished_at: ['終了日時', 'Finished at'], metric: ['指標', 'Metric'], average_percent: ['平均(%)', 'Average %'], peak_percent: ['ピーク(%)', 'Peak %'],
  interface: ['インターフェース', 'Interface'], in_octets: ['受信(オクテット)', 'Octets in'], out_octets: ['送信(オクテット)', 'Octets out'],
  store: ['保存先', 'Store'], item: ['項目', 'Item'], used_bytes: ['使用量(バイト)', 'Bytes used'], total_bytes: ['総量(バイト)', 'Bytes total'],
};

const VALUES: Record<string, [string, string]> = {
  cpu: ['CPU', 'CPU'], memory: ['メモリ', 'memory'], disk: ['ディスク', 'disk'], database_platform: ['データベース基盤', 'database platform'],
  backup_store: ['バックアップストア', 'backup store'], incident: ['障害', 'incident'], work_request: ['作業依頼', 'work request'], hold: ['保留', 'hold'],
  escalation: ['エスカレーション', 'escalation'], succeeded: ['成功', 'succeeded'], failed: ['失敗', 'failed'], pruned: ['削除済み（保存期間満了）', 'pruned'],
  running: ['実行中', 'running'], host: ['ホスト', 'host'], datastore: ['データストア', 'datastore'],
};

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/;
const number = (n: number) => n.toLocaleString('ja-JP', { maximumFractionDigits: 3 });

function cell(column: string, value: unknown, lang: Lang): string {
  if (value === null || value === undefined || value === '') return '—';
  if (typeof value === 'boolean') return value ? (lang === 'ja' ? 'はい' : 'yes') : lang === 'ja' ? 'いいえ' : 'no';
  const numeric = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value) && column !== 'id' && column !== 'number' ? Number(value) : null;
  if (numeric !== null && Number.isFinite(numeric)) {
    if (column.endsWith('_bytes')) return `${number(numeric)}（${number(numeric / 1024 ** 3)} GiB）`;
    if (column.endsWith('_octets')) return `${number(numeric)}（${number(numeric / 1e9)} GB）`;
    return number(numeric);
  }
  if (typeof value === 'string') {
    if (ISO_INSTANT.test(value)) return fmtDateTimeSeconds(value, lang);
    const word = VALUES[value];
    return word ? (lang === 'ja' ? word[0] : word[1]) : value;
  }
  if (typeof value === 'object') {
    return Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== null && v !== undefined)
      .map(([k, v]) => `${k}: ${typeof v === 'string' && ISO_INSTANT.test(v) ? fmtDateTimeSeconds(v, lang) : typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
      .join('、');
  }
  return String(value);
}

export function FigureTraceTable({ trace }: { trace: FigureTrace }) {
  const { lang, tr } = useI18n();
  const columns = [...new Set(trace.rows.flatMap((row) => Object.keys(row)))];
  return (
    <div className="table-wrap">
      {trace.rows.length === 0 ? (
        <p>{`${trace.figure.source.table}: ${tr('この値の出典となる行はありません（データなし）', 'no rows: there was no data for this figure')}`}</p>
      ) : (
        <table className="table">
          <caption className="muted">{`${tr('出典', 'Source')}: ${trace.figure.source.table} ・ ${trace.rows.length}${tr('行', ' rows')}`}</caption>
          <thead>
            <tr>
              {columns.map((c) => {
                const [ja, en] = COLUMNS[c] ?? [c, c];
                return (
                  <th key={c} scope="col" title={c}>
                    {lang === 'ja' ? ja : en}
                    {lang === 'ja' && <><br /><small className="muted">{en}</small></>}
                  </th>
                );
              })}
            </tr>
          </thead>
          <tbody>
            {trace.rows.map((row, i) => (
              <tr key={i}>{columns.map((c) => <td key={c}>{cell(c, row[c], lang)}</td>)}</tr>
            ))}
          </tbody>
        </table>
      )}
    </div>
  );
}
