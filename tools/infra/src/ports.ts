import { createServer, type Server } from 'node:net';
import { infraErrors } from './infra-error';

/** `count` distinct TCP ports on 127.0.0.1 that nothing listens on right now. */
export async function freePorts(count: number): Promise<number[]> {
  const servers: Server[] = [];
  try {
    // Held open together so the same port is never handed out twice.
    for (let i = 0; i < count; i++) {
      const server = createServer();
      servers.push(server);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(0, '127.0.0.1', () => resolve());
      });
    }
    return servers.map((s) => {
      const address = s.address();
      return typeof address === 'object' && address ? address.port : 0;
    });
  } finally {
    await Promise.all(servers.map((s) => new Promise((resolve) => s.close(resolve))));
  }
}

// Ports this process has handed out: the OS may give a just-closed port 0 listener the same
// port again, and two apps told the same port fight over it at bind time.
const handedOut = new Set<number>();

/**
 * A TCP port on 127.0.0.1 that nothing listens on right now and that this process has not handed
 * out before (for an app the caller is about to start).
 */
export async function freePort(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const [port] = await freePorts(1);
    if (!handedOut.has(port)) {
      handedOut.add(port);
      return port;
    }
  }
  throw new Error('no free TCP port on 127.0.0.1 that was not handed out already');
}

export function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/** A port from the environment (`variable`), or `fallback` when it is unset. */
export function portFromEnv(env: NodeJS.ProcessEnv, variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const port = Number(raw);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw infraErrors.badPort(variable, raw);
  return port;
}

export const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms));
