import type { EntityManager } from '@mikro-orm/postgresql';
import { Department } from '../src/identity/department.entity';
import type { InventoryService } from '../src/inventory/inventory.service';
import type { AssetSummary, DepartmentNamesInput, InventoryActivities, LookupAssetInput } from '../workflows/shared/contracts';

/** What the incident flow needs to know about a host: who is affected, who repairs it. */
export function createInventoryActivities(deps: { inventory: InventoryService; em: EntityManager }): InventoryActivities {
  return {
    async lookupAsset(input: LookupAssetInput): Promise<AssetSummary> {
      const asset = await deps.inventory.findByHostname(input.hostname);
      if (!asset) {
        return { registered: false, assetId: null, kind: null, address: null, businessSystems: [], departmentIds: [], departmentNames: [], vendorDesk: null };
      }
      const departments = asset.departments.getItems();
      return {
        registered: true,
        assetId: asset.id,
        kind: asset.kind,
        address: asset.address ?? null,
        businessSystems: [...asset.businessSystems],
        departmentIds: departments.map((d) => d.id),
        departmentNames: departments.map((d) => d.nameJa),
        vendorDesk: asset.vendorDesk ? { name: asset.vendorDesk.name, email: asset.vendorDesk.email ?? null, phone: asset.vendorDesk.phone ?? null } : null,
      };
    },

    async departmentNames(input: DepartmentNamesInput): Promise<string[]> {
      const ids = input.departmentIds.filter((id) => /^[0-9a-f-]{36}$/i.test(id));
      if (ids.length === 0) return [];
      const departments = await deps.em.fork().find(Department, { id: { $in: ids } });
      const byId = new Map(departments.map((d) => [d.id, d.nameJa]));
      return ids.map((id) => byId.get(id) ?? id);
    },
  };
}
