import { ApiProperty } from '@nestjs/swagger';

/** What the UI needs to know before sign-in (GET /api/meta). */
export class MetaDto {
  @ApiProperty({ example: 'opsdesk' }) readonly name: string;
  @ApiProperty({ enum: ['embedded', 'standard'] }) readonly mode: 'embedded' | 'standard';
  @ApiProperty({ type: String, nullable: true, description: 'the embedded mail sink (embedded mode)' }) readonly mailSinkUrl: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly temporalUiUrl: string | null;
}
