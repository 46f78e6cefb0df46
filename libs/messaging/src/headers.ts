// Kafka header conventions shared by the relay, the consumer and the dead-letter publisher.
import type { IHeaders } from 'kafkajs';

export const TRACEPARENT_HEADER = 'traceparent';
export const TRACESTATE_HEADER = 'tracestate';

export const DeadLetterHeader = {
  Reason: 'mcp_dlq_reason',
  Stage: 'mcp_dlq_stage',
  Topic: 'mcp_dlq_topic',
  Partition: 'mcp_dlq_partition',
  Offset: 'mcp_dlq_offset',
  Time: 'mcp_dlq_time',
} as const;

export type DeadLetterStage = 'decode' | 'validate' | 'handle';

export interface DeadLetterSource {
  topic: string;
  partition: number;
  offset: string;
  key: Buffer | string | null;
  value: Buffer | string | null;
  headers: IHeaders | undefined;
}

// Kafka caps what a broker accepts, and a reason is for a human: keep it to a screenful.
const MAX_REASON_LENGTH = 2_000;

/** The original headers plus where the record came from and why it was parked. */
export function deadLetterHeaders(
  source: DeadLetterSource,
  reason: string,
  stage: DeadLetterStage,
  now: Date = new Date(),
): IHeaders {
  const headers: IHeaders = {};
  for (const [name, value] of Object.entries(source.headers ?? {})) {
    if (value !== undefined) headers[name] = value;
  }
  headers[DeadLetterHeader.Reason] =
    reason.length > MAX_REASON_LENGTH ? `${reason.slice(0, MAX_REASON_LENGTH - 1)}…` : reason;
  headers[DeadLetterHeader.Stage] = stage;
  headers[DeadLetterHeader.Topic] = source.topic;
  headers[DeadLetterHeader.Partition] = String(source.partition);
  headers[DeadLetterHeader.Offset] = source.offset;
  headers[DeadLetterHeader.Time] = now.toISOString();
  return headers;
}

/** Headers of a Kafka record as text (kafkajs hands them over as Buffers). */
export function headersAsText(headers: IHeaders | undefined): Record<string, string | string[]> {
  const text: Record<string, string | string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    text[name] = Array.isArray(value) ? value.map((v) => v.toString()) : value.toString();
  }
  return text;
}
