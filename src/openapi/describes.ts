import { ApiProperty } from '@nestjs/swagger';

/**
 * True when a response DTO and what a handler really returns are assignable to each other: the DTO
 * names every field the handler returns, with a type no narrower and no wider. A response DTO is
 * documentation only (nothing converts the handler's value into it), so this compile-time check is
 * what keeps the OpenAPI document, and so the UI's generated types, true to the code.
 */
export type Describes<Dto, Actual> = [Actual] extends [Dto] ? ([Dto] extends [Actual] ? true : false) : false;

/** `describes<CaseSummaryDto, ReturnType<typeof caseSummary>>(true)` fails to compile when they drift apart. */
export function describes<Dto, Actual>(_proof: Describes<Dto, Actual>): void {}

/** A text in Japanese and English. */
export class BilingualDto {
  @ApiProperty({ example: '受付' })
  readonly ja: string;

  @ApiProperty({ example: 'Received' })
  readonly en: string;
}

/** Free-form JSON object (task data, request parameters ...). */
export const OBJECT = { type: 'object', additionalProperties: true } as const;

/** Any JSON value. */
export const ANY_JSON = { oneOf: [{ type: 'string' }, { type: 'number' }, { type: 'boolean' }, { type: 'object', additionalProperties: true }, { type: 'array', items: {} }], nullable: true };

/** The weaker check, where the handler's type is narrower than JSON can say (literal texts): what it returns fits the DTO. */
export function covers<Dto, _Actual extends Dto>(): void {}
