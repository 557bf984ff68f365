import type { EntityManager } from '@mikro-orm/postgresql';
import { Department } from '../identity/department.entity';
import { Asset, type AssetKind, type SubPlatform, type VendorDesk } from './asset.entity';

const VIRTUALIZATION_HW_DESK: VendorDesk = { name: '仮想化基盤 ハードウェア保守窓口', email: 'hw-support@virt-vendor.example.jp', phone: '0120-000-111' };
const VIRTUALIZATION_SW_DESK: VendorDesk = { name: '仮想化基盤 ソフトウェア保守窓口', email: 'sw-support@virt-vendor.example.jp', phone: '0120-000-112' };
const NETWORK_DESK: VendorDesk = { name: 'ネットワーク機器 保守窓口', email: 'network-support@net-vendor.example.jp', phone: '03-0000-2222' };
const STORAGE_DESK: VendorDesk = { name: 'ストレージ 保守窓口', email: 'storage-support@storage-vendor.example.jp', phone: '0120-000-333' };
const DATABASE_DESK: VendorDesk = { name: 'データベース基盤 保守窓口', email: 'db-support@db-vendor.example.jp', phone: '0120-000-444' };
const BACKUP_DESK: VendorDesk = { name: 'バックアップ基盤 保守窓口', email: 'backup-support@backup-vendor.example.jp', phone: '0120-000-555' };

const TAX_SYSTEM = '税務システム';
const RESIDENT_SYSTEM = '住民記録システム';

interface DemoAsset {
  hostname: string;
  kind: AssetKind;
  subPlatform: SubPlatform;
  address: string;
  businessSystems: string[];
  departments: string[]; // department codes
  vendorDesk: VendorDesk | null;
  protected: boolean;
  notes: string;
}

export const DEMO_ASSETS: readonly DemoAsset[] = [
  {
    hostname: 'esx01', kind: 'hypervisor_host', subPlatform: 'virtualization', address: '10.10.1.11',
    businessSystems: [TAX_SYSTEM, RESIDENT_SYSTEM], departments: ['tax', 'citizen'], vendorDesk: VIRTUALIZATION_HW_DESK,
    protected: true, notes: '仮想化基盤 ハイパーバイザ 1号機(ラック A-01)',
  },
  {
    hostname: 'esx02', kind: 'hypervisor_host', subPlatform: 'virtualization', address: '10.10.1.12',
    businessSystems: [TAX_SYSTEM, RESIDENT_SYSTEM], departments: ['tax', 'citizen'], vendorDesk: VIRTUALIZATION_HW_DESK,
    protected: true, notes: '仮想化基盤 ハイパーバイザ 2号機(ラック A-02)',
  },
  {
    hostname: 'sw-core01', kind: 'switch', subPlatform: 'virtualization', address: '10.10.0.2',
    businessSystems: [TAX_SYSTEM, RESIDENT_SYSTEM], departments: ['tax', 'citizen'], vendorDesk: NETWORK_DESK,
    protected: true, notes: '基盤内コアスイッチ',
  },
  {
    hostname: 'fw01', kind: 'firewall', subPlatform: 'virtualization', address: '10.10.0.1',
    businessSystems: [TAX_SYSTEM, RESIDENT_SYSTEM], departments: ['tax', 'citizen'], vendorDesk: NETWORK_DESK,
    protected: true, notes: '基盤境界ファイアウォール',
  },
  {
    hostname: 'stor01', kind: 'storage', subPlatform: 'virtualization', address: '10.10.1.21',
    businessSystems: [TAX_SYSTEM, RESIDENT_SYSTEM], departments: ['tax', 'citizen'], vendorDesk: STORAGE_DESK,
    protected: true, notes: '仮想化基盤 共有ストレージ',
  },
  {
    hostname: 'db01', kind: 'database_server', subPlatform: 'database', address: '10.10.2.11',
    businessSystems: [TAX_SYSTEM, RESIDENT_SYSTEM], departments: ['tax', 'citizen'], vendorDesk: DATABASE_DESK,
    protected: true, notes: 'データベース基盤 サーバ',
  },
  {
    hostname: 'bk01', kind: 'backup_server', subPlatform: 'backup', address: '10.10.3.11',
    businessSystems: [TAX_SYSTEM, RESIDENT_SYSTEM], departments: ['tax', 'citizen'], vendorDesk: BACKUP_DESK,
    protected: true, notes: 'バックアップ基盤 サーバ(日次バックアップ 01:00)',
  },
  {
    hostname: 'vm-zeimu01', kind: 'vm', subPlatform: 'virtualization', address: '10.20.1.21',
    businessSystems: [TAX_SYSTEM], departments: ['tax'], vendorDesk: VIRTUALIZATION_SW_DESK,
    protected: false, notes: '税務システム AP サーバ',
  },
  {
    hostname: 'db-zeimu', kind: 'vm', subPlatform: 'database', address: '10.20.2.21',
    businessSystems: [TAX_SYSTEM], departments: ['tax'], vendorDesk: DATABASE_DESK,
    protected: true, notes: '税務システム データベース',
  },
  {
    hostname: 'vm-shimin01', kind: 'vm', subPlatform: 'virtualization', address: '10.20.1.31',
    businessSystems: [RESIDENT_SYSTEM], departments: ['citizen'], vendorDesk: VIRTUALIZATION_SW_DESK,
    protected: false, notes: '住民記録システム AP サーバ',
  },
];

/**
 * Creates the demo assets that do not exist yet (by hostname); existing ones are left alone, so
 * edits survive restarts. Links them to the demo departments that exist (ensureDemoAccounts runs
 * first). Only ever called in embedded mode. Returns the hostnames it created.
 */
export async function ensureDemoInventory(em: EntityManager): Promise<string[]> {
  const created: string[] = [];
  const codes = [...new Set(DEMO_ASSETS.flatMap((a) => a.departments))];
  const departments = new Map((await em.find(Department, { code: { $in: codes } })).map((d) => [d.code, d]));
  const existing = new Set((await em.find(Asset, { hostname: { $in: DEMO_ASSETS.map((a) => a.hostname) } })).map((a) => a.hostname));
  for (const spec of DEMO_ASSETS) {
    if (existing.has(spec.hostname)) continue;
    const asset = em.create(Asset, {
      hostname: spec.hostname,
      kind: spec.kind,
      subPlatform: spec.subPlatform,
      address: spec.address,
      businessSystems: [...spec.businessSystems],
      vendorDesk: spec.vendorDesk ? { ...spec.vendorDesk } : null,
      protected: spec.protected,
      notes: spec.notes,
      createdAt: new Date(),
      updatedAt: new Date(),
    });
    asset.departments.set(spec.departments.flatMap((code) => departments.get(code) ?? []));
    em.persist(asset);
    created.push(spec.hostname);
  }
  await em.flush();
  return created;
}
