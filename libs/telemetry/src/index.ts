export { startTelemetry, spanProcessorsFor } from './start-telemetry';
export type { TelemetryOptions, TelemetryHandle } from './start-telemetry';
export { parseOtelEnv } from './otel-env';
export type { TelemetryExportConfig } from './otel-env';
export { createLogger, traceLogFields } from './logger';
export type { Logger, LoggerOptions } from './logger';
export { NestLoggerAdapter } from './nest-logger.adapter';
export { metrics, renderMetrics, createCounter, createHistogram, createGauge } from './metrics';
export { currentTraceId, currentTraceparent, withRemoteParent } from './trace-context';
