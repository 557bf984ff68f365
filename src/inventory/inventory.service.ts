import { raw, UniqueConstraintViolationException, type FilterQuery } from '@mikro-orm/core';
import { EntityManager } from '@mikro-orm/postgresql';
import { Injectable } from '@nestjs/common';
import { isIP } from 'node:net';
import { conflict, invalid, notFound, unprocessable } from '../common/errors';
import { Department } from '../identity/department.entity';
import { ASSET_KINDS, Asset, SUB_PLATFORMS, type AssetKind, type SubPlatform, type VendorDesk } from './asset.entity';
import { departmentView, type DepartmentView } from './departments.service';

export interface AssetInput {
  hostname: string;
  kind: AssetKind;
  address?: string | null;
  subPlatform: SubPlatform;
  businessSystems?: string[];
  departmentIds?: string[];
  vendorDesk?: VendorDesk | null;
  protected?: boolean;
  notes?: string | null;
}

export type AssetPatch = Partial<AssetInput> & { retired?: boolean };

export interface AssetFilter {
  /** Part of the hostname or of a business system's name, case-insensitive. */
  q?: string;
  kind?: AssetKind;
  subPlatform?: SubPlatform;
  departmentId?: string;
  /** Retired (廃止) items are left out unless this is true. */
  includeRetired?: boolean;
  limit?: number;
  offset?: number;
}

export interface AssetView {
  id: string;
  hostname: string;
  kind: AssetKind;
  address: string | null;
  subPlatform: SubPlatform;
  businessSystems: string[];
  departments: DepartmentView[];
  vendorDesk: VendorDesk | null;
  protected: boolean;
  notes: string | null;
  /** 廃止: kept for history, hidden from lists and pickers by default. */
  retired: boolean;
  retiredAt: string | null;
  createdAt: string;
  updatedAt: string;
}

export interface Page<T> {
  items: T[];
  total: number;
  limit: number;
  offset: number;
}

const DEFAULT_LIMIT = 50;
const MAX_LIMIT = 200;
const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const HOSTNAME_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;

/** The JSON shape of an asset (its departments must be populated). */
export function assetView(asset: Asset): AssetView {
  return {
    id: asset.id,
    hostname: asset.hostname,
    kind: asset.kind,
    address: asset.address ?? null,
    subPlatform: asset.subPlatform,
    businessSystems: [...asset.businessSystems],
    departments: asset.departments
      .getItems()
      .map(departmentView)
      .sort((a, b) => a.code.localeCompare(b.code)),
    vendorDesk: asset.vendorDesk ? { name: asset.vendorDesk.name, email: asset.vendorDesk.email, phone: asset.vendorDesk.phone ?? null } : null,
    protected: asset.protected,
    notes: asset.notes ?? null,
    retired: !!asset.retiredAt,
    retiredAt: asset.retiredAt?.toISOString() ?? null,
    createdAt: asset.createdAt.toISOString(),
    updatedAt: asset.updatedAt.toISOString(),
  };
}

/**
 * Reduces what a monitoring system calls a host to a bare lower-case name: trims, keeps only the
 * host of a URL, drops a trailing dot, a `:port` and the brackets of `[ipv6]:port`. A bare IPv6
 * address is kept whole.
 */
export function normalizeHostReference(value: string): string {
  let host = value.trim().toLowerCase();
  // blackbox-style targets: `https://user@portal.example.lg.jp:443/path` → `portal.example.lg.jp:443`
  const url = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?([^/?#]*)/.exec(host);
  if (url) host = url[1];
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(host);
  if (bracketed) return bracketed[1];
  if (host.split(':').length === 2) host = host.replace(/:\d*$/, '');
  return host.replace(/\.$/, '');
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (c) => `\\${c}`);
}

/**
 * The CMDB of the shared platform (R-SCOPE-1). Every method works on its own fork of the entity
 * manager, so Temporal activities may call it outside an HTTP request.
 */
@Injectable()
export class InventoryService {
  constructor(private readonly em: EntityManager) {}

  async create(input: AssetInput): Promise<Asset> {
    const em = this.em.fork();
    const hostname = this.checkHostname(input.hostname);
    this.checkEnums(input);
    if (await em.count(Asset, { hostname })) throw this.duplicate(hostname);
    const departments = await this.loadDepartments(em, input.departmentIds ?? []);
    const asset = em.create(Asset, {
      hostname,
      kind: input.kind,
      address: input.address ?? null,
      subPlatform: input.subPlatform,
      businessSystems: [...(input.businessSystems ?? [])],
      vendorDesk: input.vendorDesk ? { ...input.vendorDesk } : null,
      protected: input.protected ?? false,
      notes: input.notes ?? null,
      retiredAt: null,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    asset.departments.set(departments);
    await this.flush(em, hostname);
    return asset;
  }

  async list(filter: AssetFilter = {}): Promise<Page<Asset>> {
    const em = this.em.fork();
    const limit = Math.min(Math.max(filter.limit ?? DEFAULT_LIMIT, 1), MAX_LIMIT);
    const offset = Math.max(filter.offset ?? 0, 0);
    const where: FilterQuery<Asset> & Record<string, unknown> = {};
    if (filter.kind) where.kind = filter.kind;
    if (filter.subPlatform) where.subPlatform = filter.subPlatform;
    if (!filter.includeRetired) where.retiredAt = null;
    if (filter.departmentId) {
      if (!UUID_PATTERN.test(filter.departmentId)) throw invalid('departmentId', 'departmentId must be a department id (uuid)');
      where.departments = { id: filter.departmentId };
    }
    const q = filter.q?.trim();
    if (q) {
      const pattern = `%${escapeLike(q)}%`;
      where.$or = [
        { hostname: { $ilike: pattern } },
        { [raw((alias) => `array_to_string(${alias}.business_systems, chr(10))`)]: { $ilike: pattern } },
      ];
    }
    const [items, total] = await em.findAndCount(Asset, where, {
      populate: ['departments'],
      orderBy: { hostname: 'asc' },
      limit,
      offset,
    });
    return { items, total, limit, offset };
  }

  async get(id: string): Promise<Asset> {
    if (!UUID_PATTERN.test(id)) throw invalid('id', 'id must be an asset id (uuid)');
    const asset = await this.em.fork().findOne(Asset, { id }, { populate: ['departments'] });
    if (!asset) throw notFound(`Asset ${id}`);
    return asset;
  }

  async patch(id: string, patch: AssetPatch): Promise<Asset> {
    if (!UUID_PATTERN.test(id)) throw invalid('id', 'id must be an asset id (uuid)');
    const em = this.em.fork();
    const asset = await em.findOne(Asset, { id }, { populate: ['departments'] });
    if (!asset) throw notFound(`Asset ${id}`);
    this.checkEnums(patch);
    if (patch.hostname !== undefined) {
      const hostname = this.checkHostname(patch.hostname);
      if (hostname !== asset.hostname && (await em.count(Asset, { hostname }))) throw this.duplicate(hostname);
      asset.hostname = hostname;
    }
    if (patch.departmentIds !== undefined) asset.departments.set(await this.loadDepartments(em, patch.departmentIds));
    if (patch.kind !== undefined) asset.kind = patch.kind;
    if (patch.subPlatform !== undefined) asset.subPlatform = patch.subPlatform;
    if (patch.address !== undefined) asset.address = patch.address;
    if (patch.businessSystems !== undefined) asset.businessSystems = [...patch.businessSystems];
    if (patch.vendorDesk !== undefined) asset.vendorDesk = patch.vendorDesk ? { ...patch.vendorDesk } : null;
    if (patch.protected !== undefined) asset.protected = patch.protected;
    if (patch.notes !== undefined) asset.notes = patch.notes;
    // Retiring twice keeps the first date; putting back in service clears it.
    if (patch.retired === true && !asset.retiredAt) asset.retiredAt = new Date();
    if (patch.retired === false) asset.retiredAt = null;
    await this.flush(em, asset.hostname);
    return asset;
  }

  /**
   * The asset an alert's host refers to, with its departments populated, or null. Matching is
   * case-insensitive and tries, in order:
   * 1. the name itself, after dropping `:port`, `[` `]` around IPv6 and a trailing dot
   *    (`ESX01:9100` → `esx01`);
   * 2. the first label of a fully qualified name (`esx01.infra.example.lg.jp` → `esx01`);
   * 3. a registered FQDN whose first label is the given short name (`db01` → `db01.example.lg.jp`),
   *    only when exactly one asset has it;
   * 4. for an IP address, the asset registered with that address, only when exactly one has it.
   */
  async findByHostname(hostname: string): Promise<Asset | null> {
    if (typeof hostname !== 'string') return null;
    const name = normalizeHostReference(hostname);
    if (!name || name.length > 253) return null;
    const em = this.em.fork();
    const ip = isIP(name) !== 0;
    const firstLabel = !ip && name.includes('.') ? name.slice(0, name.indexOf('.')) : undefined;

    const candidates = firstLabel ? [name, firstLabel] : [name];
    const found = await em.find(Asset, { hostname: { $in: candidates } }, { populate: ['departments'] });
    const exact = found.find((a) => a.hostname === name) ?? found.find((a) => a.hostname === firstLabel);
    if (exact) return exact;

    if (!ip && !name.includes('.')) {
      const qualified = await em.find(Asset, { hostname: { $like: `${escapeLike(name)}.%` } }, { populate: ['departments'], limit: 2 });
      if (qualified.length === 1) return qualified[0];
    }
    if (ip) {
      const byAddress = await em.find(Asset, { address: { $ilike: escapeLike(name) } }, { populate: ['departments'], limit: 2 });
      if (byAddress.length === 1) return byAddress[0];
    }
    return null;
  }

  private checkHostname(value: unknown): string {
    const hostname = typeof value === 'string' ? value.trim().toLowerCase() : '';
    if (!HOSTNAME_PATTERN.test(hostname)) {
      throw invalid('hostname', 'hostname must be a host name of letters, digits, hyphens and dots (at most 253 characters)');
    }
    return hostname;
  }

  private checkEnums(input: Partial<Pick<AssetInput, 'kind' | 'subPlatform'>>): void {
    if (input.kind !== undefined && !(ASSET_KINDS as readonly string[]).includes(input.kind)) {
      throw invalid('kind', `kind must be one of ${ASSET_KINDS.join(', ')}`);
    }
    if (input.subPlatform !== undefined && !(SUB_PLATFORMS as readonly string[]).includes(input.subPlatform)) {
      throw invalid('subPlatform', `subPlatform must be one of ${SUB_PLATFORMS.join(', ')}`);
    }
  }

  private async loadDepartments(em: EntityManager, ids: string[]): Promise<Department[]> {
    const unique = [...new Set(ids)];
    if (unique.length === 0) return [];
    const malformed = unique.find((id) => !UUID_PATTERN.test(id));
    if (malformed !== undefined) throw invalid('departmentIds', 'departmentIds must be a list of department ids (uuid)');
    const departments = await em.find(Department, { id: { $in: unique } });
    const missing = unique.filter((id) => !departments.some((d) => d.id === id));
    if (missing.length) {
      throw unprocessable(`departmentIds: no department has the id ${missing.join(', ')} / 所管課が見つかりません`, 'departmentIds');
    }
    return departments;
  }

  private async flush(em: EntityManager, hostname: string): Promise<void> {
    try {
      await em.flush();
    } catch (error) {
      if (error instanceof UniqueConstraintViolationException) throw this.duplicate(hostname);
      throw error;
    }
  }

  private duplicate(hostname: string) {
    return conflict(`An asset with the hostname ${hostname} already exists / ホスト名 ${hostname} は登録済みです`);
  }
}
