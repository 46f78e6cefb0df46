import { startTelemetry } from '@mcp/telemetry';

/** Started before anything else is loaded, so HTTP, Kafka and pg calls are traced. */
export const telemetry = startTelemetry({ serviceName: 'mcp-config' });
