/**
 * How a record tenants write straight onto Kafka is declared (topic, schema, key, headers), so
 * the writer, the consumer that vets it and the AsyncAPI document share one definition. Unlike
 * our events these are not CloudEvents: the writer is a tenant's process, and nothing it says
 * about itself is trusted beyond what the consumer checks.
 */
import type { z } from 'zod';

export interface IngressRecordDefinition<S extends z.ZodType = z.ZodType> {
  /** The message's name in the documents: `mcp.<service>.<record>.v<N>`. */
  name: string;
  topic: string;
  description: string;
  /** The record value, as JSON. */
  schema: S;
  keyOf(data: z.infer<S>): string;
  /** Words for the documents: what the key is. */
  keyDescription: string;
  /** The headers a writer must set, with what each holds. */
  headers: Readonly<Record<string, string>>;
}

export function defineIngressRecord<S extends z.ZodType>(
  def: IngressRecordDefinition<S>,
): IngressRecordDefinition<S> {
  return Object.freeze(def);
}
