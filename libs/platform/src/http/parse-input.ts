import type { z } from 'zod';
import { invalidInputFromZod } from '@mcp/protocol';

/**
 * Validates untrusted input against its protocol schema; a failure is an InvalidInputError that
 * the problem+json filter turns into a 400 listing every offending field.
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  what: string,
): z.infer<S> {
  const result = schema.safeParse(input);
  if (!result.success) throw invalidInputFromZod(result.error, what);
  return result.data;
}
