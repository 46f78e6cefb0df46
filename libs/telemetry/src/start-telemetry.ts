// Starts OpenTelemetry tracing. Call once, first thing in main.ts: instrumentations only patch
// modules (http, express, Nest, kafkajs, pg) that are required after this runs.
import { diag, DiagLogLevel, type DiagLogger } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ZipkinExporter } from '@opentelemetry/exporter-zipkin';
import { ExpressInstrumentation, ExpressLayerType } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KafkaJsInstrumentation } from '@opentelemetry/instrumentation-kafkajs';
import { NestInstrumentation } from '@opentelemetry/instrumentation-nestjs-core';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions';
import { createLogger } from './logger';
import { parseOtelEnv, type TelemetryExportConfig } from './otel-env';

export interface TelemetryOptions {
  serviceName: string;
  serviceVersion?: string;
  /** Where the OTEL_* variables are read from; process.env by default. */
  env?: NodeJS.ProcessEnv;
}

export interface TelemetryHandle {
  /** Flushes pending spans and stops the SDK. */
  shutdown(): Promise<void>;
}

// Scrapes and probes would otherwise produce a trace every few seconds.
const UNTRACED_PATHS = /^\/(metrics|health)(\/|\?|$)/;

let active: TelemetryHandle | undefined;

/** The span processors for the configured exporters. */
export function spanProcessorsFor(config: TelemetryExportConfig): SpanProcessor[] {
  const processors: SpanProcessor[] = [];
  if (config.otlpTracesUrl) {
    processors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: config.otlpTracesUrl })));
  }
  if (config.zipkinUrl) {
    processors.push(new BatchSpanProcessor(new ZipkinExporter({ url: config.zipkinUrl })));
  }
  // Without an exporter spans are still created, so trace ids reach the logs and traceparent
  // still travels through Kafka to services that do export.
  if (processors.length === 0) processors.push(new NoopSpanProcessor());
  return processors;
}

export function startTelemetry(opts: TelemetryOptions): TelemetryHandle {
  if (active) return active;
  const config = parseOtelEnv(opts.env ?? process.env);
  if (config.disabled) {
    active = { shutdown: async () => undefined };
    return active;
  }

  const log = createLogger({ service: opts.serviceName }).child({ component: 'otel' });
  // Exporter failures (collector down) are reported once per batch as warnings, not thrown.
  const diagLogger: DiagLogger = {
    error: (message, ...args) => log.error({ args }, message),
    warn: (message, ...args) => log.warn({ args }, message),
    info: () => undefined,
    debug: () => undefined,
    verbose: () => undefined,
  };
  diag.setLogger(diagLogger, { logLevel: DiagLogLevel.WARN, suppressOverrideMessage: true });

  const sdk = new NodeSDK({
    serviceName: opts.serviceName,
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: opts.serviceName,
      ...(opts.serviceVersion ? { [ATTR_SERVICE_VERSION]: opts.serviceVersion } : {}),
    }),
    spanProcessors: spanProcessorsFor(config),
    // Explicitly empty: otherwise the SDK defaults metrics and logs to an OTLP exporter.
    metricReaders: [],
    logRecordProcessors: [],
    textMapPropagator: new W3CTraceContextPropagator(),
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) => UNTRACED_PATHS.test(request.url ?? ''),
      }),
      // A span per middleware and router layer cost more than the request itself on hot paths
      // (heartbeats); the route handler's span says what matters.
      new ExpressInstrumentation({
        ignoreLayersType: [ExpressLayerType.MIDDLEWARE, ExpressLayerType.ROUTER],
      }),
      new NestInstrumentation(),
      new KafkaJsInstrumentation(),
      // Pool housekeeping and health pings outside a request are not worth a trace.
      new PgInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();

  let stopped: Promise<void> | undefined;
  active = {
    shutdown: () => {
      stopped ??= sdk.shutdown().catch((error: unknown) => {
        log.warn({ err: error }, 'telemetry shutdown failed');
      });
      return stopped;
    },
  };
  return active;
}
