import type { Tracer } from '@opentelemetry/api';
import { inMemoryTracing } from './testing/in-memory-tracing';
import { currentTraceId, currentTraceparent, withRemoteParent } from './trace-context';

describe('trace context', () => {
  let tracing: { tracer: Tracer; stop(): Promise<void> };

  beforeAll(() => {
    tracing = inMemoryTracing();
  });

  afterAll(async () => {
    await tracing.stop();
  });

  it('carries a span through its traceparent so work elsewhere continues the same trace', () => {
    let traceparent: string | undefined;
    let parent = { traceId: '', spanId: '' };
    tracing.tracer.startActiveSpan('write', (span) => {
      parent = span.spanContext();
      expect(currentTraceId()).toBe(parent.traceId);
      traceparent = currentTraceparent();
      span.end();
    });
    expect(traceparent).toBe(`00-${parent.traceId}-${parent.spanId}-01`);

    const child = withRemoteParent(traceparent, () => {
      expect(currentTraceId()).toBe(parent.traceId);
      const span = tracing.tracer.startSpan('publish');
      span.end();
      return span;
    });
    expect(child.spanContext().traceId).toBe(parent.traceId);
    expect(child.spanContext().spanId).not.toBe(parent.spanId);
  });

  it('has no trace id or traceparent outside a span', () => {
    expect(currentTraceId()).toBeUndefined();
    expect(currentTraceparent()).toBeUndefined();
  });

  it('runs the function without a parent when the traceparent is absent or malformed', () => {
    expect(withRemoteParent(undefined, () => currentTraceId())).toBeUndefined();
    expect(withRemoteParent('garbage', () => currentTraceId())).toBeUndefined();
  });
});
