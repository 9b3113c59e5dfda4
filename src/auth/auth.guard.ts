import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { APP_CONFIG, AppConfig } from '../config/app-config';
import { DomainError, ErrorCode } from '../common/errors';
import { TerminalsService } from '../terminals/terminals.service';
import { ACCESS_KEY, AccessLevel } from './access.decorator';
import { adminActor, isOneOfDigests, keyDigest, Principal } from './principal';

const unauthenticated = () =>
  new DomainError(401, ErrorCode.UNAUTHENTICATED, 'A valid Authorization: Bearer <key> header is required');

/**
 * Bearer-key authentication for every route. Admin keys come from the configuration (their
 * digests compared in constant time); terminal keys are looked up by hash in each instance's
 * cache of active keys, which the terminal keys' version (read at the start of every request)
 * invalidates, so a revoked key stops working at once on every instance.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  private readonly adminKeyDigests: Buffer[];

  constructor(
    private readonly reflector: Reflector,
    private readonly terminals: TerminalsService,
    @Inject(APP_CONFIG) config: AppConfig,
  ) {
    this.adminKeyDigests = config.adminApiKeys.map(keyDigest);
  }

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const level =
      this.reflector.getAllAndOverride<AccessLevel>(ACCESS_KEY, [context.getHandler(), context.getClass()]) ?? 'admin';
    if (level === 'public') return true;
    const request = context.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; principal?: Principal }>();
    const match = /^Bearer\s+(\S+)\s*$/i.exec(request.headers.authorization ?? '');
    if (!match) throw unauthenticated();
    const digest = keyDigest(match[1]);
    const keyHash = digest.toString('hex');
    if (isOneOfDigests(digest, this.adminKeyDigests)) {
      request.principal = { kind: 'admin', actor: adminActor(keyHash) };
      return true;
    }
    const terminal = await this.terminals.findActiveByKeyHash(keyHash);
    if (!terminal) throw unauthenticated();
    if (level !== 'admin-or-terminal') {
      throw new DomainError(403, ErrorCode.FORBIDDEN, 'This endpoint needs an admin key');
    }
    request.principal = {
      kind: 'terminal',
      actor: `terminal:${terminal.terminalId}`,
      terminalId: terminal.terminalId,
      venueCode: terminal.venueCode,
    };
    return true;
  }
}
