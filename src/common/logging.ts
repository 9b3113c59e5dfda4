import type { LoggerService } from '@nestjs/common';
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify';
import pino, { type DestinationStream, type Logger } from 'pino';

declare module 'fastify' {
  interface FastifyRequest {
    /** The stable error code of a 4xx/5xx answer, set by the exception filter, logged with the request. */
    errorCode?: string;
  }
}

/**
 * The service's one logger: pino, JSON lines. Fastify owns it (`loggerInstance`), so request
 * logs need no Nest middleware, and Nest's own messages are routed to it by `NestPinoLogger`.
 * Bodies are never logged (they carry ssns), headers never either (they carry keys).
 */
export function createLogger(level: string, destination?: DestinationStream): Logger {
  const options = { level, base: undefined, timestamp: pino.stdTimeFunctions.isoTime };
  // Standard output, written asynchronously: lines that come while a write is under way go out
  // together with the next one, instead of one blocking write per request. pino flushes at exit.
  // At most 16 MiB waits for a slow stdout; past that lines are dropped rather than memory grown.
  return pino(options, destination ?? pino.destination({ dest: 1, sync: false, maxLength: 16 * 1024 * 1024 }));
}

/**
 * One line per answered request, written when the answer has gone out: request id, method,
 * route, status, time taken and, for an error, its stable code. It replaces Fastify's two
 * default lines (`incoming request`, `request completed`) and its own error lines (our
 * exception filter answers every error, and its code is on this line).
 */
export class RequestLogController extends LogController {
  constructor(private readonly enabled: boolean) {
    super();
  }

  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (!this.enabled) return;
    // request.log is the service's logger itself (no per-request child: see createApp).
    const line: Record<string, unknown> = {
      reqId: request.id,
      method: request.method,
      url: request.routeOptions.url ?? 'unmatched',
      statusCode: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
    };
    if (request.errorCode) line.code = request.errorCode;
    if (error || reply.statusCode >= 500) request.log.error(error ? { ...line, err: error } : line, 'request failed');
    else request.log.info(line, 'request');
  }

  override defaultErrorLog(): void {}

  override routeNotFound(): void {}
}

/** Nest's LoggerService over the pino logger, so framework and service messages are JSON lines too. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }
  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }
  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }
  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }
  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }
  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  /** Nest passes the context (the logger's name) last; an error's stack comes before it. */
  private write(level: pino.Level, message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const context = typeof rest[rest.length - 1] === 'string' ? (rest[rest.length - 1] as string) : undefined;
    const stack = rest.length > 1 && typeof rest[0] === 'string' ? rest[0] : undefined;
    const fields: Record<string, unknown> = {};
    if (context) fields.context = context;
    if (stack) fields.stack = stack;
    if (message instanceof Error) this.logger[level]({ ...fields, err: message }, message.message);
    else if (typeof message === 'object' && message !== null) this.logger[level]({ ...fields, ...message });
    else this.logger[level](fields, String(message));
  }
}
