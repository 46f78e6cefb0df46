// @mcp/resilience — our retry, circuit-breaker, timeout, rate-limit and bulkhead policies
// and their defaults. Framework-free: no Nest, Kafka or Postgres in here.
export { backoffDelay, type BackoffOptions } from './backoff';
export { isRetryableError } from './retryable';
export { RetryPolicy, type RetryPolicyOptions, type RetryExecuteOptions } from './retry-policy';
export {
  CircuitBreaker,
  CircuitOpenError,
  type CircuitBreakerOptions,
  type CircuitState,
} from './circuit-breaker';
export { TimeoutError, withTimeout } from './timeout';
export { TokenBucket, type TokenBucketOptions } from './token-bucket';
export { Bulkhead, BulkheadFullError, type BulkheadOptions } from './bulkhead';
