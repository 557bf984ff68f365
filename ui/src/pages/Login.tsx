import { useState, type FormEvent } from 'react';
import { ApiError } from '../lib/api';
import { humanMessage, useI18n } from '../lib/i18n';
import { useSession } from '../lib/session';
import { Field } from '../components/ui';

export function LoginPage() {
  const { login, expired } = useSession();
  const { lang, setLang, tr } = useI18n();
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  document.title = `${tr('ログイン', 'Sign in')} | opsdesk 運用保守デスク`;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!username.trim() || !password) {
      setError(tr('ユーザー名とパスワードを入力してください。', 'Enter your user name and password.'));
      return;
    }
    setBusy(true);
    setError(null);
    try {
      // Signed in, the app itself leaves /login for `next` (App's /login route): navigating here
      // too would land a second time, after the person may already have clicked on.
      await login(username.trim(), password);
    } catch (e) {
      const err = e instanceof ApiError ? e : null;
      if (err?.status === 401) setError(tr('ユーザー名またはパスワードが正しくありません。', 'The user name or password is not correct.') + (/lock/i.test(err.message) ? ` ${humanMessage(err.message, lang)}` : ''));
      else if (err?.status === 429 || (err && /lock/i.test(err.message))) setError(humanMessage(err.message, lang));
      else setError(err ? humanMessage(err.message, lang) : String(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="login-page">
      <main className="login-card" id="main">
        <div className="login-top">
        <div className="lang" role="group" aria-label={tr('表示言語', 'Language')}>
          <button type="button" lang="ja" aria-pressed={lang === 'ja'} onClick={() => setLang('ja')}>
            日本語
          </button>
          <button type="button" lang="en" aria-pressed={lang === 'en'} onClick={() => setLang('en')}>
            English
          </button>
        </div>
        </div>
        <h1>
          opsdesk <span className="brand-sub">{tr('運用保守デスク', 'O&M desk')}</span>
        </h1>
        <p className="muted">{tr('業務システム統合基盤の障害対応と作業依頼', 'Incidents and work requests of the shared IT platform')}</p>
        {expired && (
          <div className="alert alert-warning" role="status">
            {tr('ログインの有効期限が切れました。もう一度ログインしてください。', 'Your sign-in has expired. Please sign in again.')}
          </div>
        )}
        <form onSubmit={(e) => void submit(e)} noValidate>
          <Field label={tr('ユーザー名', 'User name')} required>
            {(control) => <input {...control} name="username" autoComplete="username" autoFocus value={username} onChange={(e) => setUsername(e.target.value)} />}
          </Field>
          <Field label={tr('パスワード', 'Password')} required>
            {(control) => <input {...control} name="password" type="password" autoComplete="current-password" value={password} onChange={(e) => setPassword(e.target.value)} />}
          </Field>
          {error && (
            <div className="alert alert-error" role="alert">
              {error}
            </div>
          )}
          <button type="submit" className="btn btn-primary btn-block" disabled={busy}>
            {busy ? tr('確認中…', 'Signing in…') : tr('ログイン', 'Sign in')}
          </button>
        </form>
      </main>
    </div>
  );
}
