import { ApiProperty } from '@nestjs/swagger';
import { describes } from '../../openapi/describes';
import type { Actor } from '../current-user';
import { ROLES, type Role } from '../roles';
import type { UserView } from '../users.service';

/** The signed-in person (GET /api/auth/me, and the `user` of a login). */
export class ActorDto {
  @ApiProperty({ format: 'uuid' }) readonly userId: string;
  @ApiProperty({ example: 'ga1' }) readonly username: string;
  @ApiProperty() readonly displayName: string;
  @ApiProperty() readonly email: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role', isArray: true }) readonly roles: Role[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) readonly departmentId: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly departmentCode: string | null;
}
describes<ActorDto, Actor>(true);

export class LoginResultDto {
  @ApiProperty() readonly token: string;
  @ApiProperty({ example: 'Bearer' }) readonly tokenType: string;
  @ApiProperty({ format: 'date-time' }) readonly expiresAt: string;
  @ApiProperty({ type: () => ActorDto }) readonly user: ActorDto;
}

/** An account as the admin's user list shows it (never a password hash). */
export class UserViewDto {
  @ApiProperty({ format: 'uuid' }) readonly id: string;
  @ApiProperty() readonly username: string;
  @ApiProperty() readonly displayName: string;
  @ApiProperty() readonly email: string;
  @ApiProperty({ enum: ROLES, enumName: 'Role', isArray: true }) readonly roles: Role[];
  @ApiProperty({ type: String, format: 'uuid', nullable: true }) readonly departmentId: string | null;
  @ApiProperty({ type: String, nullable: true }) readonly departmentCode: string | null;
  @ApiProperty() readonly disabled: boolean;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) readonly lockedUntil: string | null;
  @ApiProperty() readonly failedLogins: number;
  @ApiProperty({ format: 'date-time' }) readonly createdAt: string;
  @ApiProperty({ format: 'date-time' }) readonly updatedAt: string;
}
describes<UserViewDto, UserView>(true);
