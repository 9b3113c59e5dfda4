import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Principal } from '../../auth/principal';
import { DomainError, ErrorCode } from '../../common/errors';
import { FAULT_ROUTES, FaultedRequest } from './fault-rules';
import { FaultsService } from './faults.service';

const ROUTES: ReadonlySet<string> = new Set(FAULT_ROUTES);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** The venues a request is about: the terminal's, or those an admin key's body names. */
function venueCodesOf(request: FastifyRequest & { principal?: Principal }): string[] {
  if (request.principal?.kind === 'terminal') return [request.principal.venueCode];
  const body = request.body as { venueCode?: unknown; taps?: unknown } | undefined;
  const taps = Array.isArray(body?.taps) ? (body.taps as { venueCode?: unknown }[]) : [body];
  return taps.flatMap((tap) => (typeof tap?.venueCode === 'string' ? [tap.venueCode] : []));
}

/**
 * Fault injection (SPEC §6): before a faultable route's handler reads or writes anything (after
 * authentication, so a rule can name a terminal), delays the request and then lets it through
 * or answers it with its rule's fault. The routes themselves know nothing of it.
 *
 * A guard, the last global one (SimulationModule's enhancers come after AppModule's AuthGuard),
 * rather than an interceptor: with no fault rules it costs one check, where any global
 * interceptor puts every request through Nest's rxjs chain and two AsyncResource bindings.
 */
@Injectable()
export class FaultGuard implements CanActivate {
  constructor(private readonly faults: FaultsService) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (!this.faults.active() || context.getType() !== 'http') return true;
    const http = context.switchToHttp();
    const request = http.getRequest<FastifyRequest & { principal?: Principal }>();
    const route = `${request.method} ${request.routeOptions.url ?? ''}`;
    if (!ROUTES.has(route)) return true;
    const faulted: FaultedRequest = {
      route,
      venueCodes: venueCodesOf(request),
      terminalId: request.principal?.kind === 'terminal' ? request.principal.terminalId : null,
    };
    const outcome = this.faults.decide(faulted);
    if (!outcome) return true;
    if (outcome.delayMs > 0) await sleep(outcome.delayMs);
    const reply = http.getResponse<FastifyReply>();
    switch (outcome.fault) {
      case null:
        return true;
      case 'UNAVAILABLE':
        throw new DomainError(503, ErrorCode.INJECTED_FAULT, 'Fault injected by /sim/faults; nothing was recorded');
      case 'RATE_LIMITED':
        void reply.header('Retry-After', '1');
        throw new DomainError(429, ErrorCode.TOO_MANY_REQUESTS, 'Rate limit injected by /sim/faults; retry after the Retry-After seconds; nothing was recorded');
      case 'RESET':
      case 'TIMEOUT':
        // No answer at all: the connection is closed under the client.
        reply.hijack();
        reply.raw.destroy();
        request.raw.destroy();
        // Never settles: the handler never runs, and nothing holds the promise once the socket is gone.
        return new Promise<boolean>(() => undefined);
    }
  }
}
