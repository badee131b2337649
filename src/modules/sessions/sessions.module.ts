import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { ApiKeysModule } from '../api-keys/api-keys.module.js';
import { AuthGuard } from '../api-keys/auth.guard.js';
import { OpsModule } from '../ops/ops.module.js';
import { OidcSignIn } from './oidc.sign-in.js';
import { SessionSweep } from './session.sweep.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsRepository } from './sessions.repository.js';
import { SessionsService } from './sessions.service.js';
import { SignInLimiter } from './sign-in.limiter.js';

/**
 * Console sign-in. The global guard is registered here rather than in ApiKeysModule: it needs both
 * API keys and sessions, and sessions already depend on keys.
 */
@Module({
  imports: [ApiKeysModule, OpsModule],
  controllers: [SessionsController],
  providers: [SessionsService, SessionsRepository, SignInLimiter, OidcSignIn, SessionSweep, { provide: APP_GUARD, useClass: AuthGuard }],
  exports: [SessionsService],
})
export class SessionsModule {}
