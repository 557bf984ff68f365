import { get } from '../lib/api';
import { useI18n } from '../lib/i18n';
import { useLoad } from '../lib/useLoad';
import { Empty, ErrorBox } from './ui';

interface ClusterRow {
  cluster: string;
  hosts: number;
  vms: number;
  cpu: { total: number; used: number };
  memoryGiB: { total: number; used: number };
  datastoreGiB: { total: number; used: number };
}

interface CapacityAnswer {
  adapter: string;
  simulated: boolean;
  labelJa: string;
  latestDay: string | null;
  clusters: ClusterRow[];
}

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
            <div className="table-wrap">
              <table className="table">
                <thead>
                  <tr>
                    <th scope="col">{tr('クラスタ', 'Cluster')}</th>
                    <th scope="col">{tr('ホスト / VM', 'Hosts / VMs')}</th>
                    <th scope="col">{tr('vCPU 使用', 'vCPU used')}</th>
                    <th scope="col">{tr('メモリ使用', 'Memory used')}</th>
                    <th scope="col">{tr('データストア使用', 'Datastore used')}</th>
                  </tr>
                </thead>
                <tbody>
                  {data.clusters.map((c) => (
                    <tr key={c.cluster}>
                      <th scope="row">{c.cluster}</th>
                      <td>{`${c.hosts} / ${c.vms}`}</td>
                      <td>{`${c.cpu.used} / ${c.cpu.total}（${pct(c.cpu.used, c.cpu.total)}）`}</td>
                      <td>{`${c.memoryGiB.used} / ${c.memoryGiB.total} GiB（${pct(c.memoryGiB.used, c.memoryGiB.total)}）`}</td>
                      <td>{`${c.datastoreGiB.used} / ${c.datastoreGiB.total} GiB（${pct(c.datastoreGiB.used, c.datastoreGiB.total)}）`}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </>
      )}
    </section>
  );
}
