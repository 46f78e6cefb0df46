// The OpenTelemetry environment variables: the one place telemetry reads the environment itself,
// because tracing must start before any app configuration module is loaded.
import { z } from 'zod';

const flag = z
  .enum(['true', 'false', '1', '0', ''])
  .optional()
  .transform((value) => value === 'true' || value === '1');

const optionalUrl = z
  .string()
  .trim()
  .optional()
  .transform((value) => (value ? value : undefined))
  .pipe(z.url().optional());

const otelEnvSchema = z.object({
  OTEL_SDK_DISABLED: flag,
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_ZIPKIN_ENDPOINT: optionalUrl,
});

export interface TelemetryExportConfig {
  /** OTEL_SDK_DISABLED=true: no SDK at all (no spans, no instrumentation). */
  disabled: boolean;
  /** Full OTLP/HTTP traces URL (…/v1/traces), when an OTLP collector is configured. */
  otlpTracesUrl?: string;
  /** Full Zipkin URL (…/api/v2/spans), when a Zipkin collector is configured. */
  zipkinUrl?: string;
}

/**
 * Reads OTEL_SDK_DISABLED, OTEL_EXPORTER_OTLP_ENDPOINT (base URL, `/v1/traces` appended),
 * OTEL_EXPORTER_OTLP_TRACES_ENDPOINT (full URL, wins over the base) and
 * OTEL_EXPORTER_ZIPKIN_ENDPOINT (full URL). Throws on a malformed value so a typo fails at boot.
 */
export function parseOtelEnv(env: NodeJS.ProcessEnv): TelemetryExportConfig {
  const parsed = otelEnvSchema.safeParse(env);
  if (!parsed.success) {
    throw new Error(`invalid OpenTelemetry environment: ${z.prettifyError(parsed.error)}`);
  }
  const vars = parsed.data;
  const otlpTracesUrl =
    vars.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ??
    (vars.OTEL_EXPORTER_OTLP_ENDPOINT
      ? `${vars.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`
      : undefined);
  return {
    disabled: vars.OTEL_SDK_DISABLED,
    ...(otlpTracesUrl ? { otlpTracesUrl } : {}),
    ...(vars.OTEL_EXPORTER_ZIPKIN_ENDPOINT
      ? { zipkinUrl: vars.OTEL_EXPORTER_ZIPKIN_ENDPOINT }
      : {}),
  };
}
