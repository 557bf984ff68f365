import { startTestSystem, type TestSystem } from '../support/test-system';

/** Security headers on every answer (the Swagger UI still works under the CSP), CORS closed unless configured. */
describe('HTTP security: headers, CSP, CORS', () => {
  let system: TestSystem;
  let withCors: TestSystem;

  beforeAll(async () => {
    system = await startTestSystem({ worker: false });
    withCors = await startTestSystem({ worker: false, env: { CORS_ORIGINS: 'https://desk.example.lg.jp, https://other.example.lg.jp/' } });
  });
  afterAll(async () => {
    await system?.close();
    await withCors?.close();
  });

  test('API answers carry the security headers and no X-Powered-By', async () => {
    for (const path of ['/api/auth/me', '/health/live', '/api/no-such-route']) {
      const response = await fetch(`${system.baseUrl}${path}`);
      const h = response.headers;
      expect(h.get('content-security-policy')).toContain("default-src 'self'");
      expect(h.get('content-security-policy')).toContain("frame-ancestors 'none'");
      expect(h.get('content-security-policy')).toContain("object-src 'none'");
      expect(h.get('x-content-type-options')).toBe('nosniff');
      expect(h.get('x-frame-options')).toBe('SAMEORIGIN');
      expect(h.get('strict-transport-security')).toMatch(/max-age=\d+/);
      expect(h.get('referrer-policy')).toBe('no-referrer');
      expect(h.get('cross-origin-opener-policy')).toBe('same-origin');
      expect(h.get('x-powered-by')).toBeNull();
      expect(h.get('x-request-id')).toBeTruthy();
    }
  });

  test('the Swagger UI at /api/docs loads under the CSP: its scripts and styles are files or allowed inline styles', async () => {
    const page = await fetch(`${system.baseUrl}/api/docs`);
    expect(page.status).toBe(200);
    const html = await page.text();
    const csp = page.headers.get('content-security-policy')!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self' 'unsafe-inline'");
    expect(csp).toContain("img-src 'self' data:");
    // No inline script (the CSP would block it): every <script> has a src on this origin.
    const scripts = [...html.matchAll(/<script([^>]*)>([\s\S]*?)<\/script>/g)];
    expect(scripts.length).toBeGreaterThan(0);
    for (const [, attributes, body] of scripts) {
      expect(attributes).toMatch(/src=["'](\.\/|\/)?[\w./-]+["']/);
      expect(body.trim()).toBe('');
    }
    for (const [, attributes] of scripts) {
      const src = /src=["']([^"']+)["']/.exec(attributes)![1];
      const asset = await fetch(new URL(src, `${system.baseUrl}/api/docs/`));
      expect({ src, status: asset.status }).toEqual({ src, status: 200 });
    }
    const doc = await fetch(`${system.baseUrl}/api/docs-json`);
    expect(doc.status).toBe(200);
    expect(((await doc.json()) as any).paths['/api/audit']).toBeDefined();
  });

  test('CORS is closed by default: no Access-Control-Allow-Origin for any origin, preflight included', async () => {
    const simple = await fetch(`${system.baseUrl}/api/auth/me`, { headers: { origin: 'https://evil.example' } });
    expect(simple.headers.get('access-control-allow-origin')).toBeNull();
    const preflight = await fetch(`${system.baseUrl}/api/users`, {
      method: 'OPTIONS', headers: { origin: 'https://evil.example', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.headers.get('access-control-allow-origin')).toBeNull();
    expect(preflight.headers.get('access-control-allow-methods')).toBeNull();
  });

  test('CORS_ORIGINS opens the API to exactly the origins it names', async () => {
    const allowed = await fetch(`${withCors.baseUrl}/api/auth/me`, { headers: { origin: 'https://desk.example.lg.jp' } });
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://desk.example.lg.jp');
    expect(allowed.headers.get('access-control-allow-credentials')).toBeNull();
    const other = await fetch(`${withCors.baseUrl}/api/auth/me`, { headers: { origin: 'https://other.example.lg.jp' } });
    expect(other.headers.get('access-control-allow-origin')).toBe('https://other.example.lg.jp');
    const preflight = await fetch(`${withCors.baseUrl}/api/users`, {
      method: 'OPTIONS', headers: { origin: 'https://desk.example.lg.jp', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type' },
    });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-methods')).toContain('POST');
    expect(preflight.headers.get('access-control-allow-headers')?.toLowerCase()).toContain('authorization');
    const evil = await fetch(`${withCors.baseUrl}/api/auth/me`, { headers: { origin: 'https://evil.example' } });
    expect(evil.headers.get('access-control-allow-origin')).toBeNull();
  });
});
