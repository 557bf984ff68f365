import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsBoolean, IsEmail, IsIn, IsString, IsUUID, Length, Matches, MaxLength, ValidateIf } from 'class-validator';
import { ROLES, type Role } from '../roles';

const trim = ({ value }: { value: unknown }): unknown => (typeof value === 'string' ? value.trim() : value);
const present = (_: object, value: unknown) => value !== undefined;
export const USERNAME_PATTERN = /^[a-z0-9][a-z0-9._-]{1,63}$/;
const USERNAME_MESSAGE = 'username must be 2–64 lower-case letters, digits, dots, hyphens or underscores, starting with a letter or digit';
const PASSWORD_MESSAGE = 'password must be 12 to 256 characters';

export class CreateUserDto {
  @ApiProperty({ example: 'ga2', maxLength: 64 })
  @IsString({ message: 'username must be a string' })
  @Matches(USERNAME_PATTERN, { message: USERNAME_MESSAGE })
  readonly username!: string;

  @ApiProperty({ example: '総務 次郎', maxLength: 100 })
  @Transform(trim)
  @IsString({ message: 'displayName must be a string' })
  @Length(1, 100)
  readonly displayName!: string;

  @ApiProperty({ example: 'ga2@example.lg.jp' })
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  readonly email!: string;

  @ApiProperty({ enum: ROLES, isArray: true, example: ['general_affairs'] })
  @IsArray({ message: 'roles must be a list of roles' })
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique({ message: 'roles must not repeat a role' })
  @IsIn(ROLES, { each: true, message: `roles must be among: ${ROLES.join(', ')}` })
  readonly roles!: Role[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true, description: 'required for (and only for) the department role' })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsUUID('all', { message: 'departmentId must be a department id (uuid)' })
  readonly departmentId?: string | null;

  @ApiProperty({ minLength: 12, maxLength: 256, description: 'the initial password (stored as an argon2id hash)' })
  @IsString({ message: PASSWORD_MESSAGE })
  @Length(12, 256, { message: PASSWORD_MESSAGE })
  readonly password!: string;
}

/** Every field optional. `disabled: true` also revokes the user's tokens; `password` resets it (and revokes them). */
export class PatchUserDto {
  @ApiPropertyOptional({ maxLength: 100 })
  @ValidateIf(present)
  @Transform(trim)
  @IsString({ message: 'displayName must be a string' })
  @Length(1, 100)
  readonly displayName?: string;

  @ApiPropertyOptional()
  @ValidateIf(present)
  @Transform(trim)
  @IsEmail({}, { message: 'email must be an e-mail address' })
  @MaxLength(254)
  readonly email?: string;

  @ApiPropertyOptional({ enum: ROLES, isArray: true })
  @ValidateIf(present)
  @IsArray({ message: 'roles must be a list of roles' })
  @ArrayMinSize(1, { message: 'roles must name at least one role' })
  @ArrayMaxSize(ROLES.length)
  @ArrayUnique({ message: 'roles must not repeat a role' })
  @IsIn(ROLES, { each: true, message: `roles must be among: ${ROLES.join(', ')}` })
  readonly roles?: Role[];

  @ApiPropertyOptional({ type: String, format: 'uuid', nullable: true })
  @ValidateIf((_, v) => v !== undefined && v !== null)
  @IsUUID('all', { message: 'departmentId must be a department id (uuid)' })
  readonly departmentId?: string | null;

  @ApiPropertyOptional({ description: 'true disables the account and revokes its tokens; false enables it' })
  @ValidateIf(present)
  @IsBoolean({ message: 'disabled must be true or false' })
  readonly disabled?: boolean;

  @ApiPropertyOptional({ minLength: 12, maxLength: 256, description: 'a new password (reset); revokes the tokens and lifts a lockout' })
  @ValidateIf(present)
  @IsString({ message: PASSWORD_MESSAGE })
  @Length(12, 256, { message: PASSWORD_MESSAGE })
  readonly password?: string;

  @ApiPropertyOptional({ description: 'true lifts a lockout after failed sign-ins' })
  @ValidateIf(present)
  @IsIn([true], { message: 'unlock must be true' })
  readonly unlock?: true;
}
