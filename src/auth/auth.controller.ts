import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiNoContentResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { Public } from '../common/public.decorator.js';
import { CurrentUser, type AuthUser } from './auth-user.js';
import { AuthService, type LoginResult } from './auth.service.js';
import { LoginDto } from './dto/auth.dto.js';

@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(private readonly auth: AuthService) {}

  /** Exchange email and password for a bearer token. Wrong email and wrong password look the same. */
  @Public()
  @Post('login')
  @HttpCode(200)
  @ApiUnauthorizedResponse({ description: 'wrong email or password' })
  @ApiTooManyRequestsResponse({
    description: 'too many failed logins for this email from this IP, or from this IP',
  })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<LoginResult> {
    return this.auth.login(dto.email, dto.password, ip);
  }

  /**
   * Ends every session of this account at once: this token, any other token and the console's cookie
   * are refused from now on (a per-account cut-off checked on every request).
   */
  @ApiBearerAuth()
  @Post('logout')
  @HttpCode(204)
  @ApiNoContentResponse({ description: 'every session of the account has ended' })
  async logout(@CurrentUser() user: AuthUser, @Ip() ip: string): Promise<void> {
    await this.auth.logout(user, ip);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthUser): AuthUser {
    return user;
  }
}
