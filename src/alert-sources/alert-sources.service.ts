import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { conflict, invalid, notFound, unauthenticated } from '../common/errors';
import { hashToken } from '../identity/auth.service';
import { AlertSource } from './alert-source.entity';

export const DEMO_ALERT_SOURCE_NAME = 'demo-monitoring';

export interface AlertSourceView {
  id: string;
  name: string;
  createdAt: string;
  createdBy: string;
  revokedAt: string | null;
  lastUsedAt: string | null;
}

const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Writing lastUsedAt on every alert would turn an alert storm into a write storm. */
const LAST_USED_RESOLUTION_MS = 60_000;

export function alertSourceView(source: AlertSource): AlertSourceView {
  return {
    id: source.id,
    name: source.name,
    createdAt: source.createdAt.toISOString(),
    createdBy: source.createdBy,
    revokedAt: source.revokedAt?.toISOString() ?? null,
    lastUsedAt: source.lastUsedAt?.toISOString() ?? null,
  };
}

/**
 * Monitoring systems that may post alerts, each with its own bearer token. Only the token's SHA-256
 * is stored; the plain token is returned once, by create(). Works on forks of the entity manager, so
 * it can be used outside an HTTP request (guards, activities, start-up).
 */
@Injectable()
export class AlertSourcesService {
  constructor(private readonly em: EntityManager) {}

  /** Registers a source and returns its token: shown this once, never stored in plain. */
  async create(name: string, by: string): Promise<{ source: AlertSource; token: string }> {
    const trimmed = typeof name === 'string' ? name.trim() : '';
    if (!trimmed || trimmed.length > 100) throw invalid('name', 'name must be 1 to 100 characters');
    const em = this.em.fork();
    if (await em.count(AlertSource, { name: trimmed })) throw this.duplicate(trimmed);
    const token = randomBytes(32).toString('base64url');
    const source = em.create(AlertSource, { name: trimmed, tokenHash: hashToken(token), createdAt: new Date(), createdBy: by });
    try {
      await em.persist(source).flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw this.duplicate(trimmed);
      throw error;
    }
    return { source, token };
  }

  list(): Promise<AlertSource[]> {
    return this.em.fork().find(AlertSource, {}, { orderBy: { name: 'asc' } });
  }

  /** Revokes the token at once; revoking twice keeps the first revocation time. */
  async revoke(id: string): Promise<AlertSource> {
    if (!UUID_PATTERN.test(id)) throw invalid('id', 'id must be an alert source id (uuid)');
    const em = this.em.fork();
    const source = await em.findOne(AlertSource, { id });
    if (!source) throw notFound(`Alert source ${id}`);
    source.revokedAt ??= new Date();
    await em.flush();
    return source;
  }

  /** The source that owns this token, if it is not revoked; records when it was last used. */
  async authenticate(token: string): Promise<AlertSource> {
    const refused = unauthenticated('The alert source token is invalid or revoked / 監視連携トークンが無効です');
    if (typeof token !== 'string' || token.length === 0 || token.length > 512) throw refused;
    const em = this.em.fork();
    const source = await em.findOne(AlertSource, { tokenHash: hashToken(token) });
    if (!source || source.revokedAt) throw refused;
    const now = new Date();
    if (!source.lastUsedAt || now.getTime() - source.lastUsedAt.getTime() >= LAST_USED_RESOLUTION_MS) {
      await em.nativeUpdate(AlertSource, { id: source.id }, { lastUsedAt: now });
      source.lastUsedAt = now;
    }
    return source;
  }

  /**
   * Embedded mode only: makes the demo token (DEMO_ALERT_TOKEN) usable by a source named
   * `demo-monitoring`. Nothing happens when some source already has the token's hash (even a
   * revoked one: a revocation survives restarts); when the demo source exists with another token
   * (DEMO_ALERT_TOKEN changed), it gets the new one. Returns whether it wrote anything.
   */
  async ensureDemoAlertSource(token: string): Promise<boolean> {
    const em = this.em.fork();
    const tokenHash = hashToken(token);
    if (await em.count(AlertSource, { tokenHash })) return false;
    const existing = await em.findOne(AlertSource, { name: DEMO_ALERT_SOURCE_NAME });
    if (existing) {
      existing.tokenHash = tokenHash;
      existing.revokedAt = null;
    } else {
      em.persist(em.create(AlertSource, { name: DEMO_ALERT_SOURCE_NAME, tokenHash, createdAt: new Date(), createdBy: 'system' }));
    }
    await em.flush();
    return true;
  }

  private duplicate(name: string) {
    return conflict(`An alert source named ${name} already exists / 監視連携元 ${name} は登録済みです`);
  }
}
