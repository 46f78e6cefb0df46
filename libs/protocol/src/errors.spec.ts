import { z } from 'zod';
import {
  ConflictError,
  DomainError,
  domainErrorFromCode,
  ErrorCode,
  ForbiddenError,
  InternalError,
  InvalidInputError,
  invalidInputFromZod,
  NotFoundError,
  PayloadTooLargeError,
  PreconditionFailedError,
  ProblemDetailsSchema,
  RateLimitedError,
  TimeoutError,
  toProblemDetails,
  UnauthorizedError,
  UnavailableError,
} from './errors';

describe('domain errors as problem details', () => {
  it.each([
    [new InvalidInputError('bad'), 400, ErrorCode.InvalidInput],
    [new UnauthorizedError('who?'), 401, ErrorCode.Unauthorized],
    [new ForbiddenError('no'), 403, ErrorCode.Forbidden],
    [new NotFoundError('gone'), 404, ErrorCode.NotFound],
    [new ConflictError('taken'), 409, ErrorCode.Conflict],
    [new PreconditionFailedError('stale'), 412, ErrorCode.PreconditionFailed],
    [new PayloadTooLargeError('big'), 413, ErrorCode.PayloadTooLarge],
    [new RateLimitedError('slow down', 3), 429, ErrorCode.RateLimited],
    [new InternalError('oops'), 500, ErrorCode.Internal],
    [new UnavailableError('down'), 503, ErrorCode.Unavailable],
    [new TimeoutError('late'), 504, ErrorCode.Timeout],
  ] as [DomainError, number, ErrorCode][])(
    '%p maps to status %i and code %s',
    (error, status, code) => {
      const problem = toProblemDetails(error, '/v1/things');
      expect(problem).toMatchObject({
        type: `https://mcp.dev/problems/${code}`,
        status,
        code,
        detail: error.message,
        instance: '/v1/things',
      });
      expect(problem.title.length).toBeGreaterThan(0);
      expect(ProblemDetailsSchema.safeParse(problem).success).toBe(true);
    },
  );

  it('includes the offending fields of invalid input, and no errors member otherwise', () => {
    const invalid = new InvalidInputError('bad', [{ path: 'id', message: 'too short' }]);
    expect(toProblemDetails(invalid).errors).toEqual([{ path: 'id', message: 'too short' }]);
    expect(toProblemDetails(new NotFoundError('gone'))).not.toHaveProperty('errors');
    expect(toProblemDetails(new NotFoundError('gone'))).not.toHaveProperty('instance');
  });

  it('keeps the class name as the error name, for logs', () => {
    expect(new ConflictError('x').name).toBe('ConflictError');
    expect(new ConflictError('x')).toBeInstanceOf(DomainError);
  });

  it('rounds a rate limit wait up to whole seconds, at least one', () => {
    expect(new RateLimitedError('x', 0.2).retryAfterSeconds).toBe(1);
    expect(new RateLimitedError('x', 2.1).retryAfterSeconds).toBe(3);
    expect(new RateLimitedError('x').retryAfterSeconds).toBe(1);
  });
});

describe('domainErrorFromCode', () => {
  it('rebuilds the same error class from every code, keeping the detail', () => {
    for (const code of Object.values(ErrorCode)) {
      const error = domainErrorFromCode(code, 'from afar');
      expect(error.code).toBe(code);
      expect(error.message).toBe('from afar');
    }
    expect(domainErrorFromCode(ErrorCode.NotFound, 'x')).toBeInstanceOf(NotFoundError);
  });

  it('treats an unknown code as an internal error', () => {
    expect(domainErrorFromCode('exploded', 'x')).toBeInstanceOf(InternalError);
    expect(domainErrorFromCode('toString', 'x')).toBeInstanceOf(InternalError);
  });
});

describe('invalidInputFromZod', () => {
  const Schema = z.strictObject({
    name: z.string().min(1),
    items: z.array(z.object({ id: z.string() })),
    nested: z.object({ deep: z.object({ n: z.number() }) }).optional(),
  });

  function errorFor(input: unknown) {
    const result = Schema.safeParse(input);
    if (result.success) throw new Error('expected the input to be invalid');
    return result.error;
  }

  it('reports each issue with a dotted path, array indexes included', () => {
    const error = invalidInputFromZod(
      errorFor({ name: '', items: [{ id: 'a' }, { id: 7 }], nested: { deep: { n: 'x' } } }),
    );
    expect(error.issues.map((i) => i.path)).toEqual(['name', 'items.1.id', 'nested.deep.n']);
  });

  it('names each unknown field as its own issue', () => {
    const error = invalidInputFromZod(errorFor({ name: 'a', items: [], extra: 1, other: 2 }));
    expect(error.issues).toEqual([
      { path: 'extra', message: 'is not a known field' },
      { path: 'other', message: 'is not a known field' },
    ]);
  });

  it('writes a readable detail naming what was invalid and each field', () => {
    const error = invalidInputFromZod(errorFor({ name: 'a', items: [], extra: 1 }), 'tenant');
    expect(error.message).toBe('Invalid tenant: extra: is not a known field.');
  });

  it('reports a problem with the whole input under an empty path', () => {
    const error = invalidInputFromZod(errorFor('not an object'));
    expect(error.issues).toHaveLength(1);
    expect(error.issues[0].path).toBe('');
    expect(error.message).toBe('Invalid input: expected object, received string.');
  });
});
