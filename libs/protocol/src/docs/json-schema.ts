import { z } from 'zod';

export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as JSON Schema: draft 2020-12 is OpenAPI 3.1's dialect, draft-07 the base of
 * AsyncAPI's schema format. `input` describes what a sender may send (defaults optional),
 * `output` what a reader receives.
 */
export function jsonSchemaOf(
  schema: z.ZodType,
  io: 'input' | 'output' = 'output',
  target: 'draft-2020-12' | 'draft-07' = 'draft-2020-12',
): JsonSchema {
  const converted = z.toJSONSchema(schema, { target, io }) as JsonSchema;
  // The dialect is declared once per document, not on each embedded schema.
  delete converted['$schema'];
  return converted;
}

/** The name a schema is published under (its `.meta({ title })`), if it has one. */
export function schemaNameOf(schema: z.ZodType): string | undefined {
  const title = schema.meta()?.title;
  return typeof title === 'string' && /^[A-Za-z0-9_.-]+$/.test(title) ? title : undefined;
}
