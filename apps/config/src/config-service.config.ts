import { z } from 'zod';
import { commonServiceEnv, env, loadConfig } from '@mcp/platform';

export const ConfigServiceConfigSchema = z.object({
  ...commonServiceEnv(),
  /** Port of the health, metrics and (later) internal HTTP endpoints. */
  HTTP_PORT: env.port(8082),
});

export type ConfigServiceConfig = z.infer<typeof ConfigServiceConfigSchema>;

export function loadConfigServiceConfig(
  source: NodeJS.ProcessEnv = process.env,
): ConfigServiceConfig {
  return loadConfig(ConfigServiceConfigSchema, source);
}
