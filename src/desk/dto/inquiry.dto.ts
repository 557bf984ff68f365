import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize, IsArray, IsBoolean, IsEmail, IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Matches, Max, Min, ValidateNested,
} from 'class-validator';
import { INQUIRY_CATEGORIES, INQUIRY_CHANNELS } from '../../../workflows/shared/desk';

export class InquiryAttachmentDto {
  @ApiProperty({ example: 'screen.png' })
  @IsString()
  @Length(1, 200)
  @Matches(/^[^/\\\p{Cc}]+$/u, { message: 'filename must not contain slashes or control characters' })
  readonly filename!: string;

  @ApiProperty({ example: 'image/png' })
  @IsString()
  @Length(1, 200)
  @Matches(/^[\w.+-]+\/[\w.+-]+$/, { message: 'contentType must be a media type such as image/png' })
  readonly contentType!: string;

  @ApiProperty({ description: 'the file, base64: at most 90,000 characters (about 64 KB); larger files come by mail to the desk' })
  @IsString()
  @Length(1, 90_000)
  @Matches(/^[A-Za-z0-9+/]*={0,2}$/, { message: 'contentBase64 must be base64' })
  readonly contentBase64!: string;
}

export class CreateInquiryDto {
  @ApiProperty({ example: '税務システムの画面表示が遅い' })
  @IsString()
  @Length(1, 200)
  readonly subject!: string;

  @ApiProperty({ example: '今朝から税務システムの一覧画面の表示に30秒ほどかかります。' })
  @IsString()
  @Length(1, 20000)
  readonly text!: string;

  @ApiProperty({ enum: INQUIRY_CATEGORIES })
  @IsIn(INQUIRY_CATEGORIES)
  readonly category!: (typeof INQUIRY_CATEGORIES)[number];

  @ApiPropertyOptional({ enum: INQUIRY_CHANNELS, description: 'how it came in; a department user asking for itself is `ui` or `api`' })
  @IsOptional()
  @IsIn(INQUIRY_CHANNELS)
  readonly channel?: (typeof INQUIRY_CHANNELS)[number];

  @ApiPropertyOptional({ example: 'vm-zeimu01', description: 'the affected system or device' })
  @IsOptional()
  @IsString()
  @Length(1, 253)
  readonly affected?: string;

  @ApiPropertyOptional({ description: 'who asked (the desk logging a call or a visit); a department user asking for itself leaves it out' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  readonly askerName?: string;

  @ApiPropertyOptional({ example: 'tanaka@vendor.example.jp' })
  @IsOptional()
  @IsEmail()
  @Length(3, 254)
  readonly askerEmail?: string;

  @ApiPropertyOptional({ description: "the asker's department (uuid)" })
  @IsOptional()
  @IsUUID()
  readonly askerDepartmentId?: string;

  @ApiPropertyOptional({ example: '○○システム保守事業者' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  readonly askerOrganisation?: string;

  @ApiPropertyOptional({ description: 'when it was received (ISO 8601); now if omitted' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly receivedAt?: string;

  @ApiPropertyOptional({ type: [InquiryAttachmentDto] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(10)
  @ValidateNested({ each: true })
  @Type(() => InquiryAttachmentDto)
  readonly attachments?: InquiryAttachmentDto[];
}

export class ListInquiriesQuery {
  @ApiPropertyOptional({ description: 'only inquiries not closed' })
  @IsOptional()
  @IsIn(['true', 'false'])
  readonly open?: 'true' | 'false';

  @ApiPropertyOptional({ default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(200)
  readonly limit?: number;
}

export class InquiryReplyDto {
  @ApiProperty({ example: 'ご連絡ありがとうございます。現在確認中です。' })
  @IsString()
  @Length(1, 8000)
  readonly text!: string;
}

export class PhoneCallDto {
  @ApiProperty({ example: '税務課 田中様' })
  @IsString()
  @Length(1, 200)
  readonly counterpart!: string;

  @ApiProperty({ example: '画面が表示されないとの連絡。再起動を依頼。' })
  @IsString()
  @Length(1, 4000)
  readonly summary!: string;

  @ApiPropertyOptional({ description: 'when the call was (ISO 8601); now if omitted' })
  @IsOptional()
  @IsISO8601({ strict: true })
  readonly at?: string;
}

export class PhoneFollowupDto {
  @ApiProperty({ description: 'the call (timeline entry id) this mail reports' })
  @IsUUID()
  readonly callId!: string;

  @ApiPropertyOptional({ description: 'the addressee; the asker (inquiry) or general affairs when left out' })
  @IsOptional()
  @IsEmail()
  readonly to?: string;

  @ApiPropertyOptional({ description: 'the text, edited from the pre-filled one' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  readonly summary?: string;
}

export class DeskSettingsDto {
  @ApiProperty({ example: 30 })
  @IsInt()
  @Min(1)
  @Max(24 * 60)
  readonly ackBusinessMinutes!: number;

  @ApiProperty({ example: 10485760 })
  @IsInt()
  @Min(1024)
  @Max(100 * 1024 * 1024)
  readonly maxAttachmentBytes!: number;
}

export class MonitoringSampleDto {
  @ApiProperty({ example: 'zabbix@mon.example.lg.jp' })
  @IsString()
  @Length(3, 254)
  readonly from!: string;

  @ApiProperty({ example: '[障害] vm-zeimu01: CPU使用率が高い' })
  @IsString()
  @Length(1, 1000)
  readonly subject!: string;

  @ApiPropertyOptional({ description: 'whether this sample must match (default true): a rule is saved only when every sample behaves as said' })
  @IsOptional()
  @IsBoolean()
  readonly shouldMatch?: boolean;
}

export class MonitoringRuleDto {
  @ApiProperty({ example: 'Zabbix' })
  @IsString()
  @Length(1, 100)
  readonly name!: string;

  @ApiProperty({ example: 'zabbix@mon.example.lg.jp' })
  @IsString()
  @Length(3, 254)
  readonly sender!: string;

  @ApiProperty({ example: '^\\[(?<severity>[^\\]]+)\\] (?<host>[\\w.-]+): (?<alert>.+)$' })
  @IsString()
  @Length(1, 1000)
  readonly subjectPattern!: string;

  @ApiPropertyOptional({ example: '^\\[復旧\\]' })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  readonly resolvedPattern?: string;

  @ApiProperty({ example: 'monitoring-mail' })
  @IsString()
  @Length(1, 200)
  readonly alertName!: string;

  @ApiProperty({ example: 'major' })
  @IsString()
  readonly severity!: string;

  @ApiPropertyOptional({ default: true })
  @IsOptional()
  @IsBoolean()
  readonly enabled?: boolean;

  @ApiProperty({ type: [MonitoringSampleDto], description: 'sample mails the rule is tested against before it is saved (at least one that matches)' })
  @IsArray()
  @ArrayMaxSize(20)
  @ValidateNested({ each: true })
  @Type(() => MonitoringSampleDto)
  readonly samples!: MonitoringSampleDto[];
}

export class AskerAnswerDto {
  @ApiProperty({ enum: ['confirmed', 'reopened'] })
  @IsIn(['confirmed', 'reopened'])
  readonly outcome!: 'confirmed' | 'reopened';

  @ApiPropertyOptional({ description: 'what is still wrong (required to reopen)' })
  @IsOptional()
  @IsString()
  @Length(1, 4000)
  readonly note?: string;
}
