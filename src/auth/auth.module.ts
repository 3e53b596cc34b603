import { Global, Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TypeOrmModule } from '@nestjs/typeorm';
import { SecretService } from '../common/secret.service.js';
import { AuthController } from './auth.controller.js';
import { AuthGuard } from './auth.guard.js';
import { AuthService } from './auth.service.js';
import { CampaignAccessService } from './campaign-access.service.js';
import { FirstAdminService } from './first-admin.service.js';
import { CampaignMember } from './membership.entity.js';
import { MembershipService } from './membership.service.js';
import { User } from './user.entity.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Global()
@Module({
  imports: [TypeOrmModule.forFeature([User, CampaignMember]), JwtModule.register({})],
  controllers: [AuthController, UsersController],
  providers: [
    SecretService,
    AuthService,
    UsersService,
    CampaignAccessService,
    MembershipService,
    FirstAdminService,
    { provide: APP_GUARD, useClass: AuthGuard },
  ],
  exports: [
    SecretService,
    AuthService,
    UsersService,
    CampaignAccessService,
    MembershipService,
    FirstAdminService,
  ],
})
export class AuthModule {}
