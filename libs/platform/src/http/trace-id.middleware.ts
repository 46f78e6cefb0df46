import type { NextFunction, Request, Response } from 'express';
import { currentTraceId } from '@mcp/telemetry';

/** Every answer names its trace, so a user can hand support one id that finds the whole request. */
export function traceIdHeader(_req: Request, res: Response, next: NextFunction): void {
  const traceId = currentTraceId();
  if (traceId) res.setHeader('x-trace-id', traceId);
  next();
}
