import type { Actor } from '../../src/identity/current-user';
import { SessionCache } from '../../src/identity/session-cache';

/** The remembered sessions of the API (issue 20): never trusted past what PostgreSQL has told. */
describe('session cache', () => {
  const actor = (username: string): Actor => ({ userId: username, username, displayName: username, email: `${username}@example.lg.jp`, roles: ['operator'], departmentId: null, departmentCode: null });
  let now: number;
  let told: boolean;
  const cache = (capacity = 10) => new SessionCache({ maxAgeMs: 60_000, capacity, told: () => told, now: () => now });
  const inAnHour = () => new Date(now + 3_600_000);

  beforeEach(() => {
    now = Date.parse('2026-12-08T03:00:00Z');
    told = true;
  });

  test('remembers a verified token until it expires or a minute passes, whichever comes first', () => {
    const sessions = cache();
    sessions.remember(sessions.begin(), 'a', actor('op1'), inAnHour());
    sessions.remember(sessions.begin(), 'b', actor('op2'), new Date(now + 10_000));
    expect(sessions.get('a')?.username).toBe('op1');
    now += 10_000;
    expect(sessions.get('b')).toBeUndefined();
    expect(sessions.get('a')?.username).toBe('op1');
    now += 50_000;
    expect(sessions.get('a')).toBeUndefined();
  });

  test('a lookup that began before a change does not store what it read', () => {
    const sessions = cache();
    const before = sessions.begin();
    sessions.forgetAll();
    sessions.remember(before, 'a', actor('op1'), inAnHour());
    expect(sessions.get('a')).toBeUndefined();
    sessions.remember(sessions.begin(), 'a', actor('op1'), inAnHour());
    expect(sessions.get('a')?.username).toBe('op1');
  });

  test('while changes are not being announced, nothing is trusted or stored', () => {
    const sessions = cache();
    sessions.remember(sessions.begin(), 'a', actor('op1'), inAnHour());
    told = false;
    expect(sessions.get('a')).toBeUndefined();
    sessions.remember(sessions.begin(), 'b', actor('op2'), inAnHour());
    told = true;
    expect(sessions.get('b')).toBeUndefined();
  });

  test('any change forgets every session', () => {
    const sessions = cache();
    for (const name of ['a', 'b', 'c']) sessions.remember(sessions.begin(), name, actor(name), inAnHour());
    sessions.forgetAll();
    expect(sessions.size).toBe(0);
  });

  test('past its capacity the sessions remembered longest ago are forgotten first', () => {
    const sessions = cache(2);
    sessions.remember(sessions.begin(), 'a', actor('a'), inAnHour());
    sessions.remember(sessions.begin(), 'b', actor('b'), inAnHour());
    sessions.remember(sessions.begin(), 'c', actor('c'), inAnHour());
    expect([sessions.get('a'), sessions.get('b')?.username, sessions.get('c')?.username]).toEqual([undefined, 'b', 'c']);
  });
});
