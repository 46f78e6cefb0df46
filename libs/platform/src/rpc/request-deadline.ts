// Requests carry the moment their caller stops waiting, so a service behind on its queue can skip
// what nobody waits for any more and catch up, instead of falling further behind.
import {
  Injectable,
  type CallHandler,
  type ExecutionContext,
  type NestInterceptor,
} from '@nestjs/common';
import type { KafkaContext } from '@nestjs/microservices';
import { of, type Observable } from 'rxjs';
import { ErrorCode } from '@mcp/protocol';
import { createCounter } from '@mcp/telemetry';

/** Kafka header: ms since the epoch after which the caller no longer waits for the answer. */
export const DEADLINE_HEADER = 'mcp_deadline';

/**
 * Clocks of two hosts differ a little: a request counts as expired only this long after its
 * deadline, so skew never drops a request someone still waits for.
 */
export const DEADLINE_GRACE_MS = 1_000;

const expiredRequests = createCounter({
  name: 'mcp_rpc_expired_requests_total',
  help: 'Kafka requests skipped because their caller had stopped waiting',
  labelNames: ['pattern'],
});

/** Whether a request with this deadline header value is no longer worth serving at `now`. */
export function isExpired(deadline: string | undefined, now: number): boolean {
  if (deadline === undefined) return false;
  const at = Number(deadline);
  return Number.isFinite(at) && now > at + DEADLINE_GRACE_MS;
}

/**
 * Answers an expired Kafka request with a timeout error at once, without running its handler.
 * The caller has already answered its own client (504), which retries if it still cares.
 */
@Injectable()
export class ExpiredRequestInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const kafka = context.switchToRpc().getContext<KafkaContext>();
    const deadline = kafka.getMessage?.()?.headers?.[DEADLINE_HEADER]?.toString();
    if (!isExpired(deadline, Date.now())) return next.handle();
    expiredRequests.inc({ pattern: kafka.getTopic() });
    return of({
      error: { code: ErrorCode.Timeout, detail: 'The request expired before it was served.' },
    });
  }
}
