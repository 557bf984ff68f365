import { ApiProperty } from '@nestjs/swagger';
import { describes } from '../../openapi/describes';
import { ASSET_KINDS, SUB_PLATFORMS, type AssetKind, type SubPlatform } from '../asset.entity';
import type { DepartmentView } from '../departments.service';
import type { AssetView, Page } from '../inventory.service';

export class DepartmentViewDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ example: 'tax' }) readonly code: string;
  @ApiProperty({ example: '税務課' }) readonly nameJa: string;
  @ApiProperty({ example: 'Taxation Division' }) readonly nameEn: string;
  @ApiProperty() readonly email: string;
}
describes<DepartmentViewDto, DepartmentView>(true);

/** The maker's maintenance desk (メーカー保守窓口). */
export class VendorDeskViewDto {
  @ApiProperty() readonly name: string;
  @ApiProperty() readonly email: string;
  @ApiProperty({ type: String, nullable: true, required: false }) readonly phone?: string | null;
}

export class AssetViewDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ example: 'esx01' }) readonly hostname: string;
  @ApiProperty({ enum: ASSET_KINDS, enumName: 'AssetKind' }) readonly kind: AssetKind;
  @ApiProperty({ type: String, nullable: true }) readonly address: string | null;
  @ApiProperty({ enum: SUB_PLATFORMS, enumName: 'SubPlatform' }) readonly subPlatform: SubPlatform;
  @ApiProperty({ type: [String] }) readonly businessSystems: string[];
  @ApiProperty({ type: () => [DepartmentViewDto] }) readonly departments: DepartmentViewDto[];
  @ApiProperty({ type: () => VendorDeskViewDto, nullable: true }) readonly vendorDesk: VendorDeskViewDto | null;
  @ApiProperty({ description: 'never deleted by automated operations' }) readonly protected: boolean;
  @ApiProperty({ type: String, nullable: true }) readonly notes: string | null;
  @ApiProperty({ description: '廃止: kept for history, hidden from lists and pickers by default' }) readonly retired: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly retiredAt: string | null;
  @ApiProperty({ format: 'date-time' }) readonly createdAt: string;
  @ApiProperty({ format: 'date-time' }) readonly updatedAt: string;
}
describes<AssetViewDto, AssetView>(true);

export class AssetPageDto {
  @ApiProperty({ type: () => [AssetViewDto] }) readonly items: AssetViewDto[];
  @ApiProperty() readonly total: number;
  @ApiProperty() readonly limit: number;
  @ApiProperty() readonly offset: number;
}
describes<AssetPageDto, Page<AssetView>>(true);
