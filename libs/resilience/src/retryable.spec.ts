import { isRetryableError } from './retryable';
import { TimeoutError } from './timeout';

function errorWith(fields: Record<string, unknown>): Error {
  return Object.assign(new Error('failed'), fields);
}

describe('isRetryableError', () => {
  it.each(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN'])(
    'retries the transient network error %s',
    (code) => {
      expect(isRetryableError(errorWith({ code }))).toBe(true);
    },
  );

  it('retries a network error wrapped as the cause, as fetch reports it', () => {
    const fetchFailure = new TypeError('fetch failed', {
      cause: errorWith({ code: 'ECONNRESET' }),
    });
    expect(isRetryableError(fetchFailure)).toBe(true);
  });

  it('retries timeouts', () => {
    expect(isRetryableError(new TimeoutError(100))).toBe(true);
  });

  it('follows kafkajs’ retriable flag both ways', () => {
    expect(isRetryableError(errorWith({ retriable: true }))).toBe(true);
    expect(isRetryableError(errorWith({ retriable: false, code: 'ECONNRESET' }))).toBe(false);
  });

  it.each([408, 429, 502, 503, 504])('retries status %i', (status) => {
    expect(isRetryableError(errorWith({ status }))).toBe(true);
    expect(isRetryableError(errorWith({ statusCode: status }))).toBe(true);
  });

  it.each([400, 401, 403, 404, 409, 412, 422, 500])('does not retry status %i', (status) => {
    expect(isRetryableError(errorWith({ status }))).toBe(false);
  });

  it('does not retry what it does not recognise', () => {
    expect(isRetryableError(new Error('bug'))).toBe(false);
    expect(isRetryableError(errorWith({ code: 'ENOENT' }))).toBe(false);
    expect(isRetryableError('a string')).toBe(false);
    expect(isRetryableError(undefined)).toBe(false);
  });
});
