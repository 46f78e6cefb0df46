/**
 * The named domain errors every service throws, and their one mapping to RFC 9457 problem
 * details (HTTP) and back from an error code (Kafka request/reply).
 */
import { z } from 'zod';

export enum ErrorCode {
  InvalidInput = 'invalid_input',
  Unauthorized = 'unauthorized',
  Forbidden = 'forbidden',
  NotFound = 'not_found',
  Conflict = 'conflict',
  PreconditionFailed = 'precondition_failed',
  PayloadTooLarge = 'payload_too_large',
  RateLimited = 'rate_limited',
  Unavailable = 'unavailable',
  Timeout = 'timeout',
  Internal = 'internal',
}

export interface FieldIssue {
  /** Dotted path into the input (`items.0.id`); empty for the input as a whole. */
  path: string;
  message: string;
}

/** The error's message is its `detail`: a sentence meant for the caller. */
export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  abstract readonly status: number;
  abstract readonly title: string;

  constructor(detail: string, options?: { cause?: unknown }) {
    super(detail, options);
    this.name = new.target.name;
  }

  get detail(): string {
    return this.message;
  }
}

export class InvalidInputError extends DomainError {
  readonly code = ErrorCode.InvalidInput;
  readonly status = 400;
  readonly title = 'Invalid input';

  constructor(
    detail: string,
    readonly issues: FieldIssue[] = [],
  ) {
    super(detail);
  }
}

export class UnauthorizedError extends DomainError {
  readonly code = ErrorCode.Unauthorized;
  readonly status = 401;
  readonly title = 'Unauthorized';
}

export class ForbiddenError extends DomainError {
  readonly code = ErrorCode.Forbidden;
  readonly status = 403;
  readonly title = 'Forbidden';
}

export class NotFoundError extends DomainError {
  readonly code = ErrorCode.NotFound;
  readonly status = 404;
  readonly title = 'Not found';
}

export class ConflictError extends DomainError {
  readonly code = ErrorCode.Conflict;
  readonly status = 409;
  readonly title = 'Conflict';
}

export class PreconditionFailedError extends DomainError {
  readonly code = ErrorCode.PreconditionFailed;
  readonly status = 412;
  readonly title = 'Precondition failed';
}

export class PayloadTooLargeError extends DomainError {
  readonly code = ErrorCode.PayloadTooLarge;
  readonly status = 413;
  readonly title = 'Payload too large';
}

export class RateLimitedError extends DomainError {
  readonly code = ErrorCode.RateLimited;
  readonly status = 429;
  readonly title = 'Rate limited';

  /** Sent as `Retry-After`; whole seconds, at least 1. */
  readonly retryAfterSeconds: number;

  constructor(detail: string, retryAfterSeconds = 1) {
    super(detail);
    this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
  }
}

export class UnavailableError extends DomainError {
  readonly code = ErrorCode.Unavailable;
  readonly status = 503;
  readonly title = 'Service unavailable';
}

/** An upstream (another service, a tenant's instance) did not answer in time. */
export class TimeoutError extends DomainError {
  readonly code = ErrorCode.Timeout;
  readonly status = 504;
  readonly title = 'Upstream timeout';
}

export class InternalError extends DomainError {
  readonly code = ErrorCode.Internal;
  readonly status = 500;
  readonly title = 'Internal error';
}

/** Turns zod's issues into an InvalidInputError a caller can act on. */
export function invalidInputFromZod(error: z.ZodError, what?: string): InvalidInputError {
  const issues = error.issues.flatMap(toFieldIssues);
  const listed = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
  const subject = what ? `Invalid ${what}` : 'Invalid input';
  return new InvalidInputError(listed ? `${subject}: ${listed}.` : `${subject}.`, issues);
}

function toFieldIssues(issue: z.core.$ZodIssue): FieldIssue[] {
  const path = dottedPath(issue.path);
  // zod reports unknown fields once, at the object; callers want each field named.
  if (issue.code === 'unrecognized_keys') {
    return issue.keys.map((key) => ({
      path: path ? `${path}.${key}` : key,
      message: 'is not a known field',
    }));
  }
  // zod's default messages open with "Invalid input: "; the detail already says so.
  return [{ path, message: issue.message.replace(/^Invalid input: /, '') }];
}

function dottedPath(path: readonly PropertyKey[]): string {
  return path.map((segment) => String(segment)).join('.');
}

const PROBLEM_TYPE_BASE = 'https://mcp.dev/problems/';

/** RFC 9457 problem details, with our stable `code` and per-field `errors` as extensions. */
export interface ProblemDetails {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: ErrorCode;
  instance?: string;
  errors?: FieldIssue[];
}

export const ProblemDetailsSchema = z
  .object({
    type: z.url().describe(`A stable URI per error code, under ${PROBLEM_TYPE_BASE}.`),
    title: z.string().describe('Short, human-readable summary of the problem type.'),
    status: z.number().int().describe('The HTTP status code.'),
    detail: z.string().describe('What went wrong with this request, for a human.'),
    code: z.enum(ErrorCode).describe('Stable, machine-readable error code.'),
    instance: z.string().optional().describe('The request path this problem occurred on.'),
    errors: z
      .array(z.object({ path: z.string(), message: z.string() }))
      .optional()
      .describe('For invalid input: one entry per offending field (dotted path).'),
  })
  .meta({
    title: 'ProblemDetails',
    description: 'An error, as application/problem+json (RFC 9457).',
  });

export function problemTypeOf(code: ErrorCode): string {
  return `${PROBLEM_TYPE_BASE}${code}`;
}

export function toProblemDetails(error: DomainError, instance?: string): ProblemDetails {
  const problem: ProblemDetails = {
    type: problemTypeOf(error.code),
    title: error.title,
    status: error.status,
    detail: error.message,
    code: error.code,
  };
  if (instance !== undefined) problem.instance = instance;
  if (error instanceof InvalidInputError && error.issues.length > 0) problem.errors = error.issues;
  return problem;
}

const errorByCode: Record<ErrorCode, (detail: string) => DomainError> = {
  [ErrorCode.InvalidInput]: (d) => new InvalidInputError(d),
  [ErrorCode.Unauthorized]: (d) => new UnauthorizedError(d),
  [ErrorCode.Forbidden]: (d) => new ForbiddenError(d),
  [ErrorCode.NotFound]: (d) => new NotFoundError(d),
  [ErrorCode.Conflict]: (d) => new ConflictError(d),
  [ErrorCode.PreconditionFailed]: (d) => new PreconditionFailedError(d),
  [ErrorCode.PayloadTooLarge]: (d) => new PayloadTooLargeError(d),
  [ErrorCode.RateLimited]: (d) => new RateLimitedError(d),
  [ErrorCode.Unavailable]: (d) => new UnavailableError(d),
  [ErrorCode.Timeout]: (d) => new TimeoutError(d),
  [ErrorCode.Internal]: (d) => new InternalError(d),
};

function isErrorCode(code: string): code is ErrorCode {
  return Object.prototype.hasOwnProperty.call(errorByCode, code);
}

/** Rebuilds the domain error a service answered with; a code we do not know is an internal error. */
export function domainErrorFromCode(code: string, detail: string): DomainError {
  return isErrorCode(code) ? errorByCode[code](detail) : new InternalError(detail);
}
