import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import { ErrorCode } from './errors';

/**
 * The errors raised before a request reaches Fastify's router or Nest, answered in the body of
 * SPEC §1 like every other error: Node's HTTP parser rejecting a request (`clientError`), and
 * requests that arrive while the service shuts down.
 */

interface EdgeError {
  statusCode: number;
  code: ErrorCode;
  message: string;
}

function clientErrorBody(code: string | undefined): EdgeError {
  if (code === 'HPE_HEADER_OVERFLOW') {
    return { statusCode: 431, code: ErrorCode.HEADERS_TOO_LARGE, message: 'The request line and headers exceed 16 KiB' };
  }
  if (code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return { statusCode: 408, code: ErrorCode.REQUEST_TIMEOUT, message: 'The request was not received in time' };
  }
  return {
    statusCode: 400,
    code: ErrorCode.VALIDATION_FAILED,
    message: 'The HTTP request is malformed (e.g. a control character in a header)',
  };
}

/**
 * Fastify's `clientErrorHandler`: the socket has no request object yet, so the answer is
 * written by hand, then the connection is closed (as Node itself does).
 */
export function answerClientError(error: Error & { code?: string }, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed) return;
  const answer = clientErrorBody(error.code);
  const body = JSON.stringify(answer);
  const { statusCode } = answer;
  if (socket.writable) {
    socket.write(
      `HTTP/1.1 ${statusCode} ${STATUS_CODES[statusCode]}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Once closing has begun, a request that still arrives (on a kept-alive connection) is answered
 * 503 SERVICE_UNAVAILABLE in our body instead of Fastify's own (`return503OnClosing: false`), and
 * the answers of the requests in flight say `Connection: close`: their kept-alive connections
 * would otherwise hold the closing server open for Fastify's keep-alive timeout (72 s) after
 * they were answered.
 */
export function answerServiceUnavailableWhileClosing(fastify: FastifyInstance): void {
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onSend', (_request, reply, payload, done) => {
    if (closing) void reply.header('connection', 'close');
    done(null, payload);
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    void reply
      .code(503)
      .header('connection', 'close')
      .header('content-type', 'application/json; charset=utf-8')
      .send({ statusCode: 503, code: ErrorCode.SERVICE_UNAVAILABLE, message: 'The service is shutting down; retry on another instance' });
  });
}

/**
 * Fastify's `frameworkErrors`: its router refusing a request before any route or Nest code runs —
 * a URL whose percent-encoding is not UTF-8 (`/cards/%ff`). Answered in our body, naming the
 * path and quoting nothing of it (Fastify's own answer quotes the whole URL, query included).
 */
export function answerFrameworkError(error: FastifyError, request: FastifyRequest, reply: FastifyReply): void {
  request.errorCode = ErrorCode.VALIDATION_FAILED;
  const badUrl = error.code === 'FST_ERR_BAD_URL';
  void reply.code(400).send({
    statusCode: 400,
    code: ErrorCode.VALIDATION_FAILED,
    message: badUrl ? 'The URL is not valid percent-encoded UTF-8' : 'The request could not be routed',
    ...(badUrl ? { details: [{ field: 'path', message: 'path is not valid percent-encoded UTF-8', constraint: 'encoding' }] } : {}),
  });
}
