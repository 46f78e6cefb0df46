import { isIP } from 'node:net';
import { z } from 'zod';
import { commonServiceEnv, env, loadConfig } from '@mcp/platform';

/**
 * Link-local addresses (the cloud metadata services among them): a tenant's health check must
 * not make the registry read them. Add the control plane's own networks per deployment.
 */
const DEFAULT_BLOCKED_NETWORKS = '169.254.0.0/16,fe80::/10,fd00:ec2::254/128';

const network = z.string().transform((text, ctx) => {
  const [address, bits, extra] = text.split('/');
  const family = isIP(address ?? '');
  const prefix = Number(bits);
  const max = family === 6 ? 128 : 32;
  if (family === 0 || extra !== undefined || !/^\d+$/.test(bits ?? '') || prefix > max) {
    ctx.addIssue({
      code: 'custom',
      message: `"${text}" is not a network like 10.0.0.0/8 or fd00::/8`,
    });
    return z.NEVER;
  }
  return { address, prefix };
});

export const RegistryConfigSchema = z.object({
  ...commonServiceEnv(),
  /** Port of the health, metrics and (later) internal HTTP endpoints. */
  HTTP_PORT: env.port(8081),
  /** Active health check requests one replica has in flight at most (as many more may queue). */
  HEALTH_CHECK_CONCURRENCY: z.coerce.number().int().min(1).max(10_000).default(200),
  /** Comma list of networks health checks never connect to, checked on the resolved address. */
  HEALTH_CHECK_BLOCKED_NETWORKS: z
    .string()
    .default(DEFAULT_BLOCKED_NETWORKS)
    .transform((value) =>
      value
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .pipe(z.array(network)),
});

export type RegistryConfig = z.infer<typeof RegistryConfigSchema>;

export const REGISTRY_CONFIG = Symbol('RegistryConfig');

export function loadRegistryConfig(source: NodeJS.ProcessEnv = process.env): RegistryConfig {
  return loadConfig(RegistryConfigSchema, source);
}
