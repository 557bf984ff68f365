import { Body, Controller, Get, Param, Patch, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from './current-user';
import { CreateUserDto, PatchUserDto } from './dto/user.dto';
import { UserViewDto } from './dto/identity-views.dto';
import { UsersService, type UserView } from './users.service';

/** User management (admins; auditors may list). Roles: src/identity/access-policy.ts. */
@ApiTags('users')
@ApiBearerAuth()
@Controller('api/users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @ApiOperation({ summary: 'All users, disabled ones included (never a password hash)' })
  @Get()
@ApiOkResponse({ type: [UserViewDto] })
  list(): Promise<UserView[]> {
    return this.users.list();
  }

  @ApiOperation({ summary: 'Create a user with roles, department and an initial password (admin)' })
  @Post()
@ApiCreatedResponse({ type: UserViewDto })
  create(@Body() body: CreateUserDto): Promise<UserView> {
    return this.users.create(body);
  }

  @ApiOperation({ summary: 'Change a user: name, e-mail, roles, department; disable/enable (disabling revokes tokens); reset the password; lift a lockout (admin)' })
  @Patch(':id')
@ApiOkResponse({ type: UserViewDto })
  patch(@CurrentActor() actor: Actor, @Param('id') id: string, @Body() body: PatchUserDto): Promise<UserView> {
    return this.users.patch(actor, id, body);
  }
}
