import { Module } from '@nestjs/common';
import { APP_GUARD, DiscoveryModule } from '@nestjs/core';
import { AuthController } from './auth.controller';
import { AuthGuard, RoutePolicyCheck } from './auth.guard';
import { AuthService } from './auth.service';
import { LoginRateLimitGuard } from './login-rate-limit';
import { UsersController } from './users.controller';
import { UsersService } from './users.service';

@Module({
  imports: [DiscoveryModule],
  controllers: [AuthController, UsersController],
  providers: [AuthService, UsersService, LoginRateLimitGuard, RoutePolicyCheck, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [AuthService],
})
export class IdentityModule {}
