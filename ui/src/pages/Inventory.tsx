import { useId, useState, type FormEvent } from 'react';
import { FormActions, placeRefusal, SelectField, TextField } from '../components/FormFields';
import { PlatformCapacity } from '../components/PlatformCapacity';
import { ErrorBox, Field, FieldGroup, Loading, Notice, PageTitle } from '../components/ui';
import { ListPanel } from '../components/DataTable';
import { ApiError, api, get, post } from '../lib/api';
import { fmtDate } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { ASSET_KIND_LABELS, label, SUB_PLATFORM_LABELS } from '../lib/labels';
import { describeProblem } from '../lib/problems';
import { useSession } from '../lib/session';
import type { Asset, AssetPage, CreateAsset, PatchAsset } from '../lib/types';
import { useLoad } from '../lib/useLoad';

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
const ADDRESS = /^[0-9a-z.:\-[\]%]+$/i;
const PHONE = /^\+?[0-9][0-9\- ()]{3,38}[0-9]$/;
const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

/** 構成管理: the devices and VMs of the platform, which departments use them, their maker's desk. */
export function InventoryPage() {
  const { lang, tr, pick } = useI18n();
  const { hasRole } = useSession();
  const [q, setQ] = useState('');
  const [query, setQuery] = useState('');
  const [created, setCreated] = useState<string | null>(null);
  const [showRetired, setShowRetired] = useState(false);
  const [editing, setEditing] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const { data, error, loading, reload } = useLoad(() => get<AssetPage>('/api/assets', { q: query || undefined, includeRetired: showRetired || undefined, limit: 200 }), [query, showRetired]);
  const canEdit = hasRole('admin', 'operator');
  const retire = async (a: Asset, retired: boolean) => {
    setRefusal(null);
    setCreated(null);
    try {
      await api<Asset>('PATCH', `/api/assets/${a.id}`, { retired } satisfies PatchAsset);
      setCreated(retired ? tr(`${a.hostname} を廃止にしました。履歴には残ります。`, `${a.hostname} was retired. It stays in the history.`) : tr(`${a.hostname} を利用中に戻しました。`, `${a.hostname} is in service again.`));
      reload();
    } catch (e) {
      setRefusal(e instanceof ApiError ? e : new ApiError(0, String(e)));
    }
  };
  return (
    <>
      <PageTitle>{tr('構成管理（機器一覧）', 'Inventory')}</PageTitle>
      <p className="lead">{tr('基盤の機器と仮想マシン、利用する所管課、メーカー保守窓口です。障害の通知先と動作確認の依頼先はここから決まります。', 'The devices and VMs of the platform, the departments that use them and the maker\'s desks. Incident e-mails and verification requests follow this list.')}</p>
      {created && <Notice>{created}</Notice>}
      <form
        className="inline-search"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(q.trim());
        }}
      >
        <Field label={tr('ホスト名・業務システム名で検索', 'Search host name or business system')}>
          {(control) => <input {...control} type="search" value={q} onChange={(e) => setQ(e.target.value)} />}
        </Field>
        <button type="submit" className="btn btn-secondary">
          {tr('検索', 'Search')}
        </button>
        <label className="choice">
          <input type="checkbox" checked={showRetired} onChange={(e) => setShowRetired(e.target.checked)} /> {tr('廃止した機器も表示', 'Show retired assets')}
        </label>
      </form>
      <ErrorBox error={refusal} />
      <ErrorBox error={error} />
      {loading && !data && <Loading />}
      {data && (
        <ListPanel
          id="assets"
          title={tr(`機器 ${data.total} 台`, `${data.total} assets`)}
          isEmpty={data.items.length === 0}
          empty={tr('該当する機器はありません。', 'No asset matches.')}
          columns={[
            tr('ホスト名', 'Host name'),
            tr('種類', 'Kind'),
            tr('基盤', 'Platform'),
            tr('アドレス', 'Address'),
            tr('業務システム', 'Business systems'),
            tr('所管課', 'Departments'),
            tr('メーカー保守窓口', 'Maker\'s desk'),
            tr('保護', 'Protected'),
            canEdit && tr('操作', 'Actions'),
          ]}
        >
          {data.items.map((a) =>
            editing === a.id ? (
              <tr key={a.id}>
                <td colSpan={canEdit ? 9 : 8}>
                  <AssetForm
                    asset={a}
                    onCancel={() => setEditing(null)}
                    onSaved={(saved) => {
                      setEditing(null);
                      setCreated(tr(`${saved.hostname} を更新しました。`, `${saved.hostname} was updated.`));
                      reload();
                    }}
                  />
                </td>
              </tr>
            ) : (
            <tr key={a.id} className={a.retired ? 'row-retired' : undefined}>
              <td className="nowrap">
                <strong>{a.hostname}</strong>
                {a.retired && (
                  <div>
                    <span className="badge neutral">{tr('廃止', 'Retired')}</span>
                    {a.retiredAt && <span className="small muted"> {fmtDate(a.retiredAt, lang)}</span>}
                  </div>
                )}
                {a.notes && <div className="small muted">{a.notes}</div>}
              </td>
              <td className="nowrap">{label(ASSET_KIND_LABELS, a.kind, lang)}</td>
              <td className="nowrap">{label(SUB_PLATFORM_LABELS, a.subPlatform, lang)}</td>
              <td className="mono nowrap">{a.address ?? '—'}</td>
              <td>{a.businessSystems.join('、') || '—'}</td>
              <td>{a.departments.length ? a.departments.map((d) => <div key={d.id} className="nowrap">{pick({ ja: d.nameJa, en: d.nameEn })}</div>) : '—'}</td>
              <td>
                {a.vendorDesk ? (
                  <>
                    {a.vendorDesk.name}
                    <div className="small muted">
                      {a.vendorDesk.email}
                      {a.vendorDesk.phone && ` / ${a.vendorDesk.phone}`}
                    </div>
                  </>
                ) : (
                  '—'
                )}
              </td>
              <td className="nowrap">{a.protected ? tr('保護あり', 'Yes') : tr('なし', 'No')}</td>
              {canEdit && (
                <td>
                  <div className="actions">
                    <button type="button" className="btn btn-secondary btn-small" onClick={() => setEditing(a.id)}>
                      {tr('編集', 'Edit')}
                      <span className="sr-only">{`: ${a.hostname}`}</span>
                    </button>
                    {a.retired ? (
                      <button type="button" className="btn btn-secondary btn-small" onClick={() => void retire(a, false)}>
                        {tr('利用中に戻す', 'Back in service')}
                        <span className="sr-only">{`: ${a.hostname}`}</span>
                      </button>
                    ) : (
                      <button
                        type="button"
                        className="btn btn-secondary btn-small"
                        onClick={() => {
                          if (window.confirm(tr(`${a.hostname} を廃止にしますか？ 一覧と選択肢から外れますが、過去の案件の記録には残ります。`, `Retire ${a.hostname}? It leaves the lists and choices but stays in past cases.`))) void retire(a, true);
                        }}
                      >
                        {tr('廃止', 'Retire')}
                        <span className="sr-only">{`: ${a.hostname}`}</span>
                      </button>
                    )}
                  </div>
                </td>
              )}
            </tr>
            ),
          )}
        </ListPanel>
      )}
      {canEdit && (
        <AssetForm
          onSaved={(a) => {
            setCreated(tr(`${a.hostname} を登録しました。`, `${a.hostname} was registered.`));
            reload();
          }}
        />
      )}
      {hasRole('operator', 'general_affairs', 'auditor', 'admin') && <PlatformCapacity />}
    </>
  );
}

/** Registers a new asset, or edits `asset` (every field sent: cleared boxes clear the value). */
function AssetForm({ asset, onSaved, onCancel }: { asset?: Asset; onSaved(asset: Asset): void; onCancel?: () => void }) {
  const { lang, tr, pick } = useI18n();
  const { departments } = useSession();
  const empty = { hostname: '', kind: '', subPlatform: '', address: '', businessSystems: '', vendorName: '', vendorEmail: '', vendorPhone: '', notes: '' };
  const initial = asset
    ? {
        hostname: asset.hostname, kind: asset.kind, subPlatform: asset.subPlatform, address: asset.address ?? '', businessSystems: asset.businessSystems.join('、'),
        vendorName: asset.vendorDesk?.name ?? '', vendorEmail: asset.vendorDesk?.email ?? '', vendorPhone: asset.vendorDesk?.phone ?? '', notes: asset.notes ?? '',
      }
    : empty;
  const [v, setV] = useState(initial);
  const [deptIds, setDeptIds] = useState<string[]>(asset ? asset.departments.map((d) => d.id) : []);
  const [isProtected, setProtected] = useState(asset?.protected ?? false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const formId = useId();
  const set = (k: keyof typeof empty, value: string) => setV((x) => ({ ...x, [k]: value }));
  const labels: Record<string, string> = {
    hostname: tr('ホスト名', 'Host name'),
    kind: tr('種類', 'Kind'),
    subPlatform: tr('基盤', 'Platform'),
    address: tr('IPアドレスまたはDNS名', 'IP address or DNS name'),
    businessSystems: tr('業務システム（読点・カンマ区切り）', 'Business systems (comma-separated)'),
    'vendorDesk.name': tr('窓口名', 'Desk name'),
    'vendorDesk.email': tr('窓口のメール', 'Desk e-mail'),
    'vendorDesk.phone': tr('窓口の電話', 'Desk phone'),
    notes: tr('備考', 'Notes'),
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    const found: Record<string, string> = {};
    if (!HOSTNAME.test(v.hostname.trim())) found.hostname = v.hostname.trim() ? tr('ホスト名は英数字・ハイフン・ドットで入力してください。', 'Use letters, digits, hyphens and dots.') : describeProblem('is required', labels.hostname, lang);
    if (!v.kind) found.kind = describeProblem('is required', labels.kind, lang, { choice: true });
    if (!v.subPlatform) found.subPlatform = describeProblem('is required', labels.subPlatform, lang, { choice: true });
    if (v.address.trim() && !ADDRESS.test(v.address.trim())) found.address = tr('IPアドレスまたはDNS名を入力してください。', 'Enter an IP address or a DNS name.');
    const vendorGiven = v.vendorName.trim() || v.vendorEmail.trim() || v.vendorPhone.trim();
    if (vendorGiven) {
      if (!v.vendorName.trim()) found['vendorDesk.name'] = describeProblem('is required', labels['vendorDesk.name'], lang);
      if (!EMAIL.test(v.vendorEmail.trim())) found['vendorDesk.email'] = describeProblem('must be an e-mail address', labels['vendorDesk.email'], lang);
      if (v.vendorPhone.trim() && !PHONE.test(v.vendorPhone.trim())) found['vendorDesk.phone'] = tr('電話番号は数字・ハイフン・括弧で入力してください。', 'Digits, hyphens and parentheses only.');
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const systems = v.businessSystems.split(/[、,]/).map((s) => s.trim()).filter(Boolean);
      if (asset) {
        const saved = await api<Asset>('PATCH', `/api/assets/${asset.id}`, {
          hostname: v.hostname.trim(),
          kind: v.kind as CreateAsset['kind'], // checked above: one of the select's options
          subPlatform: v.subPlatform as CreateAsset['subPlatform'],
          address: v.address.trim() || null,
          businessSystems: [...new Set(systems)],
          departmentIds: deptIds,
          vendorDesk: vendorGiven ? { name: v.vendorName.trim(), email: v.vendorEmail.trim(), phone: v.vendorPhone.trim() || null } : null,
          protected: isProtected,
          notes: v.notes.trim() ? v.notes : null,
        } satisfies PatchAsset);
        onSaved(saved);
        return;
      }
      const created = await post<Asset>('/api/assets', {
        hostname: v.hostname.trim(),
        kind: v.kind as CreateAsset['kind'],
        subPlatform: v.subPlatform as CreateAsset['subPlatform'],
        ...(v.address.trim() ? { address: v.address.trim() } : {}),
        ...(systems.length ? { businessSystems: [...new Set(systems)] } : {}),
        ...(deptIds.length ? { departmentIds: deptIds } : {}),
        ...(vendorGiven ? { vendorDesk: { name: v.vendorName.trim(), email: v.vendorEmail.trim(), ...(v.vendorPhone.trim() ? { phone: v.vendorPhone.trim() } : {}) } } : {}),
        protected: isProtected,
        ...(v.notes.trim() ? { notes: v.notes } : {}),
      } satisfies CreateAsset);
      setV(empty);
      setDeptIds([]);
      setProtected(false);
      onSaved(created);
    } catch (e) {
      const placed = placeRefusal(e, labels, lang);
      if ('field' in placed) setErrors({ [placed.field]: placed.message });
      else setRefusal(placed.refusal);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby={`${formId}-heading`}>
      <h2 id={`${formId}-heading`}>{asset ? tr(`${asset.hostname} を編集`, `Edit ${asset.hostname}`) : tr('機器を登録する', 'Register an asset')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate className="form-grid">
        <TextField label={labels.hostname} required error={errors.hostname} value={v.hostname} onChange={(value) => set('hostname', value)} spellCheck={false} />
        <SelectField label={labels.kind} required error={errors.kind} value={v.kind} onChange={(value) => set('kind', value)} options={Object.entries(ASSET_KIND_LABELS).map(([k, l]) => ({ value: k, label: pick(l) }))} />
        <SelectField label={labels.subPlatform} required error={errors.subPlatform} value={v.subPlatform} onChange={(value) => set('subPlatform', value)} options={Object.entries(SUB_PLATFORM_LABELS).map(([k, l]) => ({ value: k, label: pick(l) }))} />
        <TextField label={labels.address} error={errors.address} value={v.address} onChange={(value) => set('address', value)} spellCheck={false} />
        <TextField label={labels.businessSystems} error={errors.businessSystems} className="wide" value={v.businessSystems} onChange={(value) => set('businessSystems', value)} placeholder={tr('例: 税務システム、住民記録システム', 'e.g. Tax system, Resident records')} />
        <FieldGroup legend={tr('利用する所管課', 'Departments using it')} className="wide">
          <div className="choices inline">
            {departments.map((d) => (
              <label key={d.id} className="choice">
                <input type="checkbox" checked={deptIds.includes(d.id)} onChange={(e) => setDeptIds((ids) => (e.target.checked ? [...ids, d.id] : ids.filter((x) => x !== d.id)))} /> {pick({ ja: d.nameJa, en: d.nameEn })}
              </label>
            ))}
          </div>
        </FieldGroup>
        <FieldGroup legend={tr('メーカー保守窓口（任意）', 'Maker\'s desk (optional)')} className="wide">
          <div className="form-grid three">
            <TextField label={labels['vendorDesk.name']} error={errors['vendorDesk.name']} value={v.vendorName} onChange={(value) => set('vendorName', value)} />
            <TextField label={labels['vendorDesk.email']} error={errors['vendorDesk.email']} type="email" value={v.vendorEmail} onChange={(value) => set('vendorEmail', value)} />
            <TextField label={labels['vendorDesk.phone']} error={errors['vendorDesk.phone']} type="tel" value={v.vendorPhone} onChange={(value) => set('vendorPhone', value)} />
          </div>
        </FieldGroup>
        <Field label={labels.notes} className="wide">
          {(control) => <textarea {...control} rows={2} maxLength={4000} value={v.notes} onChange={(e) => set('notes', e.target.value)} />}
        </Field>
        <label className="choice wide">
          <input type="checkbox" checked={isProtected} onChange={(e) => setProtected(e.target.checked)} /> {tr('保護する（自動化された操作で削除しない）', 'Protected (never deleted by automated operations)')}
        </label>
        <FormActions refusal={refusal} submitLabel={asset ? tr('保存する', 'Save') : tr('登録する', 'Register')} busy={busy} onCancel={onCancel} />
      </form>
    </section>
  );
}
