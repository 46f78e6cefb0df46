import { parseOtelEnv } from './otel-env';
import { spanProcessorsFor } from './start-telemetry';

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

  it('prefers the traces-specific OTLP endpoint, taken as given', () => {
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

describe('spanProcessorsFor', () => {
  it('batches spans to each configured exporter', () => {
    const processors = spanProcessorsFor({
      disabled: false,
      otlpTracesUrl: 'http://collector:4318/v1/traces',
      zipkinUrl: 'http://zipkin:9411/api/v2/spans',
    });
    expect(processors.map((p) => p.constructor.name)).toEqual([
      'BatchSpanProcessor',
      'BatchSpanProcessor',
    ]);
  });

  it('still creates spans, exporting none, when no exporter is configured', () => {
    expect(spanProcessorsFor({ disabled: false }).map((p) => p.constructor.name)).toEqual([
      'NoopSpanProcessor',
    ]);
  });
});
