// Reading and carrying W3C trace context, e.g. through an outbox row into a Kafka header.
import {
  context,
  defaultTextMapGetter,
  defaultTextMapSetter,
  isSpanContextValid,
  trace,
} from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

// Used directly rather than the global propagator so the format is W3C whatever the SDK registered.
const w3c = new W3CTraceContextPropagator();

/** The trace id of the active span, if a valid one is active. */
export function currentTraceId(): string | undefined {
  const spanContext = trace.getActiveSpan()?.spanContext();
  return spanContext && isSpanContextValid(spanContext) ? spanContext.traceId : undefined;
}

/** The W3C `traceparent` of the active span, if any. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  w3c.inject(context.active(), carrier, defaultTextMapSetter);
  return carrier['traceparent'];
}

/** Runs `fn` with the span context described by `traceparent` as the active (remote) parent. */
export function withRemoteParent<T>(traceparent: string | undefined, fn: () => T): T {
  if (!traceparent) return fn();
  const extracted = w3c.extract(context.active(), { traceparent }, defaultTextMapGetter);
  return context.with(extracted, fn);
}
