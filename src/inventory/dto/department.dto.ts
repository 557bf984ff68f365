import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsString, Length, Matches, MaxLength, ValidateIf } from 'class-validator';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
const present = (_: object, value: unknown) => value !== undefined;
const CODE_PATTERN = /^[a-z][a-z0-9_-]{0,31}$/;
const CODE_MESSAGE = 'code must be 1–32 lower-case letters, digits, hyphens or underscores, starting with a letter';

export class CreateDepartmentDto {
  @ApiProperty({ example: 'welfare', description: 'short unique code', maxLength: 32 })
  @Transform(trim)
  @IsString({ message: 'code must be a string' })
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  readonly code!: string;

  @ApiProperty({ example: '福祉課', maxLength: 100 })
  @Transform(trim)
  @IsString({ message: 'nameJa must be a string' })
  @Length(1, 100)
  readonly nameJa!: string;

  @ApiProperty({ example: 'Welfare Division', maxLength: 100 })
  @Transform(trim)
  @IsString({ message: 'nameEn must be a string' })
  @Length(1, 100)
  readonly nameEn!: string;

  @ApiProperty({ example: 'fukushi@example.lg.jp', description: 'the department\'s shared mailbox' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  readonly email!: string;
}

export class PatchDepartmentDto {
  @ApiPropertyOptional({ example: 'welfare' })
  @ValidateIf(present)
  @Transform(trim)
  @IsString({ message: 'code must be a string' })
  @Matches(CODE_PATTERN, { message: CODE_MESSAGE })
  readonly code?: string;

  @ApiPropertyOptional({ example: '福祉課' })
  @ValidateIf(present)
  @Transform(trim)
  @IsString({ message: 'nameJa must be a string' })
  @Length(1, 100)
  readonly nameJa?: string;

  @ApiPropertyOptional({ example: 'Welfare Division' })
  @ValidateIf(present)
  @Transform(trim)
  @IsString({ message: 'nameEn must be a string' })
  @Length(1, 100)
  readonly nameEn?: string;

  @ApiPropertyOptional({ example: 'fukushi@example.lg.jp' })
  @ValidateIf(present)
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  readonly email?: string;
}
