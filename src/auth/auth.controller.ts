import { Body, Controller, Get, HttpCode, Ip, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiTags, ApiTooManyRequestsResponse, ApiUnauthorizedResponse } from '@nestjs/swagger';
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
  @ApiTooManyRequestsResponse({ description: 'too many failed logins for this email or IP' })
  login(@Body() dto: LoginDto, @Ip() ip: string): Promise<LoginResult> {
    return this.auth.login(dto.email, dto.password, ip);
  }

  @ApiBearerAuth()
  @Get('me')
  me(@CurrentUser() user: AuthUser): AuthUser {
    return user;
  }
}
