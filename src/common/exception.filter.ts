import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, ErrorCode, FieldError } from './errors';

interface ErrorBody {
  statusCode: number;
  code: string;
  message: string;
  details?: FieldError[];
}

/**
 * The messages of errors raised by the framework. Theirs are not answered: they may quote what
 * was sent (Fastify's 415 names the content type, Nest's 404 the URL).
 */
const MESSAGE_BY_STATUS: Record<number, string> = {
  400: 'The request is malformed',
  404: 'Route not found',
  405: 'Route not found',
  408: 'The request was not received in time',
  413: 'The body is larger than this endpoint takes (1 MiB; 16 MiB for an import)',
  414: 'The URL is too long',
  415: 'Bodies are read as application/json only (and text/csv where an endpoint says so)',
  429: 'Too many requests; retry later',
  431: 'The request line and headers are too large',
  503: 'The service is unavailable; retry later',
};

const CODE_BY_STATUS: Record<number, ErrorCode> = {
  400: ErrorCode.VALIDATION_FAILED,
  401: ErrorCode.UNAUTHENTICATED,
  403: ErrorCode.FORBIDDEN,
  404: ErrorCode.NOT_FOUND,
  413: ErrorCode.PAYLOAD_TOO_LARGE,
  408: ErrorCode.REQUEST_TIMEOUT,
  415: ErrorCode.UNSUPPORTED_MEDIA_TYPE,
  431: ErrorCode.HEADERS_TOO_LARGE,
  429: ErrorCode.TOO_MANY_REQUESTS,
  503: ErrorCode.SERVICE_UNAVAILABLE,
};

/**
 * The one exception filter. Domain errors keep their code; framework errors (route not found,
 * body too large, a content type not read) get the code and message of their status; anything else is logged and
 * becomes a plain 500 without internals.
 */
@Catch()
export class GlobalExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const body = this.toBody(exception);
    void reply.status(body.statusCode).header('content-type', 'application/json; charset=utf-8').send(body);
  }

  private toBody(exception: unknown): ErrorBody {
    if (exception instanceof DomainError) {
      const body: ErrorBody = { statusCode: exception.statusCode, code: exception.code, message: exception.message };
      if (exception.details) body.details = exception.details;
      return body;
    }
    if (exception instanceof HttpException) return this.framework(exception.getStatus());
    // Fastify's own errors (malformed JSON, body limit, content type) carry a statusCode and an FST_ code.
    const fastifyError = exception as { statusCode?: number };
    if (typeof fastifyError?.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
      return this.framework(fastifyError.statusCode);
    }
    this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    return { statusCode: 500, code: ErrorCode.INTERNAL_ERROR, message: 'Internal server error' };
  }

  private framework(status: number): ErrorBody {
    const code = CODE_BY_STATUS[status] ?? (status >= 500 ? ErrorCode.INTERNAL_ERROR : ErrorCode.VALIDATION_FAILED);
    const body: ErrorBody = { statusCode: status, code, message: MESSAGE_BY_STATUS[status] ?? 'The request cannot be answered' };
    if (status === 400) body.details = [{ field: 'body', constraint: 'format', message: body.message }];
    return body;
  }
}
