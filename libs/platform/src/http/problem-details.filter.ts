import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { ServerResponse } from 'node:http';
import type { Request, Response } from 'express';
import {
  DomainError,
  ErrorCode,
  InternalError,
  InvalidInputError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthorizedError,
  domainErrorFromCode,
  toProblemDetails,
} from '@mcp/protocol';

/**
 * The one place an HTTP error becomes an RFC 9457 problem+json answer: our domain errors, Nest's
 * own HTTP exceptions (unknown route, …) and body-parser failures (malformed JSON, oversized body).
 */
@Catch()
export class ProblemDetailsFilter implements ExceptionFilter {
  private readonly logger = new Logger('http');

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() !== 'http') throw exception;
    const http = host.switchToHttp();
    const request = http.getRequest<Request>();
    const response = http.getResponse<Response>();
    const error = toDomainError(exception);
    if (error.code === ErrorCode.Internal) {
      this.logger.error({ err: exception, path: request.path }, 'unhandled error');
    }
    sendProblem(response, error, request.originalUrl ?? request.url);
  }
}

/** Writes `error` as problem+json on any Node response (Express's included). */
export function sendProblem(response: ServerResponse, error: DomainError, instance?: string): void {
  if (response.headersSent) return;
  if (error instanceof RateLimitedError) {
    response.setHeader('Retry-After', String(error.retryAfterSeconds));
  }
  if (error instanceof UnauthorizedError) {
    response.setHeader('WWW-Authenticate', 'Bearer');
  }
  const body = JSON.stringify(toProblemDetails(error, instance));
  response.statusCode = error.status;
  response.setHeader('Content-Type', 'application/problem+json; charset=utf-8');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.end(body);
}

/** Maps anything thrown while serving a request to a named domain error. */
export function toDomainError(exception: unknown): DomainError {
  if (exception instanceof DomainError) return exception;
  const bodyParserFailure = asBodyParserError(exception);
  if (bodyParserFailure === 'entity.parse.failed') {
    return new InvalidInputError('The request body is not valid JSON.');
  }
  if (bodyParserFailure === 'entity.too.large') {
    return new PayloadTooLargeError('The request body is larger than this endpoint accepts.');
  }
  if (bodyParserFailure) {
    return new InvalidInputError(`The request body could not be read (${bodyParserFailure}).`);
  }
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    if (status === 404) return new NotFoundError('No such resource.');
    if (status === 413) return new PayloadTooLargeError(exception.message);
    if (status === 400) {
      const cause = exception.cause;
      const parserCause = asBodyParserError(cause);
      if (parserCause === 'entity.parse.failed' || exception.message.includes('JSON')) {
        return new InvalidInputError('The request body is not valid JSON.');
      }
      return new InvalidInputError(exception.message);
    }
    if (status >= 400 && status < 500)
      return domainErrorFromCode(codeForStatus(status), exception.message);
  }
  return new InternalError('An unexpected error occurred; it has been logged.');
}

function asBodyParserError(value: unknown): string | undefined {
  if (typeof value === 'object' && value !== null && 'type' in value) {
    const type = (value as { type: unknown }).type;
    if (typeof type === 'string' && type.startsWith('entity.')) return type;
    if (type === 'encoding.unsupported' || type === 'charset.unsupported') return type;
  }
  return undefined;
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 401:
      return ErrorCode.Unauthorized;
    case 403:
      return ErrorCode.Forbidden;
    case 409:
      return ErrorCode.Conflict;
    case 412:
      return ErrorCode.PreconditionFailed;
    case 429:
      return ErrorCode.RateLimited;
    default:
      return ErrorCode.InvalidInput;
  }
}
