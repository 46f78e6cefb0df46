import { Writable } from 'node:stream';
import { context, type Tracer } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { createLogger } from './logger';
import { NestLoggerAdapter } from './nest-logger.adapter';
import { createCounter, renderMetrics } from './metrics';
import { parseOtelEnv } from './otel-env';
import { currentTraceId, currentTraceparent, withRemoteParent } from './trace-context';

function captureLines(): { stream: Writable; lines: () => Record<string, unknown>[] } {
  const chunks: string[] = [];
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const lines = () =>
    chunks
      .join('')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  return { stream, lines };
}

describe('trace context', () => {
  const contextManager = new AsyncLocalStorageContextManager();
  let tracer: Tracer;
  let provider: BasicTracerProvider;

  beforeAll(() => {
    context.setGlobalContextManager(contextManager.enable());
    provider = new BasicTracerProvider();
    tracer = provider.getTracer('test');
  });

  afterAll(async () => {
    await provider.shutdown();
    context.disable();
  });

  it('logs trace_id and span_id inside a span and omits them outside', () => {
    const { stream, lines } = captureLines();
    const logger = createLogger({ service: 'registry', destination: stream });

    logger.info('outside');
    let spanIds = { traceId: '', spanId: '' };
    tracer.startActiveSpan('work', (span) => {
      spanIds = span.spanContext();
      logger.info('inside');
      span.end();
    });

    const [outside, inside] = lines();
    expect(outside).toMatchObject({ level: 'info', service: 'registry', msg: 'outside' });
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
    expect(inside).toMatchObject({
      level: 'info',
      service: 'registry',
      msg: 'inside',
      trace_id: spanIds.traceId,
      span_id: spanIds.spanId,
    });
    expect(typeof inside?.['time']).toBe('string');
  });

  it('carries a span through its traceparent so work elsewhere continues the same trace', () => {
    let traceparent: string | undefined;
    let parent = { traceId: '', spanId: '' };
    tracer.startActiveSpan('write', (span) => {
      parent = span.spanContext();
      traceparent = currentTraceparent();
      span.end();
    });
    expect(traceparent).toBe(`00-${parent.traceId}-${parent.spanId}-01`);
    expect(currentTraceparent()).toBeUndefined();

    const child = withRemoteParent(traceparent, () => {
      expect(currentTraceId()).toBe(parent.traceId);
      const span = tracer.startSpan('publish');
      span.end();
      return span;
    });
    expect(child.spanContext().traceId).toBe(parent.traceId);
    expect(child.spanContext().spanId).not.toBe(parent.spanId);
    expect(currentTraceId()).toBeUndefined();
  });

  it('runs the function without a parent when no traceparent was stored', () => {
    expect(withRemoteParent(undefined, () => currentTraceId())).toBeUndefined();
    expect(withRemoteParent('garbage', () => currentTraceId())).toBeUndefined();
  });
});

describe('parseOtelEnv', () => {
  it('exports nowhere when no collector is configured', () => {
    expect(parseOtelEnv({})).toEqual({ disabled: false });
  });

  it('appends /v1/traces to the OTLP base endpoint', () => {
    expect(parseOtelEnv({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' })).toEqual({
      disabled: false,
      otlpTracesUrl: 'http://collector:4318/v1/traces',
    });
  });

  it('prefers the traces-specific OTLP endpoint as given', () => {
    const config = parseOtelEnv({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
      OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://other:4318/custom',
    });
    expect(config.otlpTracesUrl).toBe('http://other:4318/custom');
  });

  it('selects Zipkin alongside OTLP when both are set', () => {
    expect(
      parseOtelEnv({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318',
        OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'http://zipkin:9411/api/v2/spans',
      }),
    ).toEqual({
      disabled: false,
      otlpTracesUrl: 'http://collector:4318/v1/traces',
      zipkinUrl: 'http://zipkin:9411/api/v2/spans',
    });
  });

  it('treats OTEL_SDK_DISABLED=true as disabled and empty endpoints as unset', () => {
    expect(parseOtelEnv({ OTEL_SDK_DISABLED: 'true', OTEL_EXPORTER_OTLP_ENDPOINT: '' })).toEqual({
      disabled: true,
    });
  });

  it('rejects a malformed endpoint at start-up', () => {
    expect(() => parseOtelEnv({ OTEL_EXPORTER_ZIPKIN_ENDPOINT: 'not a url' })).toThrow(
      /OTEL_EXPORTER_ZIPKIN_ENDPOINT/,
    );
  });
});

describe('NestLoggerAdapter', () => {
  it("writes Nest's log calls as structured lines with their context", () => {
    const { stream, lines } = captureLines();
    const adapter = new NestLoggerAdapter(
      createLogger({ service: 'gateway', destination: stream }),
    );

    adapter.log('Mapped {/tenants, GET} route', 'RouterExplorer');
    adapter.error('boom', 'Error: boom\n    at x.ts:1', 'ExceptionHandler');

    const [info, error] = lines();
    expect(info).toMatchObject({
      level: 'info',
      service: 'gateway',
      context: 'RouterExplorer',
      msg: 'Mapped {/tenants, GET} route',
    });
    expect(error).toMatchObject({
      level: 'error',
      context: 'ExceptionHandler',
      msg: 'boom',
      stack: 'Error: boom\n    at x.ts:1',
    });
  });
});

describe('metrics', () => {
  it('renders default Node metrics and counters created through the helpers', async () => {
    const counter = createCounter({
      name: 'mcp_test_events_total',
      help: 'events seen by the test',
      labelNames: ['tenant'],
    });
    counter.inc({ tenant: 't1' }, 2);
    expect(createCounter({ name: 'mcp_test_events_total', help: 'again' })).toBe(counter);

    const { contentType, body } = await renderMetrics();
    expect(contentType).toContain('text/plain');
    expect(body).toContain('mcp_test_events_total{tenant="t1"} 2');
    expect(body).toContain('process_cpu_user_seconds_total');
  });
});
