import { UniqueConstraintViolationException } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { createHash, randomUUID } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import type { DatabasePlatformPort } from '../providers/database-platform.port';
import type { HypervisorPort } from '../providers/hypervisor.port';
import { ProviderError, type Progress } from '../providers/provider-error';
import type { OperationsConfig } from './operations-config';
import type { BackupReason, BackupSummary, BackupTargetKind, PruneSummary } from '../../workflows/shared/contracts';
import { BackupRecord } from './operation.entities';

export interface BackupRequest {
  targetKind: BackupTargetKind;
  targetName: string;
  /** Idempotency key: one backup per key. */
  key: string;
  reason: BackupReason;
  retentionDays: number;
  requestedBy: string;
  caseNumber?: string | null;
}

export interface Work {
  progress?: (progress: Progress) => void;
  signal?: AbortSignal;
}

const DAY_MS = 86_400_000;

export function backupSummary(r: BackupRecord): BackupSummary {
  return {
    backupId: r.id, targetKind: r.targetKind, targetName: r.targetName, reason: r.reason, status: r.status, file: r.file, sizeBytes: r.sizeBytes ?? null,
    sha256: r.sha256 ?? null, startedAt: r.startedAt.toISOString(), finishedAt: r.finishedAt?.toISOString() ?? null, expiresAt: r.expiresAt?.toISOString() ?? null,
    retentionDays: r.retentionDays, requestedBy: r.requestedBy,
  };
}

/**
 * The backup store and its catalog (R-OP-8): database backups with pg_dump -Fc, VM backups as
 * hypervisor exports, each file with its sha256 and what it holds (a data fingerprint or an export
 * manifest), so that a restore can be checked against it (R-OP-9).
 */
export class BackupService {
  constructor(
    private readonly em: EntityManager,
    private readonly hypervisor: HypervisorPort,
    private readonly platform: DatabasePlatformPort,
    private readonly config: OperationsConfig['backup'],
  ) {}

  async backup(request: BackupRequest, work: Work = {}): Promise<BackupSummary> {
    const em = this.em.fork();
    let record = await em.findOne(BackupRecord, { key: request.key });
    if (record?.status === 'succeeded') return backupSummary(record);
    if (!record) {
      const id = randomUUID();
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
      const extension = request.targetKind === 'database' ? 'dump' : 'vmexport.json';
      record = em.create(BackupRecord, {
        id, key: request.key, targetKind: request.targetKind, targetName: request.targetName, reason: request.reason, status: 'running',
        file: `${request.targetKind}/${request.targetName}/${stamp}-${id.slice(0, 8)}.${extension}`, retentionDays: request.retentionDays,
        requestedBy: request.requestedBy, caseNumber: request.caseNumber ?? null, startedAt: new Date(),
      });
      try {
        await em.persistAndFlush(record);
      } catch (error) {
        if (!(error instanceof UniqueConstraintViolationException)) throw error;
        return this.backup(request, work);
      }
    }
    record.status = 'running';
    record.error = null;
    await em.flush();
    const file = this.path(record.file);
    try {
      let contents: Record<string, unknown>;
      if (request.targetKind === 'database') {
        const dumped = await this.platform.dump(request.targetName, file, { key: request.key, ...work });
        contents = { fingerprint: dumped.fingerprint };
      } else {
        const exported = await this.hypervisor.exportVm(request.targetName, file, { key: `${request.key}:export`, ...work });
        contents = { manifest: exported.manifest };
      }
      work.progress?.({ step: 'checksum' });
      const [sha256, size] = await Promise.all([sha256File(file), stat(file).then((s) => s.size)]);
      const finishedAt = new Date();
      Object.assign(record, { status: 'succeeded', sha256, sizeBytes: size, contents, finishedAt, expiresAt: new Date(finishedAt.getTime() + request.retentionDays * DAY_MS) });
      await em.flush();
      return backupSummary(record);
    } catch (error) {
      Object.assign(record, { status: 'failed', error: error instanceof Error ? error.message : String(error), finishedAt: new Date() });
      await em.flush();
      throw error;
    }
  }

  /** Removes what retention allows: expired backups of the target, never its newest good one. */
  async prune(targetKind: BackupTargetKind, targetName: string, now: Date = new Date()): Promise<PruneSummary> {
    const em = this.em.fork();
    const good = await em.find(BackupRecord, { targetKind, targetName, status: 'succeeded' }, { orderBy: { finishedAt: 'desc' } });
    const expired = good.slice(1).filter((r) => r.expiresAt && r.expiresAt.getTime() <= now.getTime());
    for (const record of expired) {
      await rm(this.path(record.file), { force: true });
      record.status = 'pruned';
      record.prunedAt = now;
    }
    await em.flush();
    return { pruned: expired.map((r) => r.id), kept: good.length - expired.length };
  }

  /** The backup to restore from: the given one, or the target's newest good one. */
  async pick(targetKind: BackupTargetKind, targetName: string, backupId?: string | null): Promise<BackupRecord> {
    const em = this.em.fork();
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    const record = backupId
      ? uuid.test(backupId) ? await em.findOne(BackupRecord, { id: backupId }) : null
      : await em.findOne(BackupRecord, { targetKind, targetName, status: 'succeeded' }, { orderBy: { finishedAt: 'desc' } });
    if (!record) {
      throw new ProviderError('not_found', `バックアップ ${backupId ?? `（${targetName} の最新）`} がありません / no backup ${backupId ?? `of ${targetName}`}`);
    }
    if (record.targetKind !== targetKind || record.targetName !== targetName) {
      throw new ProviderError('invalid', `バックアップ ${record.id} は ${record.targetKind} ${record.targetName} のものです / backup ${record.id} is of ${record.targetKind} ${record.targetName}`);
    }
    if (record.status !== 'succeeded') throw new ProviderError('invalid', `バックアップ ${record.id} は利用できません（${record.status}） / backup ${record.id} is ${record.status}`);
    return record;
  }

  /** The file is there and unchanged since it was written (sha256 against the catalog). */
  async verifyFile(record: BackupRecord): Promise<string> {
    const file = this.path(record.file);
    let actual: string;
    try {
      actual = await sha256File(file);
    } catch (error) {
      throw new ProviderError('not_found', `バックアップファイルがありません / the backup file is missing: ${error instanceof Error ? error.message : String(error)}`);
    }
    if (actual !== record.sha256) {
      throw new ProviderError('fault', `バックアップ ${record.id} のチェックサムが一致しません（破損） / backup ${record.id} fails its checksum: ${actual} ≠ ${record.sha256}`);
    }
    return file;
  }

  async list(filter: { targetKind?: BackupTargetKind; targetName?: string; limit?: number }): Promise<BackupSummary[]> {
    const where: Record<string, unknown> = {};
    if (filter.targetKind) where.targetKind = filter.targetKind;
    if (filter.targetName) where.targetName = filter.targetName;
    const rows = await this.em.fork().find(BackupRecord, where, { orderBy: { startedAt: 'desc' }, limit: Math.min(filter.limit ?? 100, 500) });
    return rows.map(backupSummary);
  }

  /** A catalog path inside the store (never outside it). */
  path(relative: string): string {
    const root = resolve(this.config.dir);
    const full = resolve(join(root, relative));
    if (!full.startsWith(root + sep)) throw new ProviderError('invalid', `backup path ${relative} is outside the store`);
    return full;
  }
}

export function sha256File(file: string): Promise<string> {
  return new Promise((resolvePromise, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolvePromise(hash.digest('hex')));
  });
}
