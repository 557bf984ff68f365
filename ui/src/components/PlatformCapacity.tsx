import { get } from '../lib/api';
import { useI18n } from '../lib/i18n';
import type { PlatformCapacity as CapacityAnswer } from '../lib/types';
import { useLoad } from '../lib/useLoad';
import { Empty, ErrorBox } from './ui';
import { DataTable } from './DataTable';

const pct = (used: number, total: number) => (total > 0 ? `${Math.round((100 * used) / total)}%` : '—');

/** 基盤の容量（R-RPT-3）: each cluster's hosts and datastores as the worker last sampled them today. */
export function PlatformCapacity() {
  const { tr } = useI18n();
  const { data, error } = useLoad(() => get<CapacityAnswer>('/api/platform/capacity'), []);
  return (
    <section className="panel" aria-labelledby="capacity-heading">
      <h2 id="capacity-heading">{tr('仮想化基盤の容量', 'Virtualization platform capacity')}</h2>
      <ErrorBox error={error} />
      {data && (
        <>
          <p className="muted">
            {data.labelJa}
            {data.latestDay ? tr(`（${data.latestDay} 時点、月報に日ごとに記録）`, ` (as of ${data.latestDay}; kept daily for the monthly report)`) : ''}
          </p>
          {data.clusters.length === 0 ? (
            <Empty>{tr('まだ記録がありません（ワーカーが定期的に記録します）。', 'Nothing recorded yet (the worker samples it on a schedule).')}</Empty>
          ) : (
            <DataTable
              columns={[
                tr('クラスタ', 'Cluster'),
                tr('ホスト / VM', 'Hosts / VMs'),
                tr('vCPU 使用', 'vCPU used'),
                tr('メモリ使用', 'Memory used'),
                tr('データストア使用', 'Datastore used'),
              ]}
            >
              {data.clusters.map((c) => (
                <tr key={c.cluster}>
                  <th scope="row">{c.cluster}</th>
                  <td>{`${c.hosts} / ${c.vms}`}</td>
                  <td>{`${c.cpu.used} / ${c.cpu.total}（${pct(c.cpu.used, c.cpu.total)}）`}</td>
                  <td>{`${c.memoryGiB.used} / ${c.memoryGiB.total} GiB（${pct(c.memoryGiB.used, c.memoryGiB.total)}）`}</td>
                  <td>{`${c.datastoreGiB.used} / ${c.datastoreGiB.total} GiB（${pct(c.datastoreGiB.used, c.datastoreGiB.total)}）`}</td>
                </tr>
              ))}
            </DataTable>
          )}
        </>
      )}
    </section>
  );
}
