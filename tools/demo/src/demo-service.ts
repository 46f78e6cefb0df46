/**
 * `demo-hello`: a tiny HTTP service that lives the way a tenant's service would — registered
 * through the SDK, heartbeating, discovering its peers (itself included), deregistered on stop.
 */
import { createServer, type Server } from 'node:http';
import { hostname } from 'node:os';
import {
  McpClient,
  type RegisteredInstance,
  type SdkLogger,
  type ServiceDiscovery,
} from '@mcp/sdk';

export const DEMO_SERVICE = 'demo-hello';

export interface DemoOptions {
  gatewayUrl: string;
  /** A key of the demo tenant with registry:write and registry:read (see ensureDemoTenant). */
  apiKey: string;
  /** Default: DEMO_PORT, else 7070. */
  port?: number;
  /** The address registered for the gateway to reach; default 127.0.0.1. */
  host?: string;
  logger?: SdkLogger;
  /** Close (and deregister) on SIGINT/SIGTERM; default true. */
  closeOnSignals?: boolean;
}

export interface RunningDemo {
  url: string;
  instanceId: string;
  instance: RegisteredInstance;
  discovery: ServiceDiscovery;
  /** Deregisters, stops discovering and closes the HTTP server. */
  close(): Promise<void>;
}

export async function startDemo(options: DemoOptions): Promise<RunningDemo> {
  const port = options.port ?? Number(process.env['DEMO_PORT'] ?? 7070);
  const host = options.host ?? '127.0.0.1';
  const instanceId = `${hostname()}-${port}`.replace(/[^A-Za-z0-9._:-]/g, '-').slice(0, 128);
  const client = new McpClient({
    gatewayUrl: options.gatewayUrl,
    apiKey: options.apiKey,
    logger: options.logger,
  });
  let discovery: ServiceDiscovery | undefined;

  const server = createServer((req, res) => {
    if (req.url === '/health') {
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"status":"ok"}');
      return;
    }
    const peers = (discovery?.instances() ?? []).map((i) => `${i.host}:${i.port}`);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({ service: DEMO_SERVICE, instanceId, message: 'hello from MCP', peers }),
    );
  });
  await listen(server, port);

  const instance = client.registerInstance({
    service: DEMO_SERVICE,
    instanceId,
    host,
    port,
    labels: { env: 'dev' },
    ttlSeconds: 10,
  });
  try {
    await instance.ready();
    discovery = await client.discover(DEMO_SERVICE, { selector: 'env=dev' });
  } catch (error) {
    await client.close();
    await new Promise((done) => server.close(done));
    throw error;
  }

  let closing: Promise<void> | undefined;
  const onSignal = () => void close();
  const close = () =>
    (closing ??= (async () => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      await client.close(); // deregisters
      await new Promise((done) => server.close(done));
    })());
  if (options.closeOnSignals ?? true) {
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
  }
  return { url: `http://127.0.0.1:${port}`, instanceId, instance, discovery, close };
}

function listen(server: Server, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '0.0.0.0', () => {
      server.off('error', reject);
      resolve();
    });
  });
}
