import { useState, type FormEvent } from 'react';
import { FormActions, placeRefusal, SelectField, TextField } from '../components/FormFields';
import { ErrorBox, Field, FieldGroup, Loading, Notice, PageTitle } from '../components/ui';
import { ListPanel } from '../components/DataTable';
import { ApiError, api, get, post } from '../lib/api';
import { fmtDateTime } from '../lib/format';
import { useI18n } from '../lib/i18n';
import { ROLE_LABELS } from '../lib/labels';
import { describeProblem } from '../lib/problems';
import type { CreateUser, Department, PatchUser, Role, UserAccount } from '../lib/types';
import { useLoad } from '../lib/useLoad';

const ROLES: Role[] = ['general_affairs', 'operator', 'department', 'auditor', 'admin'];
const USERNAME = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const EMAIL = /^[^\s@<>()]+@[^\s@<>()]+\.[^\s@<>()]+$/;

function asApiError(e: unknown): ApiError {
  return e instanceof ApiError ? e : new ApiError(0, String(e));
}

/** 利用者管理 (admins): accounts, roles, department, disable/enable, password reset, lifting a lockout. */
export function UsersPage() {
  const { lang, tr, pick } = useI18n();
  const users = useLoad(() => get<UserAccount[]>('/api/users'), []);
  const departments = useLoad(() => get<Department[]>('/api/departments'), []);
  const [notice, setNotice] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [resetFor, setResetFor] = useState<string | null>(null);
  const deptName = (id: string | null) => {
    const d = departments.data?.find((x) => x.id === id);
    return d ? pick({ ja: d.nameJa, en: d.nameEn }) : '—';
  };

  const change = async (user: UserAccount, body: PatchUser, done: string) => {
    setRefusal(null);
    setNotice(null);
    try {
      await api('PATCH', `/api/users/${user.id}`, body);
      setNotice(done);
      users.reload();
    } catch (e) {
      setRefusal(asApiError(e));
    }
  };

  return (
    <>
      <PageTitle>{tr('利用者管理', 'Users')}</PageTitle>
      <p className="lead">{tr('利用者の登録、役割と所属課の設定、利用停止、パスワードの再設定、ロックの解除を行います。利用停止とパスワード再設定は、その利用者のログインをすべて終了させます。', 'Register users, set their roles and department, disable them, reset passwords and lift lockouts. Disabling and resetting a password end all of the user\'s sessions.')}</p>
      {notice && <Notice>{notice}</Notice>}
      <ErrorBox error={refusal} />
      <ErrorBox error={users.error} />
      {users.loading && !users.data && <Loading />}
      {users.data && (
        <ListPanel
          id="users"
          title={tr(`利用者 ${users.data.length} 名`, `${users.data.length} users`)}
          isEmpty={users.data.length === 0}
          empty={tr('利用者はいません。', 'No users.')}
          columns={[
            tr('ユーザー名', 'User name'),
            tr('氏名', 'Name'),
            tr('メール', 'E-mail'),
            tr('役割', 'Roles'),
            tr('所属課', 'Department'),
            tr('状態', 'State'),
            tr('操作', 'Actions'),
          ]}
        >
          {users.data.map((u) => (
            <tr key={u.id} data-username={u.username}>
              <td className="mono nowrap">{u.username}</td>
              <td>{u.displayName}</td>
              <td className="small">{u.email}</td>
              <td>{u.roles.map((r) => <div key={r} className="nowrap">{pick(ROLE_LABELS[r])}</div>)}</td>
              <td>{u.departmentId ? deptName(u.departmentId) : '—'}</td>
              <td className="nowrap">
                {u.disabled ? <span className="badge stop">{tr('利用停止', 'Disabled')}</span> : <span className="badge ok">{tr('利用中', 'Active')}</span>}
                {u.lockedUntil && (
                  <div className="small">
                    <span className="badge neutral">{tr('ロック中', 'Locked')}</span> {tr(`${fmtDateTime(u.lockedUntil, lang)} まで`, `until ${fmtDateTime(u.lockedUntil, lang)}`)}
                  </div>
                )}
              </td>
              <td>
                <div className="actions">
                  {u.disabled ? (
                    <button type="button" className="btn btn-secondary btn-small" onClick={() => void change(u, { disabled: false }, tr(`${u.username} を利用再開にしました。`, `${u.username} was enabled.`))}>
                      {tr('利用再開', 'Enable')}
                    </button>
                  ) : (
                    <button
                      type="button"
                      className="btn btn-secondary btn-small"
                      onClick={() => {
                        if (window.confirm(tr(`${u.username} を利用停止にしますか？ ログイン中の画面もすべて終了します。`, `Disable ${u.username}? All of their sessions end.`))) {
                          void change(u, { disabled: true }, tr(`${u.username} を利用停止にしました。`, `${u.username} was disabled.`));
                        }
                      }}
                    >
                      {tr('利用停止', 'Disable')}
                    </button>
                  )}
                  <button type="button" className="btn btn-secondary btn-small" aria-expanded={resetFor === u.id} onClick={() => setResetFor(resetFor === u.id ? null : u.id)}>
                    {tr('パスワード再設定', 'Reset password')}
                  </button>
                  {u.lockedUntil && (
                    <button type="button" className="btn btn-secondary btn-small" onClick={() => void change(u, { unlock: true }, tr(`${u.username} のロックを解除しました。`, `${u.username} was unlocked.`))}>
                      {tr('ロック解除', 'Unlock')}
                    </button>
                  )}
                </div>
                {resetFor === u.id && (
                  <ResetPassword
                    user={u}
                    onDone={() => {
                      setResetFor(null);
                      setNotice(tr(`${u.username} のパスワードを再設定しました。`, `The password of ${u.username} was reset.`));
                      users.reload();
                    }}
                  />
                )}
              </td>
            </tr>
          ))}
        </ListPanel>
      )}
      <AddUser
        departments={departments.data ?? []}
        onCreated={(u) => {
          setNotice(tr(`${u.username} を登録しました。`, `${u.username} was registered.`));
          users.reload();
        }}
      />
    </>
  );
}

function ResetPassword({ user, onDone }: { user: UserAccount; onDone(): void }) {
  const { lang, tr } = useI18n();
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const label = tr(`${user.username} の新しいパスワード（12文字以上）`, `New password for ${user.username} (12+ characters)`);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    if (password.length < 12) {
      setError(tr('パスワードは12文字以上で入力してください。', 'Use at least 12 characters.'));
      return;
    }
    setError(null);
    try {
      await api('PATCH', `/api/users/${user.id}`, { password } satisfies PatchUser);
      onDone();
    } catch (err) {
      const apiError = asApiError(err);
      if (apiError.field === 'password') setError(describeProblem(apiError.message, label, lang));
      else setRefusal(apiError);
    }
  };
  return (
    <form className="inline-search" onSubmit={(e) => void submit(e)} noValidate>
      <Field label={label} error={error}>
        {(control) => <input {...control} type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
      </Field>
      <button type="submit" className="btn btn-primary btn-small">
        {tr('再設定する', 'Reset')}
      </button>
      <ErrorBox error={refusal} />
    </form>
  );
}

function AddUser({ departments, onCreated }: { departments: Department[]; onCreated(user: UserAccount): void }) {
  const { lang, tr, pick } = useI18n();
  const empty = { username: '', displayName: '', email: '', departmentId: '', password: '' };
  const [v, setV] = useState(empty);
  const [roles, setRoles] = useState<Role[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [refusal, setRefusal] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const set = (k: keyof typeof empty, value: string) => setV((x) => ({ ...x, [k]: value }));
  const labels: Record<string, string> = {
    username: tr('ユーザー名', 'User name'),
    displayName: tr('氏名', 'Name'),
    email: tr('メールアドレス', 'E-mail'),
    roles: tr('役割', 'Roles'),
    departmentId: tr('所属課', 'Department'),
    password: tr('初期パスワード（12文字以上）', 'Initial password (12+ characters)'),
  };
  const needsDepartment = roles.includes('department');

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setRefusal(null);
    const found: Record<string, string> = {};
    if (!USERNAME.test(v.username.trim())) {
      found.username = v.username.trim() ? tr('ユーザー名は英小文字・数字・ドット・ハイフン・アンダースコアの2〜64文字で入力してください。', 'Use 2–64 lower-case letters, digits, dots, hyphens or underscores.') : describeProblem('is required', labels.username, lang);
    }
    if (!v.displayName.trim()) found.displayName = describeProblem('is required', labels.displayName, lang);
    if (!EMAIL.test(v.email.trim())) found.email = describeProblem('must be an e-mail address', labels.email, lang);
    if (roles.length === 0) found.roles = describeProblem('is required', labels.roles, lang, { choice: true });
    if (needsDepartment && !v.departmentId) found.departmentId = describeProblem('is required', labels.departmentId, lang, { choice: true });
    if (v.password.length < 12) found.password = tr('パスワードは12文字以上で入力してください。', 'Use at least 12 characters.');
    setErrors(found);
    if (Object.keys(found).length) return;
    setBusy(true);
    try {
      const user = await post<UserAccount>('/api/users', {
        username: v.username.trim(),
        displayName: v.displayName.trim(),
        email: v.email.trim(),
        roles,
        departmentId: needsDepartment ? v.departmentId : null,
        password: v.password,
      } satisfies CreateUser);
      setV(empty);
      setRoles([]);
      onCreated(user);
    } catch (err) {
      const placed = placeRefusal(err, labels, lang);
      if ('field' in placed) setErrors({ [placed.field]: placed.message });
      else setRefusal(placed.refusal);
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="panel" aria-labelledby="add-user-heading">
      <h2 id="add-user-heading">{tr('利用者を登録する', 'Register a user')}</h2>
      <form onSubmit={(e) => void submit(e)} noValidate className="form-grid">
        <TextField label={labels.username} required error={errors.username} value={v.username} onChange={(value) => set('username', value)} spellCheck={false} autoComplete="off" />
        <TextField label={labels.displayName} required error={errors.displayName} value={v.displayName} onChange={(value) => set('displayName', value)} />
        <TextField label={labels.email} required error={errors.email} type="email" value={v.email} onChange={(value) => set('email', value)} />
        <TextField label={labels.password} required error={errors.password} type="password" autoComplete="new-password" value={v.password} onChange={(value) => set('password', value)} />
        <FieldGroup legend={labels.roles} required error={errors.roles} className="wide" hint={tr('監査は他の役割と兼務できません。システム管理者は業務の役割と兼務できません。', 'Auditors hold no other role; administrators hold no task role.')}>
          <div className="choices inline">
            {ROLES.map((r) => (
              <label key={r} className="choice">
                <input type="checkbox" checked={roles.includes(r)} onChange={(e) => setRoles((list) => (e.target.checked ? [...list, r] : list.filter((x) => x !== r)))} /> {pick(ROLE_LABELS[r])}
              </label>
            ))}
          </div>
        </FieldGroup>
        {needsDepartment && (
          <SelectField
            label={labels.departmentId}
            required
            error={errors.departmentId}
            value={v.departmentId}
            onChange={(value) => set('departmentId', value)}
            options={departments.map((d) => ({ value: d.id, label: pick({ ja: d.nameJa, en: d.nameEn }) }))}
          />
        )}
        <FormActions refusal={refusal} submitLabel={tr('登録する', 'Register')} busy={busy} />
      </form>
    </section>
  );
}
