import { Collection, Entity, Enum, ManyToMany, PrimaryKey, Property } from '@mikro-orm/core';
import { randomUUID } from 'node:crypto';
import { Department } from '../identity/department.entity';

/** What a configuration item is (R-SCOPE-1: the devices and VMs of the shared platform). */
export const ASSET_KINDS = ['hypervisor_host', 'switch', 'storage', 'firewall', 'vm', 'database_server', 'backup_server'] as const;
export type AssetKind = (typeof ASSET_KINDS)[number];

/** The sub-platform of 業務システム統合基盤 an asset belongs to. */
export const SUB_PLATFORMS = ['virtualization', 'database', 'backup'] as const;
export type SubPlatform = (typeof SUB_PLATFORMS)[number];

/** The maker's maintenance desk (メーカー保守窓口) that covers an asset. */
export interface VendorDesk {
  name: string;
  email: string;
  phone?: string | null;
}

/** A device or VM of the platform (CMDB entry); alerts name it by hostname. */
@Entity({ tableName: 'asset' })
export class Asset {
  @PrimaryKey({ type: 'uuid' })
  id: string = randomUUID();

  /** Stored lower-case, unique. */
  @Property({ type: 'text', unique: true })
  hostname!: string;

  @Enum({ type: 'text', items: [...ASSET_KINDS] })
  kind!: AssetKind;

  /** IP address or DNS name used to reach it. */
  @Property({ type: 'text', nullable: true })
  address?: string | null;

  @Enum({ type: 'text', items: [...SUB_PLATFORMS] })
  subPlatform!: SubPlatform;

  /** Names of the business systems (業務システム) it serves. */
  @Property({ type: 'text[]' })
  businessSystems: string[] = [];

  /** The departments (業務システム所管課) whose systems it serves. */
  @ManyToMany({ entity: () => Department, owner: true, pivotTable: 'asset_departments' })
  departments = new Collection<Department>(this);

  @Property({ type: 'json', nullable: true })
  vendorDesk?: VendorDesk | null;

  /** Never deleted by automated operations. */
  @Property({ type: 'boolean' })
  protected: boolean = false;

  @Property({ type: 'text', nullable: true })
  notes?: string | null;

  /** 廃止: when the item was retired. It stays for the history of its cases; lists and pickers hide it by default. */
  @Property({ type: 'timestamptz', nullable: true })
  retiredAt?: Date | null;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
