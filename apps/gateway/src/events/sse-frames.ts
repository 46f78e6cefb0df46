/** The Server-Sent Events wire format (WHATWG HTML, "server-sent events"), as the gateway writes it. */
import type { CloudEvent } from '@mcp/protocol';

/** One event: `id:` the stream position after it, `event:` its type, `data:` the CloudEvent (structured JSON). */
export function eventFrame(event: CloudEvent, id: string): string {
  // JSON.stringify escapes newlines inside strings, so the data is always one line.
  return `id: ${id}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
}

/**
 * A message with an id and no data: clients record it as their last event id and dispatch
 * nothing — how a stream tells a client where it stands before (or between) events.
 */
export function positionFrame(id: string): string {
  return `id: ${id}\n\n`;
}

/** How long a client should wait before reconnecting, and where the stream starts. */
export function openingFrame(id: string, retryMs: number): string {
  return `retry: ${retryMs}\n: positioned\nid: ${id}\n\n`;
}

/** A comment line: keeps proxies and idle timers from closing a quiet stream. */
export const KEEP_ALIVE_FRAME = ': keep-alive\n\n';
