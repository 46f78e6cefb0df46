import type { IncomingMessage, ServerResponse } from 'node:http';
import type { NextFunction, Request, Response } from 'express';
import { createHistogram } from '@mcp/telemetry';

const requestDuration = createHistogram({
  name: 'mcp_http_request_duration_seconds',
  help: 'HTTP requests by method, route pattern and status, from arrival to the last byte sent',
  labelNames: ['method', 'route', 'status'],
  buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
});

/**
 * Times every request. The route label is the matched pattern (`/v1/services/:service/...`),
 * never the raw path, so tenant and instance names cannot blow up the label set; requests no
 * route matched share the label `unmatched`.
 */
export function requestMetrics(req: Request, res: Response, next: NextFunction): void {
  timeRequest(req, res, () => routeOf(req));
  next();
}

/** Observes the request when its answer is sent; `route` is asked then, once routing is done. */
export function timeRequest(req: IncomingMessage, res: ServerResponse, route: () => string): void {
  const started = process.hrtime.bigint();
  res.once('finish', () => {
    const seconds = Number(process.hrtime.bigint() - started) / 1e9;
    requestDuration.observe(
      { method: req.method ?? 'GET', route: route(), status: String(res.statusCode) },
      seconds,
    );
  });
}

export function routeOf(req: Pick<Request, 'route' | 'baseUrl'>): string {
  const pattern: unknown = (req.route as { path?: unknown } | undefined)?.path;
  return typeof pattern === 'string' ? `${req.baseUrl ?? ''}${pattern}` : 'unmatched';
}
