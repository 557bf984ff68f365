import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AUDIT_ACTION_LABELS } from '../../workflows/shared/audit-actions';
import { ROUTE_POLICY } from '../../src/identity/access-policy';

/** Issue 22: the auditor reads every action of the audit log in Japanese (and English), never a code. */
describe('audit log action labels', () => {
  test('every action a route records has a Japanese and an English label', () => {
    const missing = [...new Set(Object.values(ROUTE_POLICY).map((p) => p.action))].filter((a) => !AUDIT_ACTION_LABELS[a]?.ja || !AUDIT_ACTION_LABELS[a]?.en);
    expect(missing).toEqual([]);
  });

  test('every action the modules record themselves has a label too', () => {
    const written = new Set<string>();
    const walk = (dir: string) => {
      for (const entry of readdirSync(dir)) {
        const path = join(dir, entry);
        if (statSync(path).isDirectory()) walk(path);
        else if (path.endsWith('.ts')) {
          const text = readFileSync(path, 'utf8');
          for (const m of text.matchAll(/(?:action: |audited\(context, )'([a-z_]+(?:\.[a-z_]+)+)'/g)) written.add(m[1]);
        }
      }
    };
    walk(join(__dirname, '..', '..', 'src'));
    expect(written.size).toBeGreaterThan(20);
    expect([...written].filter((a) => !AUDIT_ACTION_LABELS[a])).toEqual([]);
  });
});
