import { z } from 'zod';
import { commonServiceEnv, env, loadConfig } from '@mcp/platform';

/** The development operator key; printed by `npm start` and never to be used in production. */
export const DEVELOPMENT_ADMIN_KEY = 'mcp-dev-admin-key';

export const GatewayConfigSchema = z.object({
  ...commonServiceEnv(),
  GATEWAY_ADMIN_PORT: env.port(8080),
  GATEWAY_PROXY_PORT: env.port(8000),
  MCP_ADMIN_KEY: z
    .string()
    .min(12, 'must be at least 12 characters')
    .default(DEVELOPMENT_ADMIN_KEY),
  /** How long the gateway waits for a service's Kafka reply before answering 504. */
  RPC_TIMEOUT_MS: env.milliseconds(3000),
});

export type GatewayConfig = z.infer<typeof GatewayConfigSchema>;

export const GATEWAY_CONFIG = Symbol('GatewayConfig');

export function loadGatewayConfig(source: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return loadConfig(GatewayConfigSchema, source);
}
