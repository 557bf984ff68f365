import { Body, Controller, Get, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import type { Request } from 'express';
import { bearerToken } from './auth.guard';
import { AuthService } from './auth.service';
import { CurrentActor, type Actor } from './current-user';
import { LoginDto } from './dto/login.dto';
import { LoginRateLimitGuard } from './login-rate-limit';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  @UseGuards(LoginRateLimitGuard)
  @Post('login')
  @HttpCode(200)
  async login(@Body() body: LoginDto) {
    const { token, expiresAt, actor } = await this.auth.login(body.username, body.password);
    return { token, tokenType: 'Bearer', expiresAt: expiresAt.toISOString(), user: actor };
  }

  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  async logout(@Req() request: Request): Promise<void> {
    await this.auth.logout(bearerToken(request)!);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentActor() actor: Actor): Actor {
    return actor;
  }
}
