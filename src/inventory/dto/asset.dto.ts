import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayUnique,
  IsArray,
  IsBoolean,
  IsEmail,
  IsIn,
  IsInt,
  IsObject,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { ASSET_KINDS, SUB_PLATFORMS, type AssetKind, type SubPlatform } from '../asset.entity';

/** RFC 1123 host name: dot-separated labels of letters, digits and inner hyphens. */
export const HOSTNAME_PATTERN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/i;
/** An IPv4/IPv6 address or a DNS name (no spaces, no scheme, no path). */
const ADDRESS_PATTERN = /^[0-9a-z.:\-[\]%]+$/i;
const PHONE_PATTERN = /^\+?[0-9][0-9\- ()]{3,38}[0-9]$/;

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
const trimEach = ({ value }: { value: unknown }): unknown =>
  Array.isArray(value) ? value.map((v: unknown) => (typeof v === 'string' ? v.trim() : v)) : value;

/** Present in a PATCH: validate it, and refuse null for columns that cannot be null. */
const present = (_: object, value: unknown) => value !== undefined;
/** Present and not null: validate it (null clears a nullable column). */
const presentNotNull = (_: object, value: unknown) => value !== undefined && value !== null;

export class VendorDeskDto {
  @ApiProperty({ example: '仮想化基盤 ハードウェア保守窓口', maxLength: 200 })
  @Transform(trim)
  @IsString({ message: 'name must be a string' })
  @Length(1, 200)
  readonly name!: string;

  @ApiProperty({ example: 'hw-support@vendor.example.jp' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  readonly email!: string;

  @ApiPropertyOptional({ type: String, example: '0120-000-111', nullable: true })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'phone must be a string' })
  @Matches(PHONE_PATTERN, { message: 'phone must be a telephone number (digits, spaces, hyphens, parentheses, leading +)' })
  readonly phone?: string | null;
}

export class CreateAssetDto {
  @ApiProperty({ example: 'esx03', description: 'host name (RFC 1123), stored lower-case, unique', maxLength: 253 })
  @Transform(trim)
  @IsString({ message: 'hostname must be a string' })
  @Matches(HOSTNAME_PATTERN, { message: 'hostname must be a host name of letters, digits, hyphens and dots (at most 253 characters)' })
  readonly hostname!: string;

  @ApiProperty({ enum: ASSET_KINDS, example: 'hypervisor_host' })
  @IsIn(ASSET_KINDS, { message: `kind must be one of ${ASSET_KINDS.join(', ')}` })
  readonly kind!: AssetKind;

  @ApiPropertyOptional({ type: String, example: '10.10.1.13', nullable: true, maxLength: 255 })
  @IsOptional()
  @Transform(trim)
  @IsString({ message: 'address must be a string' })
  @Length(1, 255)
  @Matches(ADDRESS_PATTERN, { message: 'address must be an IP address or a DNS name' })
  readonly address?: string | null;

  @ApiProperty({ enum: SUB_PLATFORMS, example: 'virtualization' })
  @IsIn(SUB_PLATFORMS, { message: `subPlatform must be one of ${SUB_PLATFORMS.join(', ')}` })
  readonly subPlatform!: SubPlatform;

  @ApiPropertyOptional({ type: [String], example: ['税務システム'], description: 'business systems it serves (at most 50, each 1–100 characters)' })
  @IsOptional()
  @Transform(trimEach)
  @IsArray({ message: 'businessSystems must be a list of names' })
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'businessSystems must not repeat a name' })
  @IsString({ each: true, message: 'businessSystems must be a list of names' })
  @Length(1, 100, { each: true, message: 'each of businessSystems must be 1 to 100 characters' })
  readonly businessSystems?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid', description: 'ids of existing departments (GET /api/departments)' })
  @IsOptional()
  @IsArray({ message: 'departmentIds must be a list of department ids' })
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'departmentIds must not repeat an id' })
  @IsUUID('all', { each: true, message: 'departmentIds must be a list of department ids (uuid)' })
  readonly departmentIds?: string[];

  @ApiPropertyOptional({ type: VendorDeskDto, nullable: true, description: 'the maker\'s maintenance desk (メーカー保守窓口)' })
  @IsOptional()
  @IsObject({ message: 'vendorDesk must be an object { name, email, phone }' })
  @ValidateNested()
  @Type(() => VendorDeskDto)
  readonly vendorDesk?: VendorDeskDto | null;

  @ApiPropertyOptional({ default: false, description: 'never deleted by automated operations' })
  @IsOptional()
  @IsBoolean({ message: 'protected must be true or false' })
  readonly protected?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true, maxLength: 4000 })
  @IsOptional()
  @IsString({ message: 'notes must be a string' })
  @MaxLength(4000)
  readonly notes?: string | null;
}

/** Every field optional; `null` clears address, vendorDesk and notes. departmentIds and businessSystems replace the lists. */
export class PatchAssetDto {
  @ApiPropertyOptional({ example: 'esx03' })
  @ValidateIf(present)
  @Transform(trim)
  @IsString({ message: 'hostname must be a string' })
  @Matches(HOSTNAME_PATTERN, { message: 'hostname must be a host name of letters, digits, hyphens and dots (at most 253 characters)' })
  readonly hostname?: string;

  @ApiPropertyOptional({ enum: ASSET_KINDS })
  @ValidateIf(present)
  @IsIn(ASSET_KINDS, { message: `kind must be one of ${ASSET_KINDS.join(', ')}` })
  readonly kind?: AssetKind;

  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf(presentNotNull)
  @Transform(trim)
  @IsString({ message: 'address must be a string' })
  @Length(1, 255)
  @Matches(ADDRESS_PATTERN, { message: 'address must be an IP address or a DNS name' })
  readonly address?: string | null;

  @ApiPropertyOptional({ enum: SUB_PLATFORMS })
  @ValidateIf(present)
  @IsIn(SUB_PLATFORMS, { message: `subPlatform must be one of ${SUB_PLATFORMS.join(', ')}` })
  readonly subPlatform?: SubPlatform;

  @ApiPropertyOptional({ type: [String] })
  @ValidateIf(present)
  @Transform(trimEach)
  @IsArray({ message: 'businessSystems must be a list of names' })
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'businessSystems must not repeat a name' })
  @IsString({ each: true, message: 'businessSystems must be a list of names' })
  @Length(1, 100, { each: true, message: 'each of businessSystems must be 1 to 100 characters' })
  readonly businessSystems?: string[];

  @ApiPropertyOptional({ type: [String], format: 'uuid' })
  @ValidateIf(present)
  @IsArray({ message: 'departmentIds must be a list of department ids' })
  @ArrayMaxSize(50)
  @ArrayUnique({ message: 'departmentIds must not repeat an id' })
  @IsUUID('all', { each: true, message: 'departmentIds must be a list of department ids (uuid)' })
  readonly departmentIds?: string[];

  @ApiPropertyOptional({ type: VendorDeskDto, nullable: true })
  @ValidateIf(presentNotNull)
  @IsObject({ message: 'vendorDesk must be an object { name, email, phone }' })
  @ValidateNested()
  @Type(() => VendorDeskDto)
  readonly vendorDesk?: VendorDeskDto | null;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @IsBoolean({ message: 'protected must be true or false' })
  readonly protected?: boolean;

  @ApiPropertyOptional({ type: String, nullable: true })
  @ValidateIf(presentNotNull)
  @IsString({ message: 'notes must be a string' })
  @MaxLength(4000)
  readonly notes?: string | null;

  @ApiPropertyOptional({ description: 'true retires the item (廃止: kept for history, hidden from lists and pickers by default); false puts it back in service' })
  @ValidateIf(present)
  @IsBoolean({ message: 'retired must be true or false' })
  readonly retired?: boolean;
}

export class ListAssetsQuery {
  @ApiPropertyOptional({ description: 'part of a hostname or of a business system name', maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  readonly q?: string;

  @ApiPropertyOptional({ enum: ASSET_KINDS })
  @IsOptional()
  @IsIn(ASSET_KINDS, { message: `kind must be one of ${ASSET_KINDS.join(', ')}` })
  readonly kind?: AssetKind;

  @ApiPropertyOptional({ enum: SUB_PLATFORMS })
  @IsOptional()
  @IsIn(SUB_PLATFORMS, { message: `subPlatform must be one of ${SUB_PLATFORMS.join(', ')}` })
  readonly subPlatform?: SubPlatform;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all', { message: 'departmentId must be a department id (uuid)' })
  readonly departmentId?: string;

  @ApiPropertyOptional({ default: false, description: 'true lists retired (廃止) items too' })
  @IsOptional()
  // `?includeRetired=false` is the text "false": Boolean("false") would be true.
  @Transform(({ value }: { value: unknown }) => (value === 'true' ? true : value === 'false' ? false : value))
  @IsBoolean({ message: 'includeRetired must be true or false' })
  readonly includeRetired?: boolean;

  @ApiPropertyOptional({ default: 50, minimum: 1, maximum: 200 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'limit must be a whole number' })
  @Min(1)
  @Max(200)
  readonly limit?: number;

  @ApiPropertyOptional({ default: 0, minimum: 0 })
  @IsOptional()
  @Type(() => Number)
  @IsInt({ message: 'offset must be a whole number' })
  @Min(0)
  @Max(1_000_000)
  readonly offset?: number;
}
