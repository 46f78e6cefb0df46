import { z } from 'zod';
import { commonServiceEnv, env, loadConfig } from '@mcp/platform';

export const SchedulerConfigSchema = z.object({
  ...commonServiceEnv(),
  /** Port of the health, metrics and (later) internal HTTP endpoints. */
  HTTP_PORT: env.port(8083),
});

export type SchedulerConfig = z.infer<typeof SchedulerConfigSchema>;

export function loadSchedulerConfig(source: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  return loadConfig(SchedulerConfigSchema, source);
}
