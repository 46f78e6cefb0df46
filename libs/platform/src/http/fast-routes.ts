// A lane ahead of Express and Nest for the few hot, body-less routes (heartbeats) where the
// framework's per-request cost is most of the work. Everything else goes to Express unchanged.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { trace } from '@opentelemetry/api';
import { currentTraceId } from '@mcp/telemetry';
import { sendProblem, toDomainError } from './problem-details.filter';
import { timeRequest } from './request-metrics.middleware';

export interface FastRoute {
  method: string;
  /** The route pattern, as metrics and traces name it, e.g. `/v1/things/:id/ping`. */
  pattern: string;
  /** The path parameters when this route serves `path` (no query string), else undefined. */
  match(path: string): Record<string, string> | undefined;
  /** Serves the request; answers the (body-less) status, or throws a DomainError. */
  serve(req: IncomingMessage, params: Record<string, string>): Promise<number>;
}

/**
 * Puts `routes` in front of the server's request handler (Express). A request is served here
 * only if its method and path match a route and it carries no body; it then gets what every
 * route gets from the platform — the trace id header, request metrics, the route on its span and
 * problem+json errors — without the middleware stack.
 */
export function installFastRoutes(server: Server, routes: readonly FastRoute[]): void {
  if (routes.length === 0) return;
  const framework = server.listeners('request') as ((
    req: IncomingMessage,
    res: ServerResponse,
  ) => void)[];
  server.removeAllListeners('request');
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    const hit = hasBody(req) ? undefined : find(routes, req);
    if (!hit) {
      for (const listener of framework) listener.call(server, req, res);
      return;
    }
    void serveFast(hit.route, hit.params, req, res);
  });
}

function find(
  routes: readonly FastRoute[],
  req: IncomingMessage,
): { route: FastRoute; params: Record<string, string> } | undefined {
  const url = req.url ?? '/';
  const query = url.indexOf('?');
  const path = query === -1 ? url : url.slice(0, query);
  for (const route of routes) {
    if (route.method !== req.method) continue;
    const params = route.match(path);
    if (params) return { route, params };
  }
  return undefined;
}

function hasBody(req: IncomingMessage): boolean {
  const length = req.headers['content-length'];
  return (length !== undefined && length !== '0') || req.headers['transfer-encoding'] !== undefined;
}

async function serveFast(
  route: FastRoute,
  params: Record<string, string>,
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const span = trace.getActiveSpan();
  span?.setAttribute('http.route', route.pattern);
  span?.updateName(`${route.method} ${route.pattern}`);
  const traceId = currentTraceId();
  if (traceId) res.setHeader('x-trace-id', traceId);
  timeRequest(req, res, () => route.pattern);
  req.resume();
  try {
    const status = await route.serve(req, params);
    res.statusCode = status;
    res.end();
  } catch (error: unknown) {
    sendProblem(res, toDomainError(error), req.url);
  }
}
