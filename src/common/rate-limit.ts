import rateLimit from '@fastify/rate-limit';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { keyDigest } from '../auth/principal';
import { DomainError, ErrorCode } from './errors';

/**
 * The bucket of a request: the fingerprint of its bearer key (never the key itself), else its
 * address. It runs before authentication, so a wrong key has a bucket of its own.
 */
function callerOf(request: FastifyRequest): string {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && authorization.length > 0) {
    return `key:${keyDigest(authorization).toString('base64url', 0, 16)}`;
  }
  return `ip:${request.ip}`;
}

/**
 * Requests per caller per minute, counted in this process by Fastify's own rate limiter, before
 * any Nest code runs (a refused request costs almost nothing and records nothing). A limit, not
 * a correctness rule: instances sharing a database each count their own. 0 turns it off.
 */
export function registerRateLimit(fastify: FastifyInstance, perMinute: number): void {
  if (perMinute === 0) return;
  void fastify.register(rateLimit, {
    global: true,
    hook: 'onRequest',
    max: perMinute,
    timeWindow: 60_000,
    keyGenerator: callerOf,
    addHeadersOnExceeding: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false },
    addHeaders: { 'x-ratelimit-limit': false, 'x-ratelimit-remaining': false, 'x-ratelimit-reset': false, 'retry-after': true },
    errorResponseBuilder: (_request, context) =>
      new DomainError(429, ErrorCode.TOO_MANY_REQUESTS, `Too many requests: at most ${context.max} a minute; retry in ${context.after}`),
  });
}
