import { useEffect, useRef, type ReactNode } from 'react';
import { NavLink, useLocation, useNavigate } from 'react-router-dom';
import { get } from '../lib/api';
import { useI18n } from '../lib/i18n';
import { ROLE_LABELS } from '../lib/labels';
import { useSession } from '../lib/session';
import { TASKS_CHANGED, useLoad } from '../lib/useLoad';
import type { CalendarSettings, Role, TaskList } from '../lib/types';
import { minutesToClock } from '../lib/format';

interface NavItem {
  to: string;
  ja: string;
  en: string;
  roles: Role[] | 'all';
  count?: number;
}

/** The frame of every signed-in page: who I am, where I can go, language, the mail sink. */
export function Layout({ children }: { children: ReactNode }) {
  const { user, meta, logout, hasRole, departmentName } = useSession();
  const { lang, setLang, tr, pick } = useI18n();
  const navigate = useNavigate();
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const canWork = hasRole('operator', 'general_affairs', 'department');
  const settings = useLoad(() => get<CalendarSettings>('/api/calendar/settings').catch(() => null), []);
  const tasks = useLoad(() => (canWork ? get<TaskList>('/api/tasks', { state: 'open', mine: 'true' }) : Promise.resolve<TaskList>({ items: [] })), [canWork, location.pathname]);
  // The count follows the queue: after each completion or refresh there, and every minute elsewhere.
  const reloadCount = tasks.reload;
  useEffect(() => {
    window.addEventListener(TASKS_CHANGED, reloadCount);
    const timer = setInterval(reloadCount, 60_000);
    return () => {
      window.removeEventListener(TASKS_CHANGED, reloadCount);
      clearInterval(timer);
    };
  }, [reloadCount]);

  // Move focus to the page heading on navigation, so screen readers announce the new page.
  useEffect(() => {
    const h1 = mainRef.current?.querySelector('h1');
    if (h1 instanceof HTMLElement) h1.focus({ preventScroll: true });
  }, [location.pathname]);

  if (!user) return null;
  const items: NavItem[] = [
    { to: '/tasks', ja: '自分の作業', en: 'My tasks', roles: ['operator', 'general_affairs', 'department'], count: tasks.data?.items.length },
    { to: '/dashboard', ja: 'ダッシュボード', en: 'Dashboard', roles: 'all' },
    { to: '/cases', ja: '作業履歴', en: 'Work history', roles: 'all' },
    { to: '/calendar', ja: '保守カレンダー', en: 'Maintenance calendar', roles: 'all' },
    { to: '/requests', ja: '自課の依頼', en: 'Our requests', roles: ['department'] },
    { to: '/requests/new', ja: '作業依頼', en: 'New request', roles: ['department', 'general_affairs'] },
    { to: '/desk', ja: '問い合わせ窓口', en: 'Desk', roles: ['operator', 'general_affairs'] },
    { to: '/incidents/new', ja: '障害報告', en: 'Report incident', roles: ['operator', 'general_affairs'] },
    { to: '/monitoring', ja: '監視', en: 'Monitoring', roles: 'all' },
    { to: '/reports', ja: '月次報告書', en: 'Monthly reports', roles: 'all' },
    { to: '/admin/inventory', ja: '構成管理', en: 'Inventory', roles: ['admin', 'operator', 'general_affairs'] },
    { to: '/admin/calendar', ja: '営業日カレンダー', en: 'Business calendar', roles: ['admin'] },
    { to: '/admin/alert-sources', ja: '監視連携', en: 'Alert sources', roles: ['admin'] },
    { to: '/admin/users', ja: '利用者管理', en: 'Users', roles: ['admin'] },
    { to: '/admin/departments', ja: '所管課管理', en: 'Departments', roles: ['admin'] },
    { to: '/audit', ja: '監査ログ', en: 'Audit log', roles: ['auditor', 'admin'] },
  ];
  const visible = items.filter((i) => i.roles === 'all' || hasRole(...i.roles));
  const roleText = user.roles.map((r) => pick(ROLE_LABELS[r])).join('・');

  return (
    <div className="app">
      <a className="skip" href="#main">
        {tr('本文へ移動', 'Skip to content')}
      </a>
      <header className="topbar">
        <div className="brand">
          <span className="logo" aria-hidden="true">
            ▤
          </span>
          <span>
            <strong>opsdesk</strong> <span className="brand-sub">{tr('運用保守デスク', 'O&M desk')}</span>
          </span>
        </div>
        <div className="who" aria-label={tr('ログイン中の利用者', 'Signed-in user')}>
          <span className="who-name">{user.displayName}</span>
          <span className="who-role">
            {roleText}
            {user.departmentId && <> / {departmentName(user.departmentId, lang)}</>}
          </span>
        </div>
        <div className="top-actions">
          {meta?.mode === 'embedded' && meta.mailSinkUrl && (
            <a className="toplink" href={meta.mailSinkUrl} target="_blank" rel="noreferrer">
              {tr('送信メール（開発用）', 'Sent mail (dev)')}
              <span className="sr-only">{tr('（新しいタブで開く）', ' (opens in a new tab)')}</span>
            </a>
          )}
          <div className="lang" role="group" aria-label={tr('表示言語', 'Language')}>
            <button type="button" lang="ja" aria-pressed={lang === 'ja'} onClick={() => setLang('ja')}>
              日本語
            </button>
            <button type="button" lang="en" aria-pressed={lang === 'en'} onClick={() => setLang('en')}>
              English
            </button>
          </div>
          <button
            type="button"
            className="btn btn-small btn-secondary"
            onClick={() => {
              void logout().then(() => navigate('/login'));
            }}
          >
            {tr('ログアウト', 'Sign out')}
          </button>
        </div>
      </header>
      <nav className="mainnav" aria-label={tr('メインメニュー', 'Main menu')}>
        <ul>
          {visible.map((item) => (
            <li key={item.to}>
              <NavLink to={item.to} end={item.to === '/requests'} className={({ isActive }) => (isActive ? 'active' : '')}>
                {lang === 'ja' ? item.ja : item.en}
                {item.count !== undefined && item.count > 0 && (
                  <span className="count">
                    {item.count}
                    <span className="sr-only">{tr('件', ' open')}</span>
                  </span>
                )}
              </NavLink>
            </li>
          ))}
        </ul>
      </nav>
      <main id="main" ref={mainRef}>
        {children}
      </main>
      <footer className="footer">
        {tr('時刻はすべて日本時間（JST）で表示しています。', 'All times are Japan time (JST).')}
        {settings.data && (
          <>
            {' '}
            {tr(
              `受付時間: 開庁日 ${minutesToClock(settings.data.openMinutes)}〜${minutesToClock(settings.data.closeMinutes)}`,
              `Reception: business days ${minutesToClock(settings.data.openMinutes)}–${minutesToClock(settings.data.closeMinutes)}`,
            )}
          </>
        )}
      </footer>
    </div>
  );
}
