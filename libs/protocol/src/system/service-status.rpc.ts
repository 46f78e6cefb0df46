/** The request every backend answers so the gateway can report the whole system's status. */
import { z } from 'zod';
import { defineRpc } from '../rpc';
import { ServiceName } from '../services';
import { RpcPattern } from '../topics';

/** The gateway sends `{}`; anything else is a caller's mistake. */
export const ServiceStatusRequest = z
  .strictObject({})
  .meta({ title: 'ServiceStatusRequest', description: 'Asks a service how it is.' });
export type ServiceStatusRequest = z.infer<typeof ServiceStatusRequest>;

export const ServiceStatusReply = z
  .object({
    service: ServiceName,
    status: z.enum(['ok', 'degraded']).describe('degraded: up, but its database does not answer'),
    version: z.string(),
    uptimeSeconds: z.number().nonnegative(),
    database: z.object({
      ok: z.boolean(),
      latencyMs: z.number().nonnegative(),
      schema: z.string().describe('The Postgres schema the service owns'),
    }),
  })
  .meta({ title: 'ServiceStatusReply', description: "A service's own view of itself." });
export type ServiceStatusReply = z.infer<typeof ServiceStatusReply>;

function statusRpc(service: string, pattern: string) {
  return defineRpc({
    pattern,
    description: `Asks the ${service} for its status (version, uptime, database reachability).`,
    request: ServiceStatusRequest,
    reply: ServiceStatusReply,
  });
}

export const ServiceStatusRpc = {
  registry: statusRpc('registry', RpcPattern.RegistryStatus),
  config: statusRpc('config service', RpcPattern.ConfigStatus),
  scheduler: statusRpc('scheduler', RpcPattern.SchedulerStatus),
} as const;
