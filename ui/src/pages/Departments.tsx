import { useState, type FormEvent } from 'react';
import { FormActions, placeRefusal, TextField } from '../components/FormFields';
import { ErrorBox, Loading, Notice, PageTitle } from '../components/ui';
import { ListPanel } from '../components/DataTable';
import { ApiError, api, get, post } from '../lib/api';
import { useI18n } from '../lib/i18n';
import { describeProblem } from '../lib/problems';
import type { CreateDepartment, Department, PatchDepartment } from '../lib/types';
import { useSession } from '../lib/session';
import { useLoad } from '../lib/useLoad';

const CODE = /^[a-z][a-z0-9_-]{0,31}$/;
const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;
type Values = { code: string; nameJa: string; nameEn: string; email: string };
const EMPTY: Values = { code: '', nameJa: '', nameEn: '', email: '' };

/** 所管課管理 (admins): the departments that own business systems, request work and verify it. */
export function DepartmentsPage() {
  const { tr, pick } = useI18n();
  const { reloadDepartments } = useSession();
  const list = useLoad(() => get<Department[]>('/api/departments'), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [editing, setEditing] = useState<string | null>(null);
  return (
    <>
      <PageTitle>{tr('所管課管理', 'Departments')}</PageTitle>
      <p className="lead">{tr('業務システムを所管する課です。作業依頼・動作確認の依頼先と、障害の通知先になります。', 'The departments that own business systems: they request work, verify it and are told about incidents.')}</p>
      {notice && <Notice>{notice}</Notice>}
      <ErrorBox error={list.error} />
      {list.loading && !list.data && <Loading />}
      {list.data && (
        <ListPanel
          id="departments"
          title={tr(`所管課 ${list.data.length} 課`, `${list.data.length} departments`)}
          isEmpty={list.data.length === 0}
          empty={tr('所管課はまだありません。下のフォームから登録してください。', 'No departments yet. Register one below.')}
          columns={[
            tr('コード', 'Code'),
            tr('名称', 'Name (Japanese)'),
            tr('英語名', 'Name (English)'),
            tr('共有メールアドレス', 'Shared mailbox'),
            tr('操作', 'Actions'),
          ]}
        >
          {list.data.map((d) =>
            editing === d.id ? (
              <tr key={d.id}>
                <td colSpan={5}>
                  <DepartmentForm
                    initial={d}
                    heading={tr(`${pick({ ja: d.nameJa, en: d.nameEn })} を編集`, `Edit ${pick({ ja: d.nameJa, en: d.nameEn })}`)}
                    submitLabel={tr('保存する', 'Save')}
                    onCancel={() => setEditing(null)}
                    save={(v) => api<Department>('PATCH', `/api/departments/${d.id}`, v satisfies PatchDepartment)}
                    onSaved={(saved) => {
                      setEditing(null);
                      setNotice(tr(`${saved.nameJa} を更新しました。`, `${saved.nameEn} was updated.`));
                      list.reload();
                      reloadDepartments();
                    }}
                  />
                </td>
              </tr>
            ) : (
              <tr key={d.id}>
                <td className="mono">{d.code}</td>
                <td>{d.nameJa}</td>
                <td>{d.nameEn}</td>
                <td className="small">{d.email}</td>
                <td>
                  <button type="button" className="btn btn-secondary btn-small" onClick={() => setEditing(d.id)}>
                    {tr('編集', 'Edit')}
                    <span className="sr-only">{`: ${pick({ ja: d.nameJa, en: d.nameEn })}`}</span>
                  </button>
                </td>
              </tr>
            ),
          )}
        </ListPanel>
      )}
      <section className="panel" aria-labelledby="add-department-heading">
        <h2 id="add-department-heading">{tr('所管課を登録する', 'Register a department')}</h2>
        <DepartmentForm
          initial={EMPTY}
          submitLabel={tr('登録する', 'Register')}
          save={(v) => post<Department>('/api/departments', v satisfies CreateDepartment)}
          onSaved={(saved) => {
            setNotice(tr(`${saved.nameJa} を登録しました。`, `${saved.nameEn} was registered.`));
            list.reload();
            reloadDepartments();
          }}
          clearAfterSave
        />
      </section>
    </>
  );
}

function DepartmentForm(props: { initial: Values; heading?: string; submitLabel: string; save(v: Values): Promise<Department>; onSaved(d: Department): void; onCancel?: () => void; clearAfterSave?: boolean }) {
  const { lang, tr } = useI18n();
  const [v, setV] = useState<Values>({ code: props.initial.code, nameJa: props.initial.nameJa, nameEn: props.initial.nameEn, email: props.initial.email });
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const labels: Record<keyof Values, string> = {
    code: tr('コード（英小文字）', 'Code (lower-case)'),
    nameJa: tr('名称', 'Name (Japanese)'),
    nameEn: tr('英語名', 'Name (English)'),
    email: tr('共有メールアドレス', 'Shared mailbox'),
  };
  const set = (k: keyof Values, value: string) => setV((x) => ({ ...x, [k]: value }));
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    const found: Record<string, string> = {};
    if (!CODE.test(v.code.trim())) found.code = v.code.trim() ? tr('コードは英小文字で始まる英小文字・数字・ハイフン・アンダースコアの32文字以内で入力してください。', 'Use up to 32 lower-case letters, digits, hyphens or underscores, starting with a letter.') : describeProblem('is required', labels.code, lang);
    if (!v.nameJa.trim()) found.nameJa = describeProblem('is required', labels.nameJa, lang);
    if (!v.nameEn.trim()) found.nameEn = describeProblem('is required', labels.nameEn, lang);
    if (!EMAIL.test(v.email.trim())) found.email = describeProblem('must be an e-mail address', labels.email, lang);
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const saved = await props.save({ code: v.code.trim(), nameJa: v.nameJa.trim(), nameEn: v.nameEn.trim(), email: v.email.trim() });
      if (props.clearAfterSave) setV(EMPTY);
      props.onSaved(saved);
    } catch (err) {
      const placed = placeRefusal(err, labels, lang);
      if ('field' in placed) setErrors({ [placed.field]: placed.message });
      else setRefusal(placed.refusal);
    } finally {
      setBusy(false);
    }
  };
  return (
    <form onSubmit={(e) => void submit(e)} noValidate className="form-grid" aria-label={props.heading}>
      {(['code', 'nameJa', 'nameEn', 'email'] as const).map((k) => (
        <TextField key={k} label={labels[k]} required error={errors[k]} type={k === 'email' ? 'email' : 'text'} value={v[k]} onChange={(value) => set(k, value)} spellCheck={k === 'code' || k === 'email' ? false : undefined} />
      ))}
      <FormActions refusal={refusal} submitLabel={props.submitLabel} busy={busy} onCancel={props.onCancel} />
    </form>
  );
}
