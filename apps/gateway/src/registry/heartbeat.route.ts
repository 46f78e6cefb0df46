import type { IncomingMessage } from 'node:http';
import { Injectable } from '@nestjs/common';
import { z } from 'zod';
import { InstanceId, ServiceNameParam } from '@mcp/protocol';
import { parseInput, type FastRoute } from '@mcp/platform';
import { TenantAuthenticator } from '../auth';
import { HeartbeatService } from './heartbeats.service';

const InstancePath = z.object({ service: ServiceNameParam, instanceId: InstanceId });
const PATH = /^\/v1\/services\/([^/]+)\/instances\/([^/]+)\/heartbeat$/;

/**
 * `PUT /v1/services/{service}/instances/{instanceId}/heartbeat`, served ahead of Express and
 * Nest: at thousands of heartbeats a second their middleware, guards and spans cost several times
 * the heartbeat itself. It checks exactly what the Nest route (ServicesController.heartbeat,
 * still there for a heartbeat sent with a body) checks, in the same order, with the same errors.
 */
@Injectable()
export class HeartbeatRoute implements FastRoute {
  readonly method = 'PUT';
  readonly pattern = '/v1/services/:service/instances/:instanceId/heartbeat';

  constructor(
    private readonly authenticator: TenantAuthenticator,
    private readonly heartbeats: HeartbeatService,
  ) {}

  match(path: string): Record<string, string> | undefined {
    const found = PATH.exec(path);
    if (!found) return undefined;
    try {
      return { service: decodeURIComponent(found[1]), instanceId: decodeURIComponent(found[2]) };
    } catch {
      return undefined; // malformed escapes: let the framework answer it
    }
  }

  async serve(req: IncomingMessage, params: Record<string, string>): Promise<number> {
    const caller = await this.authenticator.authorize(req.headers.authorization, [
      'registry:write',
    ]);
    const address = parseInput(InstancePath, params, 'path');
    await this.heartbeats.renew({ tenant: caller.tenant, ...address });
    return 204;
  }
}
