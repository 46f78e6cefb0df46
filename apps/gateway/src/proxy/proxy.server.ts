import {
  BeforeApplicationShutdown,
  Inject,
  Injectable,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { NotFoundError, toProblemDetails, type DomainError } from '@mcp/protocol';
import { SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { currentTraceId } from '@mcp/telemetry';

export const PROXY_PORT = Symbol('ProxyPort');

/**
 * The data-plane listener tenants' traffic arrives on (`/{tenant}{pathPrefix}/…`). It is a bare
 * Node HTTP server rather than a Nest route because every microsecond here is paid per request.
 * Routes are not defined yet, so every request is answered with a problem+json 404.
 */
@Injectable()
export class ProxyServer implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private server?: Server;

  constructor(
    @Inject(PROXY_PORT) private readonly port: number,
    @Inject(SERVICE_LOGGER) private readonly logger: ServiceLogger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((req, res) => this.handle(req, res));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '0.0.0.0', () => resolve());
    });
    this.logger.info({ port: this.port }, `proxy listening on :${this.port}`);
  }

  async beforeApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const path = (req.url ?? '/').split('?')[0];
    answerProblem(res, new NotFoundError(`No route matches ${req.method} ${path}.`), path);
  }
}

function answerProblem(res: ServerResponse, error: DomainError, instance: string): void {
  const traceId = currentTraceId();
  if (traceId) res.setHeader('x-trace-id', traceId);
  res.statusCode = error.status;
  res.setHeader('Content-Type', 'application/problem+json');
  res.end(JSON.stringify(toProblemDetails(error, instance)));
}
