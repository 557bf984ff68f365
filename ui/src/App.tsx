import { lazy, Suspense, type ComponentType, type ReactNode } from 'react';
import { Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { Layout } from './components/Layout';
import { Loading, PageTitle } from './components/ui';
import { useI18n } from './lib/i18n';
import { useSession } from './lib/session';
import type { Role } from './lib/types';
import { LoginPage } from './pages/Login';

/**
 * Each page is its own chunk, fetched when first opened: the sign-in page and the shell load
 * without the code of screens a role never sees.
 */
function lazyPage<Name extends string>(load: () => Promise<Record<Name, ComponentType>>, name: Name) {
  return lazy(async () => ({ default: (await load())[name] }));
}

const AlertSourcesPage = lazyPage(() => import('./pages/AlertSources'), 'AlertSourcesPage');
const AuditLogPage = lazyPage(() => import('./pages/AuditLog'), 'AuditLogPage');
const BusinessCalendarPage = lazyPage(() => import('./pages/BusinessCalendar'), 'BusinessCalendarPage');
const CasePage = lazyPage(() => import('./pages/CasePage'), 'CasePage');
const DashboardPage = lazyPage(() => import('./pages/Dashboard'), 'DashboardPage');
const DepartmentsPage = lazyPage(() => import('./pages/Departments'), 'DepartmentsPage');
const DeskPage = lazyPage(() => import('./pages/Desk'), 'DeskPage');
const InventoryPage = lazyPage(() => import('./pages/Inventory'), 'InventoryPage');
const MaintenanceCalendarPage = lazyPage(() => import('./pages/MaintenanceCalendar'), 'MaintenanceCalendarPage');
const MonitoringPage = lazyPage(() => import('./pages/Monitoring'), 'MonitoringPage');
const MyRequestsPage = lazyPage(() => import('./pages/MyRequests'), 'MyRequestsPage');
const MyTasksPage = lazyPage(() => import('./pages/MyTasks'), 'MyTasksPage');
const NewWorkRequestPage = lazyPage(() => import('./pages/NewWorkRequest'), 'NewWorkRequestPage');
const ReportIncidentPage = lazyPage(() => import('./pages/ReportIncident'), 'ReportIncidentPage');
const ReportsPage = lazyPage(() => import('./pages/Reports'), 'ReportsPage');
const UsersPage = lazyPage(() => import('./pages/Users'), 'UsersPage');
const WorkHistoryPage = lazyPage(() => import('./pages/WorkHistory'), 'WorkHistoryPage');

function RequireRole({ roles, children }: { roles: Role[]; children: ReactNode }) {
  const { hasRole } = useSession();
  const { tr } = useI18n();
  if (!hasRole(...roles)) {
    return (
      <>
        <PageTitle>{tr('この画面は利用できません', 'Not available')}</PageTitle>
        <div className="alert alert-error" role="alert">
          {tr('この画面を使う権限がありません。メニューから利用できる画面を選んでください。', 'You are not allowed to use this page. Choose a page from the menu.')}
        </div>
      </>
    );
  }
  return <>{children}</>;
}

/** Where signing in leads: the page asked for in `next`, if it is one of ours (no other site). */
function pageAfterSignIn(search: string): string {
  const next = new URLSearchParams(search).get('next');
  return next && next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

function Home() {
  const { hasRole } = useSession();
  if (hasRole('operator', 'general_affairs', 'department')) return <Navigate to="/tasks" replace />;
  if (hasRole('admin')) return <Navigate to="/dashboard" replace />;
  return <Navigate to="/cases" replace />;
}

export function App() {
  const { user, checking } = useSession();
  const location = useLocation();
  const { tr } = useI18n();
  if (checking) return <Loading />;
  if (!user) {
    if (location.pathname === '/login') return <LoginPage />;
    const next = location.pathname + location.search;
    return <Navigate to={`/login${next && next !== '/' ? `?next=${encodeURIComponent(next)}` : ''}`} replace />;
  }
  const WORKERS: Role[] = ['operator', 'general_affairs', 'department'];
  return (
    <Layout>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/login" element={<Navigate to={pageAfterSignIn(location.search)} replace />} />
          <Route path="/tasks" element={<RequireRole roles={WORKERS}><MyTasksPage /></RequireRole>} />
          <Route path="/dashboard" element={<DashboardPage />} />
          <Route path="/cases" element={<WorkHistoryPage />} />
          <Route path="/cases/:id" element={<CasePage />} />
          <Route path="/calendar" element={<MaintenanceCalendarPage />} />
          <Route path="/requests/new" element={<RequireRole roles={['department', 'general_affairs']}><NewWorkRequestPage /></RequireRole>} />
          <Route path="/desk" element={<RequireRole roles={['operator', 'general_affairs']}><DeskPage /></RequireRole>} />
          <Route path="/incidents/new" element={<RequireRole roles={['operator', 'general_affairs']}><ReportIncidentPage /></RequireRole>} />
          <Route path="/admin/inventory" element={<RequireRole roles={['admin', 'operator', 'general_affairs']}><InventoryPage /></RequireRole>} />
          <Route path="/admin/calendar" element={<RequireRole roles={['admin']}><BusinessCalendarPage /></RequireRole>} />
          <Route path="/audit" element={<RequireRole roles={['auditor', 'admin']}><AuditLogPage /></RequireRole>} />
          <Route path="/admin/users" element={<RequireRole roles={['admin']}><UsersPage /></RequireRole>} />
          <Route path="/admin/departments" element={<RequireRole roles={['admin']}><DepartmentsPage /></RequireRole>} />
          <Route path="/requests" element={<RequireRole roles={['department']}><MyRequestsPage /></RequireRole>} />
          <Route path="/monitoring" element={<MonitoringPage />} />
          <Route path="/reports" element={<ReportsPage />} />
          <Route path="/admin/alert-sources" element={<RequireRole roles={['admin']}><AlertSourcesPage /></RequireRole>} />
          <Route
            path="*"
            element={
              <>
                <PageTitle>{tr('ページが見つかりません', 'Page not found')}</PageTitle>
                <p>{tr('アドレスを確認するか、メニューから選んでください。', 'Check the address or choose from the menu.')}</p>
              </>
            }
          />
        </Routes>
      </Suspense>
    </Layout>
  );
}
