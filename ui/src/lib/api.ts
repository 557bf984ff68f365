/**
 * The API client: same origin, bearer token in sessionStorage (no cookies, so no CSRF surface; the
 * token goes when the tab closes). Every error becomes an ApiError with the API's
 * `{ statusCode, error, message, field? }`.
 */
const TOKEN_KEY = 'opsdesk.token';

export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function getToken(): string | null {
  try {
    return sessionStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function setToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

type Listener = () => void;
const unauthorizedListeners = new Set<Listener>();
/** Called when the API answers 401 to a signed-in request (token expired or revoked). */
export function onUnauthorized(listener: Listener): () => void {
  unauthorizedListeners.add(listener);
  return () => unauthorizedListeners.delete(listener);
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    params.set(key, String(value));
  }
  const text = params.toString();
  return text ? `${path}?${text}` : path;
}

export async function api<T = unknown>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response: Response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
  } catch {
    throw new ApiError(0, 'The server could not be reached / サーバーに接続できません');
  }
  const text = await response.text();
  let parsed: unknown = undefined;
  if (text) {
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
  }
  if (!response.ok) {
    const errorBody = (parsed ?? {}) as { message?: unknown; field?: unknown };
    if (response.status === 401 && token) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(
      response.status,
      typeof errorBody.message === 'string' ? errorBody.message : `${response.status} ${response.statusText}`,
      typeof errorBody.field === 'string' ? errorBody.field : undefined,
    );
  }
  return parsed as T;
}

export const get = <T>(path: string, query?: Query) => api<T>('GET', withQuery(path, query));
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});

/**
 * A file from the API (raw history JSON, audit CSV): fetched with the bearer token (it is not a
 * cookie, so a plain link would not be signed in) and handed back as a Blob with the server's
 * file name from Content-Disposition.
 */
export async function fetchFile(path: string, query?: Query): Promise<{ blob: Blob; filename: string | null }> {
  const headers: Record<string, string> = {};
  const token = getToken();
  if (token) headers.authorization = `Bearer ${token}`;
  let response: Response;
  try {
    response = await fetch(withQuery(path, query), { headers });
  } catch {
    throw new ApiError(0, 'The server could not be reached / サーバーに接続できません');
  }
  if (!response.ok) {
    let message = `${response.status} ${response.statusText}`;
    try {
      const body = JSON.parse(await response.text()) as { message?: unknown };
      if (typeof body.message === 'string') message = body.message;
    } catch {
      /* not JSON */
    }
    if (response.status === 401 && token) unauthorizedListeners.forEach((l) => l());
    throw new ApiError(response.status, message);
  }
  const disposition = response.headers.get('content-disposition') ?? '';
  const m = /filename\*=UTF-8''([^;]+)|filename="?([^";]+)"?/i.exec(disposition);
  const filename = m ? (m[1] ? decodeURIComponent(m[1]) : m[2]) : null;
  return { blob: await response.blob(), filename };
}
