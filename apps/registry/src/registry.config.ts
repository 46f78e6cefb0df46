import { z } from 'zod';
import { commonServiceEnv, env, loadConfig } from '@mcp/platform';

export const RegistryConfigSchema = z.object({
  ...commonServiceEnv(),
  /** Port of the health, metrics and (later) internal HTTP endpoints. */
  HTTP_PORT: env.port(8081),
});

export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;

export function loadRegistryConfig(source: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return loadConfig(RegistryConfigSchema, source);
}
