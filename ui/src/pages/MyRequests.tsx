import { Link } from 'react-router-dom';
import { ErrorBox, Loading, PageTitle, StatusBadge } from '../components/ui';
import { DataTable } from '../components/DataTable';
import { get } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { requestTypeLabel } from '../lib/labels';
import { useSession } from '../lib/session';
import type { CasePage, CaseSummary } from '../lib/types';
import { useLoad } from '../lib/useLoad';

/**
 * 自課の依頼: the work requests of the signed-in department (the API limits a department user to
 * its own cases), open ones first; when there are none, a way to make the first one.
 */
export function MyRequestsPage() {
  const { lang, tr } = useI18n();
  const { user, departmentName } = useSession();
  const open = useLoad(() => get<CasePage>('/api/cases', { kind: 'work_request', status: 'received,in_progress,on_hold,verifying', limit: 200 }), []);
  const done = useLoad(() => get<CasePage>('/api/cases', { kind: 'work_request', status: 'done', limit: 50 }), []);
  const dept = user?.departmentId ? departmentName(user.departmentId, lang) : '';
  const loaded = open.data && done.data;
  const none = loaded && open.data!.total === 0 && done.data!.total === 0;
  const newButton = (
    <Link to="/requests/new" className="btn btn-primary">
      {tr('作業依頼の作成', 'Create a work request')}
    </Link>
  );
  return (
    <>
      <PageTitle actions={none ? undefined : newButton}>{tr(`${dept}の作業依頼`, `Work requests of ${dept}`)}</PageTitle>
      <ErrorBox error={open.error ?? done.error} />
      {!loaded && !open.error && !done.error && <Loading />}
      {none && (
        <section className="panel empty-state" aria-labelledby="no-requests">
          <p id="no-requests">{tr('まだ作業依頼はありません。', 'There are no work requests yet.')}</p>
          <p className="muted small">{tr('VMの作成やデータベースの作成、通信許可の追加などは、作業依頼から申し込めます。進み具合と確認のお願いはこの画面に出ます。', 'Ask for a VM, a database, a firewall rule and more with a work request. Its progress and any verification asked of you show here.')}</p>
          {newButton}
        </section>
      )}
      {loaded && !none && (
        <>
          <RequestTable title={tr(`対応中の依頼 ${open.data!.total} 件`, `${open.data!.total} open`)} id="open-requests" items={open.data!.items} empty={tr('対応中の依頼はありません。', 'No open requests.')} />
          <RequestTable title={tr('完了した依頼（新しい順）', 'Completed (newest first)')} id="done-requests" items={done.data!.items} empty={tr('完了した依頼はまだありません。', 'None completed yet.')} />
        </>
      )}
    </>
  );
}

function RequestTable({ title, id, items, empty }: { title: string; id: string; items: CaseSummary[]; empty: string }) {
  const { lang, tr } = useI18n();
  return (
    <section className="panel" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {items.length === 0 ? (
        <p className="empty">{empty}</p>
      ) : (
        <DataTable
          columns={[
            tr('案件番号', 'Number'),
            tr('件名', 'Subject'),
            tr('依頼種別', 'Type'),
            tr('対応状況', 'Status'),
            tr('依頼日時', 'Requested'),
            tr('対応完了日', 'Completed'),
          ]}
        >
          {items.map((c) => (
            <tr key={c.id}>
              <td className="nowrap">
                <Link to={`/cases/${c.number}`}>{c.number}</Link>
              </td>
              <td>{c.subject}</td>
              <td>{requestTypeLabel(c.requestType, lang)}</td>
              <td>
                <StatusBadge status={c.status} />
              </td>
              <td className="nowrap">{fmtDateTime(c.occurredAt, lang)}</td>
              <td className="nowrap">{c.completedAt ? fmtDateTime(c.completedAt, lang) : <span className="muted">—</span>}</td>
            </tr>
          ))}
        </DataTable>
      )}
    </section>
  );
}
