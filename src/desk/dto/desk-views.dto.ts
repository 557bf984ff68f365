import { ApiProperty } from '@nestjs/swagger';
import type { InquiryCategory, InquiryChannel } from '../../../workflows/shared/contracts';
import { INQUIRY_CATEGORIES, INQUIRY_CHANNELS } from '../../../workflows/shared/desk';
import { CaseDetailDto, SlaViewDto } from '../../cases/dto/case-views.dto';
import { describes, OBJECT } from '../../openapi/describes';
import type { InquiriesService } from '../inquiries.service';

/** What the desk's responses look like (R-DESK-1): the UI reads them through ui/src/lib/api-types.ts. */
export class InquiryAskerDto {
  @ApiProperty() readonly name: string;
  @ApiProperty({ type: String, nullable: true }) readonly email: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly userId: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly departmentId: string | null;
  @ApiProperty({ type: String, nullable: true, required: false }) readonly organisation?: string | null;
}

export class InquiryRowDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ example: 'INQ-2026-0001' }) readonly number: string;
  @ApiProperty() readonly subject: string;
  @ApiProperty() readonly status: string;
  @ApiProperty({ format: 'date-time' }) readonly occurredAt: string;
  @ApiProperty({ type: String, nullable: true }) readonly assignee: string | null;
  @ApiProperty({ type: () => SlaViewDto, nullable: true }) readonly sla: SlaViewDto | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly dueAt: string | null;
  @ApiProperty() readonly breached: boolean;
  @ApiProperty({ type: String, nullable: true }) readonly nextRole: string | null;
  @ApiProperty({ type: () => InquiryAskerDto, nullable: true }) readonly asker: InquiryAskerDto | null;
  @ApiProperty({ type: String, enum: INQUIRY_CHANNELS, enumName: 'InquiryChannel', nullable: true }) readonly channel: InquiryChannel | null;
  @ApiProperty({ type: String, enum: INQUIRY_CATEGORIES, enumName: 'InquiryCategory', nullable: true }) readonly category: InquiryCategory | null;
}

export class InquiryListDto {
  @ApiProperty({ type: () => [InquiryRowDto] }) readonly items: InquiryRowDto[];
}
describes<InquiryListDto, Awaited<ReturnType<InquiriesService['list']>>>(true);

export class CaseAttachmentDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty() readonly filename: string;
  @ApiProperty() readonly contentType: string;
  @ApiProperty() readonly size: number;
  @ApiProperty() readonly sha256: string;
  @ApiProperty({ example: 'mail' }) readonly source: string;
  @ApiProperty({ format: 'date-time' }) readonly createdAt: string;
}

export class CaseLinkDto {
  @ApiProperty({ example: 'converted' }) readonly relation: string;
  @ApiProperty({ example: 'to' }) readonly direction: string;
  @ApiProperty() readonly caseNumber: string;
  @ApiProperty() readonly kind: string;
  @ApiProperty() readonly status: string;
}

export class UnreportedCallDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ format: 'date-time' }) readonly at: string;
  @ApiProperty({ type: String, nullable: true }) readonly actor: string | null;
  @ApiProperty() readonly messageJa: string;
  @ApiProperty({ type: String, nullable: true }) readonly counterpart: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly summary: string | null;
}

/** Where a case came from: the inquiry (its asker and channel) or the monitoring mail that opened it. */
export class CaseOriginDto {
  @ApiProperty({ type: String, nullable: true, example: 'INQ-2026-0001', description: 'the inquiry itself, or the one this case was converted from' }) readonly inquiryNumber: string | null;
  @ApiProperty({ type: String, enum: INQUIRY_CHANNELS, enumName: 'InquiryChannel', nullable: true }) readonly channel: InquiryChannel | null;
  @ApiProperty({ type: String, enum: INQUIRY_CATEGORIES, enumName: 'InquiryCategory', nullable: true }) readonly category: InquiryCategory | null;
  @ApiProperty({ type: () => InquiryAskerDto, nullable: true, description: 'null when the reader may not see who asked' }) readonly asker: InquiryAskerDto | null;
  @ApiProperty({ type: String, nullable: true, description: 'the sender of the monitoring mail that opened the incident' }) readonly mailFrom: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the monitoring mail rule that matched it' }) readonly monitoringRule: string | null;
}

/** A case as the desk sees it: the detail plus the inquiry's fields, files, links and calls not yet reported by mail. */
export class DeskCaseDto extends CaseDetailDto {
  @ApiProperty({ ...OBJECT, nullable: true, description: 'the inquiry\'s asker, channel, category, ... (null for other kinds)' }) readonly inquiry: Record<string, unknown> | null;
  @ApiProperty({ type: () => CaseOriginDto, nullable: true, description: 'who asked and by which channel, for a case that came from an inquiry or a mail' }) readonly origin: CaseOriginDto | null;
  @ApiProperty({ type: () => [CaseAttachmentDto] }) readonly attachments: CaseAttachmentDto[];
  @ApiProperty({ type: () => [CaseLinkDto] }) readonly links: CaseLinkDto[];
  @ApiProperty({ type: () => [UnreportedCallDto] }) readonly callsWithoutMail: UnreportedCallDto[];
}
describes<DeskCaseDto, Awaited<ReturnType<InquiriesService['detail']>>>(true);

export class SimilarFixDto {
  @ApiProperty() readonly step: string;
  @ApiProperty({ type: String, nullable: true }) readonly outcome: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly note: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly what: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly by: string | null;
}

export class SimilarCaseDto {
  @ApiProperty() readonly caseNumber: string;
  @ApiProperty() readonly kind: string;
  @ApiProperty() readonly subject: string;
  @ApiProperty({ type: String, nullable: true }) readonly hostname: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly completedAt: string | null;
  @ApiProperty() readonly score: number;
  @ApiProperty({ type: [String], example: ['device', 'text'], description: 'what it shares with this case: device, alert, text' }) readonly matchedOn: string[];
  @ApiProperty({ type: () => [SimilarFixDto] }) readonly fixedBy: SimilarFixDto[];
}

export class SimilarCasesDto {
  @ApiProperty({ type: () => [SimilarCaseDto] }) readonly items: SimilarCaseDto[];
}
describes<SimilarCasesDto, Awaited<ReturnType<InquiriesService['similar']>>>(true);
