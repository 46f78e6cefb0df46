/** The default answer to "is this failure worth another attempt?". */

// Transient socket and DNS failures: the peer was down, restarting or unreachable for a moment.
const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'ESOCKETTIMEDOUT',
  'EPIPE',
  'EHOSTUNREACH',
  'EHOSTDOWN',
  'ENETUNREACH',
  'ENETDOWN',
  'EAI_AGAIN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
  'UND_ERR_HEADERS_TIMEOUT',
]);

// Statuses that say "try again later" rather than "your request is wrong".
const RETRYABLE_STATUSES = new Set([408, 429, 502, 503, 504]);

// fetch() wraps the socket error as the cause of a TypeError; follow causes this deep.
const MAX_CAUSE_DEPTH = 3;

/**
 * Retryable: transient network errors (by `code`, also on an error's `cause`), timeouts, errors
 * marked `retriable: true` (kafkajs' convention) and HTTP statuses 408/429/502/503/504.
 * Not retryable: `retriable: false`, any other status, and anything unrecognised — retrying an
 * unknown failure hides bugs and multiplies load.
 */
export function isRetryableError(err: unknown): boolean {
  return classify(err, 0) ?? false;
}

function classify(err: unknown, depth: number): boolean | undefined {
  if (typeof err !== 'object' || err === null) return undefined;
  const fields = err as {
    name?: unknown;
    code?: unknown;
    retriable?: unknown;
    status?: unknown;
    statusCode?: unknown;
    cause?: unknown;
  };

  if (fields.retriable === true) return true;
  if (fields.retriable === false) return false;
  if (fields.name === 'TimeoutError') return true;
  if (typeof fields.code === 'string' && TRANSIENT_NETWORK_CODES.has(fields.code)) return true;

  const status = typeof fields.status === 'number' ? fields.status : fields.statusCode;
  if (typeof status === 'number') return RETRYABLE_STATUSES.has(status);

  return depth < MAX_CAUSE_DEPTH ? classify(fields.cause, depth + 1) : undefined;
}
