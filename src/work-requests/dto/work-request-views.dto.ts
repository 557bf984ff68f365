import { ApiProperty } from '@nestjs/swagger';
import { OBJECT } from '../../openapi/describes';

/** The request types with their parameter schemas (workflows/shared/request-types.ts), and the SLA. */
export class WorkRequestTypesDto {
  @ApiProperty({ type: 'array', items: OBJECT, description: 'REQUEST_TYPES of workflows/shared/request-types.ts (the UI imports that table itself)' }) readonly items: unknown[];
  @ApiProperty({ description: 'R-SLA: business days a work request has' }) readonly slaBusinessDays: number;
}
