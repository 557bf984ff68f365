import { ApiProperty } from '@nestjs/swagger';
import { ANY_JSON, describes } from '../../openapi/describes';
import type { AuditEntryView, AuditVerification } from '../audit-log.service';

export class AuditActorDto {
  @ApiProperty({ type: String, nullable: true }) readonly id: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly username: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly displayName: string | null;
  @ApiProperty({ type: [String] }) readonly roles: string[];
}

/** One entry of the hash-chained audit log. */
export class AuditEntryDto {
  @ApiProperty() readonly seq: number;
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ format: 'date-time' }) readonly at: string;
  @ApiProperty({ type: () => AuditActorDto, nullable: true }) readonly actor: AuditActorDto | null;
  @ApiProperty({ example: 'case.read' }) readonly action: string;
  @ApiProperty({ type: String, nullable: true }) readonly target: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly requestId: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly sourceAddress: string | null;
  @ApiProperty({ example: 'ok' }) readonly outcome: string;
  @ApiProperty({ type: Number, nullable: true, description: 'HTTP status' }) readonly status: number | null;
  @ApiProperty({ ...ANY_JSON, description: 'what changed' }) readonly change: unknown;
  @ApiProperty() readonly prevHash: string;
  @ApiProperty() readonly hash: string;
}
describes<AuditEntryDto, AuditEntryView>(true);

export class AuditPageDto {
  @ApiProperty({ type: () => [AuditEntryDto] }) readonly items: AuditEntryDto[];
  @ApiProperty() readonly total: number;
  @ApiProperty() readonly limit: number;
  @ApiProperty() readonly offset: number;
}

export class AuditBrokenLinkDto {
  @ApiProperty() readonly seq: number;
  @ApiProperty({ type: String, nullable: true }) readonly id: string | null;
  @ApiProperty({ enum: ['altered', 'link', 'missing', 'head'] }) readonly reason: 'altered' | 'link' | 'missing' | 'head';
  @ApiProperty() readonly message: string;
}

export class AuditVerificationDto {
  @ApiProperty() readonly ok: boolean;
  @ApiProperty({ description: 'rows checked before the first problem (all of them when ok)' }) readonly checked: number;
  @ApiProperty() readonly lastSeq: number;
  @ApiProperty({ description: 'publish or note this to anchor the log outside the database' }) readonly headHash: string;
  @ApiProperty({ type: () => AuditBrokenLinkDto, nullable: true }) readonly firstBroken: AuditBrokenLinkDto | null;
}
describes<AuditVerificationDto, AuditVerification>(true);
