import { ApiProperty } from '@nestjs/swagger';
import { describes } from '../../openapi/describes';
import type { AlertSourceView } from '../alert-sources.service';

/** A monitoring system allowed to post alerts (its token is shown once, at creation). */
export class AlertSourceViewDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty({ example: 'zabbix' }) readonly name: string;
  @ApiProperty({ format: 'date-time' }) readonly createdAt: string;
  @ApiProperty() readonly createdBy: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly revokedAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly lastUsedAt: string | null;
}
describes<AlertSourceViewDto, AlertSourceView>(true);

export class CreatedAlertSourceDto extends AlertSourceViewDto {
  @ApiProperty({ description: 'the bearer token, shown only this once' }) readonly token: string;
}
describes<CreatedAlertSourceDto, AlertSourceView & { token: string }>(true);
