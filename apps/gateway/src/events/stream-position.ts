/**
 * Where an event stream stands in Kafka, as the SSE `id:` of every message it sends: for each
 * topic it reads, the next offset of every partition. A client that reconnects with it as
 * `Last-Event-ID` resumes exactly after the last event it saw.
 */
import { InvalidInputError } from '@mcp/protocol';
import { z } from 'zod';

/** topic → partition → the next offset to read. */
export type PositionMap = Record<string, Record<string, number>>;

// A position names a handful of topics of a few dozen partitions each; anything far larger is
// not one we gave out.
const MAX_ENCODED_LENGTH = 4096;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

const PositionSchema = z.record(
  z.string().regex(/^[A-Za-z0-9._-]{1,249}$/),
  z.record(
    z.string().regex(/^(0|[1-9][0-9]{0,5})$/),
    z
      .number()
      .int()
      .min(0)
      .max(2 ** 53 - 1),
  ),
);

export class StreamPosition {
  private readonly offsets: PositionMap;

  constructor(offsets: PositionMap = {}) {
    this.offsets = {};
    for (const [topic, partitions] of Object.entries(offsets)) {
      this.offsets[topic] = { ...partitions };
    }
  }

  /** The next offset to read on a partition, if this position knows the partition. */
  offsetOf(topic: string, partition: number): number | undefined {
    return this.offsets[topic]?.[String(partition)];
  }

  /** Records that the record at `offset` has been dealt with (sent or filtered out). */
  advancePast(topic: string, partition: number, offset: number): void {
    const partitions = (this.offsets[topic] ??= {});
    const next = offset + 1;
    if ((partitions[String(partition)] ?? 0) < next) partitions[String(partition)] = next;
  }

  /** The same position restricted to `topics`. */
  only(topics: readonly string[]): StreamPosition {
    const kept: PositionMap = {};
    for (const topic of topics) if (this.offsets[topic]) kept[topic] = this.offsets[topic];
    return new StreamPosition(kept);
  }

  toMap(): PositionMap {
    return new StreamPosition(this.offsets).offsets;
  }

  encode(): string {
    return Buffer.from(JSON.stringify(this.offsets), 'utf8').toString('base64url');
  }

  /** Reads a `Last-Event-ID`; anything this gateway could not have sent is a 400. */
  static decode(text: string): StreamPosition {
    const trimmed = text.trim();
    if (trimmed.length === 0 || trimmed.length > MAX_ENCODED_LENGTH || !BASE64URL.test(trimmed)) {
      throw malformed('it is not a base64url stream position');
    }
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(trimmed, 'base64url').toString('utf8'));
    } catch {
      throw malformed('it does not decode to a stream position');
    }
    const parsed = PositionSchema.safeParse(json);
    if (!parsed.success) throw malformed('it does not decode to a stream position');
    return new StreamPosition(parsed.data);
  }
}

function malformed(why: string): InvalidInputError {
  const message = `${why}; reconnect without it, or with an id this stream sent`;
  return new InvalidInputError(`Invalid Last-Event-ID header: ${message}.`, [
    { path: 'Last-Event-ID', message },
  ]);
}
