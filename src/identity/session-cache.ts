import type { Actor } from './current-user';

/** Channel the auth tables announce their changes on (migration auth_changes_notify). */
export const AUTH_CHANGED_CHANNEL = 'opsdesk_auth';

export interface SessionCacheOptions {
  /** How long a verified token is trusted without asking PostgreSQL again, at most. */
  maxAgeMs: number;
  /** Sessions kept; past this the oldest are forgotten first. */
  capacity: number;
  /** Whether changes to the auth tables are being announced to this process right now. */
  told: () => boolean;
  now?: () => number;
}

type Entry = { actor: Actor; until: number };

/**
 * Who a bearer token belongs to, remembered between requests so that a request does not spend a
 * statement on it (issue 20: a third of a small request's database work). It is only ever trusted
 * while PostgreSQL tells this process about every change to tokens, users and departments: any
 * such change forgets every session (they are rare: logout, revocation, an admin's edit), and so
 * does losing that connection, after which each request asks PostgreSQL again until it is back.
 *
 * A lookup that started before a change must not store what it read, or a revoked token could be
 * remembered after the news of its revocation: each lookup carries the generation it started in,
 * and a change starts a new one.
 */
export class SessionCache {
  private readonly sessions = new Map<string, Entry>();
  private generation = 0;
  private readonly now: () => number;

  constructor(private readonly options: SessionCacheOptions) {
    this.now = options.now ?? Date.now;
  }

  /** The remembered actor of a token hash, if it may still be trusted. */
  get(tokenHash: string): Actor | undefined {
    if (!this.options.told()) return undefined;
    const entry = this.sessions.get(tokenHash);
    if (!entry) return undefined;
    if (entry.until <= this.now()) {
      this.sessions.delete(tokenHash);
      return undefined;
    }
    return entry.actor;
  }

  /** Call before reading a token from PostgreSQL; hand the result to `remember`. */
  begin(): number {
    return this.generation;
  }

  /** Keeps a verified token until it expires or `maxAgeMs` passes, unless something changed since `begin`. */
  remember(startedIn: number, tokenHash: string, actor: Actor, expiresAt: Date): void {
    if (startedIn !== this.generation || !this.options.told()) return;
    const until = Math.min(expiresAt.getTime(), this.now() + this.options.maxAgeMs);
    if (until <= this.now()) return;
    this.sessions.delete(tokenHash);
    this.sessions.set(tokenHash, { actor, until });
    while (this.sessions.size > this.options.capacity) this.sessions.delete(this.sessions.keys().next().value!);
  }

  /** A token, user or department changed (here or elsewhere), or the news of changes was lost. */
  forgetAll(): void {
    this.generation++;
    this.sessions.clear();
  }

  get size(): number {
    return this.sessions.size;
  }
}
