import { z } from 'zod';

/** Raised at start-up when the environment does not describe a runnable service. */
export class ConfigError extends Error {
  constructor(readonly problems: { variable: string; message: string }[]) {
    super(`Invalid configuration: ${problems.map((p) => `${p.variable} ${p.message}`).join('; ')}`);
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment once, at start-up, with the service's schema. Every problem names the
 * variable it concerns, so an operator can fix them all in one go.
 */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  env: NodeJS.ProcessEnv = process.env,
): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      message: describeIssue(issue),
    })),
  );
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'invalid_type' && issue.input === undefined) return 'is required';
  return `is invalid: ${issue.message}`;
}

/** Field schemas shared by every service's configuration, each with a developer-machine default. */
export const env = {
  port: (fallback: number) =>
    z.coerce
      .number()
      .int()
      .min(1, 'must be a TCP port between 1 and 65535')
      .max(65535, 'must be a TCP port between 1 and 65535')
      .default(fallback),
  brokers: (fallback = '127.0.0.1:9092') =>
    z
      .string()
      .default(fallback)
      .transform((value) =>
        value
          .split(',')
          .map((b) => b.trim())
          .filter(Boolean),
      )
      .pipe(
        z
          .array(
            z.string().regex(/^[^\s:]+:\d{1,5}$/, 'must be a comma-separated list of host:port'),
          )
          .min(1, 'must name at least one broker'),
      ),
  databaseUrl: (fallback = 'postgres://postgres@127.0.0.1:5433/mcp') =>
    z
      .string()
      .default(fallback)
      .refine((v) => /^postgres(ql)?:\/\//.test(v), 'must be a postgres:// URL'),
  logLevel: () => z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal']).default('info'),
  milliseconds: (fallback: number) => z.coerce.number().int().min(1).default(fallback),
  boolean: (fallback: boolean) =>
    z
      .enum(['true', 'false', '1', '0'])
      .default(fallback ? 'true' : 'false')
      .transform((v) => v === 'true' || v === '1'),
};

/** The variables every MCP service reads, as a schema shape to spread into its own. */
export function commonServiceEnv() {
  return {
    KAFKA_BROKERS: env.brokers(),
    DATABASE_URL: env.databaseUrl(),
    LOG_LEVEL: env.logLevel(),
    MIGRATIONS_RUN: env.boolean(true),
    SHUTDOWN_TIMEOUT_MS: env.milliseconds(10_000),
    MCP_VERSION: z.string().default('0.1.0'),
  };
}
