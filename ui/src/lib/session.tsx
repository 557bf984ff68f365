import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { api, get, getToken, onUnauthorized, setToken } from './api';
import type { Department, LoginRequest, LoginResult, Meta, Role, User } from './types';

/** Who is signed in, the departments (names for ids) and the deployment facts (mail sink link). */
interface Session {
  user: User | null;
  meta: Meta | null;
  departments: Department[];
  /** True until the stored token has been checked. */
  checking: boolean;
  /** Set when the session ended by itself (expired token). */
  expired: boolean;
  login(username: string, password: string): Promise<User>;
  logout(): Promise<void>;
  hasRole(...roles: Role[]): boolean;
  departmentName(id: string | null | undefined, lang: 'ja' | 'en'): string;
  /** Fetches the departments again (after an admin added or renamed one). */
  reloadDepartments(): void;
}

const SessionContext = createContext<Session | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<User | null>(null);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [departments, setDepartments] = useState<Department[]>([]);
  const [checking, setChecking] = useState(() => getToken() !== null);
  const [expired, setExpired] = useState(false);

  const loadSessionData = useCallback(async () => {
    const [m, d] = await Promise.all([
      get<Meta>('/api/meta').catch(() => null),
      get<Department[]>('/api/departments').catch(() => [] as Department[]),
    ]);
    setMeta(m);
    setDepartments(d);
  }, []);

  useEffect(() => {
    if (!getToken()) return;
    let cancelled = false;
    get<User>('/api/auth/me')
      .then(async (me) => {
        if (cancelled) return;
        setUser(me);
        await loadSessionData();
      })
      .catch(() => setToken(null))
      .finally(() => !cancelled && setChecking(false));
    return () => {
      cancelled = true;
    };
  }, [loadSessionData]);

  useEffect(
    () =>
      onUnauthorized(() => {
        setToken(null);
        setUser(null);
        setExpired(true);
      }),
    [],
  );

  const login = useCallback(
    async (username: string, password: string) => {
      const answer = await api<LoginResult>('POST', '/api/auth/login', { username, password } satisfies LoginRequest);
      setToken(answer.token);
      // The names of departments are there before the first page shows (no id in a heading),
      // and the app switches to its pages once, with everything it needs.
      await loadSessionData();
      setExpired(false);
      setUser(answer.user);
      return answer.user;
    },
    [loadSessionData],
  );

  const logout = useCallback(async () => {
    try {
      await api('POST', '/api/auth/logout');
    } catch {
      /* the token may already be gone */
    }
    setToken(null);
    setUser(null);
  }, []);

  const reloadDepartments = useCallback(() => {
    void get<Department[]>('/api/departments').then(setDepartments, () => undefined);
  }, []);

  const value = useMemo<Session>(
    () => ({
      user, meta, departments, checking, expired, login, logout, reloadDepartments,
      hasRole: (...roles) => !!user && user.roles.some((r) => roles.includes(r)),
      departmentName: (id, lang) => {
        if (!id) return '—';
        const found = departments.find((d) => d.id === id);
        return found ? (lang === 'ja' ? found.nameJa : found.nameEn) : id.slice(0, 8);
      },
    }),
    [user, meta, departments, checking, expired, login, logout, reloadDepartments],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const value = useContext(SessionContext);
  if (!value) throw new Error('useSession outside SessionProvider');
  return value;
}
