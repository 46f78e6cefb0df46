/**
 * The system under test: one registry and one gateway, built from this workspace and run as
 * child processes on free loopback ports against the bench's Kafka and Postgres.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { join } from 'node:path';
import { freePort, spawnSupervised, tailOf, type SupervisedProcess } from '../../infra/src/index';

export type BenchApp = 'registry' | 'gateway';

export interface RunningApps {
  adminUrl: string;
  adminKey: string;
  pids: Record<BenchApp, number>;
  logFile(app: BenchApp): string;
  /** SIGTERM both (the gateway first), SIGKILL after 15 s. */
  stop(): Promise<void>;
}

export interface Tenant {
  tenant: string;
  key: string;
}

export { freePort };

export const mainOf = (root: string, app: BenchApp): string =>
  join(root, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');

/** `nx run-many -t build` for the two apps, output to `logFile`; throws with its tail on failure. */
export async function buildApps(root: string, logFile: string): Promise<void> {
  const out = openSync(logFile, 'w');
  let code: number;
  try {
    const child = spawn(
      'npx',
      ['nx', 'run-many', '-t', 'build', '--projects=gateway,registry', '--outputStyle=static'],
      { cwd: root, env: { ...process.env, NX_TUI: 'false' }, stdio: ['ignore', out, out] },
    );
    code = await new Promise<number>((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (c) => resolve(c ?? 1));
    });
  } finally {
    closeSync(out);
  }
  if (code !== 0) {
    throw new Error(`building gateway and registry failed (exit ${code}):\n${tailOf(logFile, 30)}`);
  }
}

async function waitUntilReady(
  app: BenchApp,
  port: number,
  child: SupervisedProcess,
  logFile: string,
): Promise<void> {
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline) {
    if (child.hasExited()) {
      throw new Error(`${app} exited before it was ready:\n${tailOf(logFile, 30)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`, {
        signal: AbortSignal.timeout(2000),
      });
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  throw new Error(`${app} was not ready within 2 minutes:\n${tailOf(logFile, 30)}`);
}

export async function startApps(opts: {
  root: string;
  runDir: string;
  kafkaBrokers: string;
  databaseUrl: string;
}): Promise<RunningApps> {
  const adminKey = `bench-operator-key-${process.pid}`;
  const ports: Record<BenchApp, number> = {
    registry: await freePort(),
    gateway: await freePort(),
  };
  const proxyPort = await freePort();
  const logFile = (app: BenchApp): string => join(opts.runDir, `${app}.log`);
  const base: NodeJS.ProcessEnv = {
    ...process.env,
    KAFKA_BROKERS: opts.kafkaBrokers,
    DATABASE_URL: opts.databaseUrl,
    // Info logs would cost CPU per request and measure the logger, not the registry.
    LOG_LEVEL: process.env['LOG_LEVEL'] || 'warn',
  };
  const children = new Map<BenchApp, SupervisedProcess>();
  const stop = async (): Promise<void> => {
    await children.get('gateway')?.stop('SIGTERM', 15_000);
    await children.get('registry')?.stop('SIGTERM', 15_000);
  };
  for (const app of ['registry', 'gateway'] as const) {
    const env: NodeJS.ProcessEnv =
      app === 'gateway'
        ? {
            ...base,
            GATEWAY_ADMIN_PORT: String(ports.gateway),
            GATEWAY_PROXY_PORT: String(proxyPort),
            MCP_ADMIN_KEY: adminKey,
          }
        : { ...base, HTTP_PORT: String(ports.registry) };
    children.set(
      app,
      spawnSupervised({
        name: app,
        command: process.execPath,
        // e.g. MCP_BENCH_NODE_ARGS="--cpu-prof --cpu-prof-dir=tmp/prof" to profile the apps.
        args: [...nodeArgs(), mainOf(opts.root, app)],
        cwd: opts.root,
        env,
        logFile: logFile(app),
        pidFile: join(opts.runDir, `${app}.pid`),
      }),
    );
  }
  try {
    await Promise.all(
      (['registry', 'gateway'] as const).map((app) =>
        waitUntilReady(app, ports[app], children.get(app) as SupervisedProcess, logFile(app)),
      ),
    );
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    adminUrl: `http://127.0.0.1:${ports.gateway}`,
    adminKey,
    pids: {
      registry: (children.get('registry') as SupervisedProcess).pid,
      gateway: (children.get('gateway') as SupervisedProcess).pid,
    },
    logFile,
    stop,
  };
}

async function call(
  url: string,
  bearer: string,
  method: string,
  body?: unknown,
): Promise<{ status: number; json: unknown }> {
  const res = await fetch(url, {
    method,
    headers: { authorization: `Bearer ${bearer}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: unknown = text;
  try {
    json = JSON.parse(text);
  } catch {
    // not JSON: kept as text for the error message
  }
  return { status: res.status, json };
}

/** A tenant of its own for this run with a registry:write/read key, usable once this resolves. */
export async function createTenant(apps: RunningApps, tenant: string): Promise<Tenant> {
  const created = await call(`${apps.adminUrl}/v1/tenants`, apps.adminKey, 'POST', {
    id: tenant,
    name: `Benchmark ${tenant}`,
  });
  if (created.status !== 201) {
    throw new Error(`creating tenant ${tenant}: ${created.status} ${JSON.stringify(created.json)}`);
  }
  const made = await call(`${apps.adminUrl}/v1/tenants/${tenant}/keys`, apps.adminKey, 'POST', {
    name: 'bench',
    scopes: ['registry:write', 'registry:read'],
  });
  const key = (made.json as { key?: unknown }).key;
  if (made.status !== 201 || typeof key !== 'string') {
    throw new Error(`creating a key for ${tenant}: ${made.status} ${JSON.stringify(made.json)}`);
  }
  // The gateway learns keys from an event feed; wait until it accepts this one.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const probe = await call(`${apps.adminUrl}/v1/services`, key, 'GET');
    if (probe.status === 200) return { tenant, key };
    if (Date.now() > deadline) {
      throw new Error(`the gateway did not accept the new key in 30 s (last: ${probe.status})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

function nodeArgs(): string[] {
  return (process.env['MCP_BENCH_NODE_ARGS'] ?? '').split(' ').filter((a) => a.length > 0);
}
