import { Inject, Injectable } from '@nestjs/common';
import type { z } from 'zod';
import { ServiceStatusRpc, type SystemStatusView } from '@mcp/protocol';
import { RpcClient } from '@mcp/platform';

type SystemStatus = z.infer<typeof SystemStatusView>;
type Backend = keyof typeof ServiceStatusRpc;

const BACKENDS = Object.keys(ServiceStatusRpc) as Backend[];

/** Asks every backend service for its status over Kafka, in parallel; silence is "unavailable". */
@Injectable()
export class SystemStatusService {
  constructor(@Inject(RpcClient) private readonly rpc: RpcClient) {}

  async current(): Promise<SystemStatus> {
    const answers = await Promise.all(
      BACKENDS.map(async (service) => {
        try {
          return await this.rpc.request(ServiceStatusRpc[service], {});
        } catch (error) {
          return {
            service,
            status: 'unavailable' as const,
            error: error instanceof Error ? error.message : String(error),
          };
        }
      }),
    );
    const services = Object.fromEntries(
      answers.map((a) => [a.service, a]),
    ) as SystemStatus['services'];
    const status = answers.every((a) => a.status === 'ok') ? 'ok' : 'degraded';
    return { status, services };
  }
}
