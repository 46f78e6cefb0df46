// The writing half of the transactional outbox: an event is stored with the state change.
import { randomUUID } from 'node:crypto';
import {
  createEvent,
  encodeCloudEvent,
  type CloudEvent,
  type EventDefinition,
} from '@mcp/protocol';
import { currentTraceparent } from '@mcp/telemetry';
import type { EntityManager } from 'typeorm';
import type { z } from 'zod';
import { TRACEPARENT_HEADER } from '../headers';
import { OutboxRecord } from './outbox-record.entity';

export interface OutboxOptions {
  /** Overrides the definition's CloudEvents `source` (e.g. to name the replica). */
  source?: string;
}

export class Outbox {
  constructor(private readonly options: OutboxOptions = {}) {}

  /**
   * Validates the data, then inserts the event through `manager`, which must be inside the
   * caller's transaction: the event commits or rolls back with the state change. Call the
   * relay's `wake()` after the commit to publish without waiting for the next poll.
   */
  async add<S extends z.ZodType>(
    manager: EntityManager,
    def: EventDefinition<S>,
    data: z.input<S>,
    opts?: { id?: string; time?: Date },
  ): Promise<CloudEvent<z.infer<S>>> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.add needs the EntityManager of an open transaction');
    }
    const { event, partitionKey } = createEvent(def, data, opts);
    if (this.options.source) event.source = this.options.source;
    const record = encodeCloudEvent(event, partitionKey);
    const traceparent = currentTraceparent();
    const headers = traceparent
      ? { ...record.headers, [TRACEPARENT_HEADER]: traceparent }
      : record.headers;
    await manager.insert(OutboxRecord, {
      eventId: event.id,
      topic: def.topic,
      partitionKey: record.key,
      eventType: event.type,
      headers,
      payload: record.value,
    });
    return event;
  }

  /**
   * Removes `key` from a compacted topic (a record with no value), in the caller's transaction
   * like any other event.
   */
  async addTombstone(manager: EntityManager, topic: string, key: string): Promise<void> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error('Outbox.addTombstone needs the EntityManager of an open transaction');
    }
    const traceparent = currentTraceparent();
    await manager.insert(OutboxRecord, {
      eventId: randomUUID(),
      topic,
      partitionKey: key,
      eventType: 'tombstone',
      headers: traceparent ? { [TRACEPARENT_HEADER]: traceparent } : {},
      payload: null,
    });
  }
}
