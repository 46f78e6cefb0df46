/** How an event type is declared once (schema, topic, type, key) and turned into CloudEvents. */
import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { JSON_CONTENT_TYPE, MalformedEventError, type CloudEvent } from './envelope';
import { invalidInputFromZod } from './errors';

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** CloudEvents `type`: `mcp.<service>.<entity>.<action>.v<N>`. */
  type: string;
  topic: string;
  /** CloudEvents `source`: `/mcp/<service>`. */
  source: string;
  description: string;
  schema: S;
  /** Keeps one entity's events on one partition, so they are consumed in order. */
  partitionKey(data: z.infer<S>): string;
  /** Words for the documents: what the partition key is (e.g. "tenant id"). */
  partitionKeyDescription?: string;
  tenantOf(data: z.infer<S>): string | undefined;
  subjectOf?(data: z.infer<S>): string;
}

const EVENT_TYPE = /^mcp\.[a-z]+(\.[a-z][a-z0-9-]*)+\.v[0-9]+$/;

export function defineEvent<S extends z.ZodType>(def: EventDefinition<S>): EventDefinition<S> {
  // A misnamed type is a programming error; failing at import time keeps it out of any topic.
  if (!EVENT_TYPE.test(def.type)) {
    throw new Error(`Event type "${def.type}" must look like mcp.<service>.<entity>.<action>.v<N>`);
  }
  return Object.freeze(def);
}

/** Validates the data against the event's schema and wraps it in a CloudEvent. */
export function createEvent<S extends z.ZodType>(
  def: EventDefinition<S>,
  data: z.input<S>,
  opts?: { id?: string; time?: Date },
): { event: CloudEvent<z.infer<S>>; partitionKey: string } {
  const parsed = def.schema.safeParse(data);
  if (!parsed.success) throw invalidInputFromZod(parsed.error, `${def.type} data`);
  const value = parsed.data as z.infer<S>;
  const event: CloudEvent<z.infer<S>> = {
    specversion: '1.0',
    id: opts?.id ?? randomUUID(),
    source: def.source,
    type: def.type,
    time: (opts?.time ?? new Date()).toISOString(),
    datacontenttype: JSON_CONTENT_TYPE,
    data: value,
  };
  const subject = def.subjectOf?.(value);
  if (subject !== undefined) event.subject = subject;
  const tenant = def.tenantOf(value);
  if (tenant !== undefined) event.tenant = tenant;
  return { event, partitionKey: def.partitionKey(value) };
}

/**
 * Checks a decoded event against its definition: the right type, data that matches the schema,
 * and a tenant attribute that agrees with the data (so routing by tenant cannot be spoofed).
 */
export function parseEventData<S extends z.ZodType>(
  def: EventDefinition<S>,
  event: CloudEvent<unknown>,
): CloudEvent<z.infer<S>> {
  if (event.type !== def.type) {
    throw new MalformedEventError(`expected an event of type ${def.type}, got ${event.type}`);
  }
  const parsed = def.schema.safeParse(event.data);
  if (!parsed.success) {
    const { issues } = invalidInputFromZod(parsed.error);
    const listed = issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ');
    throw new MalformedEventError(`data of ${def.type} breaks its schema: ${listed}`);
  }
  const data = parsed.data as z.infer<S>;
  const tenant = def.tenantOf(data);
  if (tenant !== event.tenant) {
    throw new MalformedEventError(
      `header ce_tenant is ${describe(event.tenant)} but the data belongs to tenant ${describe(tenant)}`,
    );
  }
  return { ...event, data };
}

function describe(value: string | undefined): string {
  return value === undefined ? 'absent' : `"${value}"`;
}
