import { UniqueConstraintViolationException } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { noteAudit } from '../audit/request-context';
import { conflict, invalid, notFound, unprocessable } from '../common/errors';
import type { Actor } from '../identity/current-user';
import { Asset } from '../inventory/asset.entity';
import type { CreateThresholdDto, PatchThresholdDto } from './dto/threshold.dto';
import { MonitoringThreshold, MonitoringThresholdVersion } from './monitoring.entities';
import { MonitoringService } from './monitoring.service';
import { describeThreshold, KIND_SPECS, type RuleThreshold } from './threshold-rules';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface ThresholdView {
  id: string;
  kind: string;
  assetKind: string | null;
  assetId: string | null;
  hostname: string | null;
  value: number;
  forSeconds: number;
  severity: string;
  service: string | null;
  enabled: boolean;
  version: number;
  description: string;
  updatedAt: string;
  updatedBy: string;
}

function snapshot(t: MonitoringThreshold): Record<string, unknown> {
  return {
    kind: t.kind, assetKind: t.assetKind ?? null, assetId: t.assetId ?? null, value: t.value, forSeconds: t.forSeconds,
    severity: t.severity, service: t.service ?? null, enabled: t.enabled, version: t.version,
  };
}

/**
 * Thresholds as data: admins change them through the API; every change is a new version (kept),
 * in the audit log with before/after, and reaches Prometheus only when promtool accepts the
 * rendered rules: a refused change is a 422 and neither the database nor the running rules change.
 */
@Injectable()
export class ThresholdsService {
  constructor(
    private readonly em: EntityManager,
    private readonly monitoring: MonitoringService,
  ) {}

  async list(): Promise<ThresholdView[]> {
    const em = this.em.fork();
    const thresholds = await em.find(MonitoringThreshold, {}, { orderBy: { kind: 'asc', assetKind: 'asc', createdAt: 'asc' } });
    return this.views(em, thresholds);
  }

  async versions(id: string) {
    this.checkId(id);
    const rows = await this.em.fork().find(MonitoringThresholdVersion, { thresholdId: id }, { orderBy: { version: 'asc' } });
    if (rows.length === 0) throw notFound(`Threshold ${id}`);
    return rows.map((r) => ({ version: r.version, change: r.change, snapshot: r.snapshot, at: r.at.toISOString(), by: r.by }));
  }

  async create(actor: Actor, body: CreateThresholdDto): Promise<ThresholdView> {
    const hasClass = body.assetKind !== undefined && body.assetKind !== null;
    const hasDevice = body.assetId !== undefined && body.assetId !== null;
    if (hasClass === hasDevice) throw invalid(hasClass ? 'assetId' : 'assetKind', 'give exactly one of assetKind (a device class) and assetId (a device override)');
    return this.change(actor, async (em) => {
      if (hasDevice) {
        const asset = await em.findOne(Asset, { id: body.assetId });
        if (!asset) throw unprocessable(`assetId: no asset has the id ${body.assetId} / 機器が見つかりません`, 'assetId');
      }
      const threshold = em.create(MonitoringThreshold, {
        kind: body.kind, assetKind: body.assetKind ?? null, assetId: body.assetId ?? null, value: body.value,
        forSeconds: body.forSeconds ?? 60, severity: body.severity, service: body.service ?? null, enabled: body.enabled ?? true,
        version: 1, createdAt: new Date(), updatedAt: new Date(), updatedBy: actor.username,
      });
      this.checkNumbers(threshold);
      em.persist(threshold);
      return { threshold, before: null, change: 'created' };
    });
  }

  async patch(actor: Actor, id: string, body: PatchThresholdDto): Promise<ThresholdView> {
    this.checkId(id);
    return this.change(actor, async (em) => {
      const threshold = await em.findOne(MonitoringThreshold, { id });
      if (!threshold) throw notFound(`Threshold ${id}`);
      const before = snapshot(threshold);
      if (body.value !== undefined) threshold.value = body.value;
      if (body.forSeconds !== undefined) threshold.forSeconds = body.forSeconds;
      if (body.severity !== undefined) threshold.severity = body.severity;
      if (body.service !== undefined) threshold.service = body.service;
      if (body.enabled !== undefined) threshold.enabled = body.enabled;
      this.checkNumbers(threshold);
      threshold.version += 1;
      threshold.updatedAt = new Date();
      threshold.updatedBy = actor.username;
      return { threshold, before, change: 'updated' };
    });
  }

  async remove(actor: Actor, id: string): Promise<void> {
    this.checkId(id);
    await this.change(actor, async (em) => {
      const threshold = await em.findOne(MonitoringThreshold, { id });
      if (!threshold) throw notFound(`Threshold ${id}`);
      const before = snapshot(threshold);
      em.remove(threshold);
      return { threshold, before, change: 'deleted' };
    });
  }

  /**
   * One change: written in a transaction that commits only after the rendered rules passed
   * promtool and are in place (advisory lock: one change at a time across API processes).
   */
  private async change(
    actor: Actor,
    mutate: (em: EntityManager) => Promise<{ threshold: MonitoringThreshold; before: Record<string, unknown> | null; change: string }>,
  ): Promise<ThresholdView> {
    let view: ThresholdView | undefined;
    try {
      await this.monitoring.exclusive(() => this.em.fork().transactional(async (em) => {
        await em.getConnection().execute(`select pg_advisory_xact_lock(hashtext('opsdesk.monitoring_threshold'))`, [], 'all', em.getTransactionContext());
        const { threshold, before, change } = await mutate(em);
        await em.flush();
        const after = change === 'deleted' ? null : snapshot(threshold);
        em.persist(em.create(MonitoringThresholdVersion, {
          thresholdId: threshold.id, version: change === 'deleted' ? threshold.version + 1 : threshold.version, change,
          snapshot: after ?? { ...before, deleted: true }, at: new Date(), by: actor.username,
        }));
        await em.flush();
        const thresholds = await this.monitoring.ruleThresholds(em);
        const applied = await this.monitoring.applyRules({ thresholds });
        if (!applied.ok) throw unprocessable(`Prometheus would refuse this threshold (promtool: ${applied.message}); nothing was changed / この閾値は監視に反映できません`, 'value');
        noteAudit({ target: `monitoring_threshold:${threshold.id}`, change: { before, after, kind: threshold.kind, reload: applied.message } });
        if (change !== 'deleted') [view] = await this.views(em, [threshold]);
      }));
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) {
        throw conflict('A threshold of this kind already exists for this class or device: change that one / 同じ種類の閾値が登録済みです');
      }
      throw error;
    }
    return view as ThresholdView;
  }

  /** The numbers must make sense for the kind: 422 naming the field. */
  private checkNumbers(t: MonitoringThreshold): void {
    const spec = KIND_SPECS[t.kind];
    if (spec.needsService) {
      if (!t.service) throw unprocessable(`service: ${t.kind} needs the service (systemd unit) to watch`, 'service');
    } else if (t.service) {
      throw unprocessable(`service: only service_down watches a service`, 'service');
    }
    if (!spec.needsService && (t.value < spec.min || t.value > spec.max)) {
      throw unprocessable(`value: ${t.kind} takes ${spec.min} to ${spec.max} ${spec.unitJa}, got ${t.value}`, 'value');
    }
    if (spec.valueIsDuration && !Number.isInteger(t.value)) throw unprocessable(`value: ${t.kind} takes whole seconds, got ${t.value}`, 'value');
    if (spec.whole && !Number.isInteger(t.value)) throw unprocessable(`value: ${t.kind} takes a whole number (1: yellow and red alarms, 2: red only), got ${t.value}`, 'value');
  }

  private checkId(id: string): void {
    if (!UUID.test(id)) throw invalid('id', 'id must be a threshold id (uuid)');
  }

  private async views(em: EntityManager, thresholds: MonitoringThreshold[]): Promise<ThresholdView[]> {
    const ids = [...new Set(thresholds.map((t) => t.assetId).filter((id): id is string => !!id))];
    const assets = ids.length ? await em.find(Asset, { id: { $in: ids } }) : [];
    const host = new Map(assets.map((a) => [a.id, a.hostname]));
    return thresholds.map((t) => ({
      id: t.id, kind: t.kind, assetKind: t.assetKind ?? null, assetId: t.assetId ?? null, hostname: t.assetId ? host.get(t.assetId) ?? null : null,
      value: t.value, forSeconds: t.forSeconds, severity: t.severity, service: t.service ?? null, enabled: t.enabled, version: t.version,
      description: describeThreshold(t as unknown as RuleThreshold), updatedAt: t.updatedAt.toISOString(), updatedBy: t.updatedBy,
    }));
  }
}

