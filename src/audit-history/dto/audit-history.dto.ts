import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const HISTORY_SOURCES = ['auto', 'live', 'archive'] as const;
export type HistorySourcePreference = (typeof HISTORY_SOURCES)[number];

export class HistorySourceQuery {
  @ApiPropertyOptional({ enum: HISTORY_SOURCES, description: 'auto (default): the archive when the run is archived, else the Temporal server' })
  @IsOptional()
  @IsIn(HISTORY_SOURCES)
  readonly source?: HistorySourcePreference;
}

export class HistoryQuery extends HistorySourceQuery {
  @ApiPropertyOptional({ enum: ['readable', 'raw'], description: 'raw: the history JSON as `temporal workflow show --output json` writes it, as a download' })
  @IsOptional()
  @IsIn(['readable', 'raw'])
  readonly format?: 'readable' | 'raw';
}

export class ConsistencyQuery extends HistorySourceQuery {
  @ApiPropertyOptional({ description: 'how far apart the record and the history may put the same step (seconds, default 5)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(86_400)
  readonly toleranceSeconds?: number;
}
