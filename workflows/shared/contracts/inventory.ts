/** What the incident flow learns about a host from the inventory (R-INV). */

export interface LookupAssetInput {
  hostname: string;
}

export interface AssetSummary {
  registered: boolean;
  assetId: string | null;
  kind: string | null;
  address: string | null;
  businessSystems: string[];
  departmentIds: string[];
  departmentNames: string[];
  vendorDesk: { name: string; email?: string | null; phone?: string | null } | null;
}

export interface DepartmentNamesInput {
  departmentIds: string[];
}
