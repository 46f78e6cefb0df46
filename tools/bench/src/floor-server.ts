/**
 * The heartbeat floor: a bare node:http server in a process of its own that answers every request
 * 204, so the same load generator measures what HTTP on loopback costs with no work behind it.
 */
import { join } from 'node:path';
import { spawnSupervised, type SupervisedProcess } from '../../infra/src/index';
import { freePort } from './mcp-apps';

// Same keep-alive timeout as Node's default (the gateway's Express server keeps the default too).
const SERVER_SOURCE = `
const http = require('node:http');
const server = http.createServer((req, res) => {
  req.resume();
  req.on('end', () => { res.writeHead(204); res.end(); });
});
server.listen(Number(process.env.FLOOR_PORT), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

export interface FloorServer {
  url: string;
  pid: number;
  stop(): Promise<void>;
}

export async function startFloorServer(runDir: string): Promise<FloorServer> {
  const port = await freePort();
  const child: SupervisedProcess = spawnSupervised({
    name: 'floor-server',
    command: process.execPath,
    args: ['-e', SERVER_SOURCE],
    cwd: runDir,
    env: { PATH: process.env['PATH'], FLOOR_PORT: String(port) },
    logFile: join(runDir, 'floor-server.log'),
    pidFile: join(runDir, 'floor-server.pid'),
  });
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      const res = await fetch(url, { method: 'PUT', signal: AbortSignal.timeout(1000) });
      if (res.status === 204) break;
    } catch {
      // not listening yet
    }
    if (child.hasExited() || Date.now() > deadline) {
      await child.stop('SIGKILL', 1000);
      throw new Error('the floor server (bare node:http) did not start');
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return { url, pid: child.pid, stop: () => child.stop('SIGTERM', 5000) };
}
