import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from './free-port';

const WORKSPACE = resolve(__dirname, '../../..');
const APPS = ['registry', 'config', 'scheduler', 'gateway'] as const;
type App = (typeof APPS)[number];

export interface Stack {
  adminUrl: string;
  proxyUrl: string;
  adminKey: string;
  ports: Record<App, number>;
  logFile(app: App): string;
  /** Where the apps export traces and write their logs; extra replicas use the same. */
  otlpEndpoint: string;
  logDir: string;
  /** SIGTERM every app and report how each exited. */
  stop(): Promise<Record<App, number | null>>;
  /** Sends `signal` (SIGKILL for a crash) to the stack's own `app` and waits until it has exited. */
  kill(app: App, signal: NodeJS.Signals): Promise<ProcessExit>;
  /**
   * Starts `app` again as a new process on its old ports (after `kill`), appending to its log,
   * and waits until it is ready; `stop` then stops the new process.
   */
  restart(app: App): Promise<void>;
}

/** How a process ended: its exit code, or the signal that ended it. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/**
 * Runs the four built apps as real processes (what `npm start` runs) against the test's Kafka and
 * Postgres, each on a free port, exporting traces to `otlpEndpoint`.
 */
export async function startStack(options: { otlpEndpoint: string }): Promise<Stack> {
  const kafkaBrokers = required('KAFKA_BROKERS');
  const databaseUrl = required('DATABASE_URL');
  const logDir = mkdtempSync(join(tmpdir(), 'mcp-e2e-logs-'));
  const adminKey = `e2e-operator-key-${process.pid}`;
  const ports = {
    registry: await freePort(),
    config: await freePort(),
    scheduler: await freePort(),
    gateway: await freePort(),
  };
  const proxyPort = await freePort();
  const children = new Map<App, AppChild>();
  const envOf = (app: App): NodeJS.ProcessEnv => ({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    KAFKA_BROKERS: kafkaBrokers,
    DATABASE_URL: databaseUrl,
    LOG_LEVEL: 'info',
    OTEL_EXPORTER_OTLP_ENDPOINT: options.otlpEndpoint,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    HTTP_PORT: String(ports[app]),
    ...(app === 'gateway'
      ? {
          GATEWAY_ADMIN_PORT: String(ports.gateway),
          GATEWAY_PROXY_PORT: String(proxyPort),
          MCP_ADMIN_KEY: adminKey,
          RPC_TIMEOUT_MS: '10000',
        }
      : {}),
  });
  const logFile = (app: App) => join(logDir, `${app}.log`);

  for (const app of APPS) children.set(app, spawnApp(app, envOf(app), logFile(app), 'w'));

  const childOf = (app: App) => children.get(app) as AppChild;
  const stop = async () => {
    const codes = {} as Record<App, number | null>;
    for (const { child } of children.values()) {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    }
    for (const [app, { child, exited }] of children) {
      const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
      codes[app] = (await exited).code;
      clearTimeout(killer);
    }
    return codes;
  };
  const kill = async (app: App, signal: NodeJS.Signals) => {
    const { child, exited } = childOf(app);
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const restart = async (app: App) => {
    const { child } = childOf(app);
    if (child.exitCode === null && child.signalCode === null) {
      throw new Error(`${app} is still running (pid ${child.pid}); kill it first`);
    }
    const next = spawnApp(app, envOf(app), logFile(app), 'a');
    children.set(app, next);
    await waitUntilReady(app, ports[app], next.child, logFile(app));
  };

  try {
    await Promise.all(
      APPS.map((app) => waitUntilReady(app, ports[app], childOf(app).child, logFile(app))),
    );
  } catch (error) {
    await stop();
    throw error;
  }

  return {
    adminUrl: `http://127.0.0.1:${ports.gateway}`,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    adminKey,
    ports,
    logFile,
    otlpEndpoint: options.otlpEndpoint,
    logDir,
    stop,
    kill,
    restart,
  };
}

export interface GatewayReplica {
  adminUrl: string;
  proxyUrl: string;
  logFile: string;
  /** SIGTERM the replica and report how it exited. */
  stop(): Promise<number | null>;
}

/**
 * Starts one more gateway process beside the stack's own, on ports of its own but sharing its
 * Kafka, Postgres and operator key: what a second replica behind a load balancer would be.
 */
export async function startGatewayReplica(stack: Stack): Promise<GatewayReplica> {
  const adminPort = await freePort();
  const proxyPort = await freePort();
  const logFile = join(stack.logDir, `gateway-replica-${adminPort}.log`);
  const child = spawn(process.execPath, [mainOf('gateway')], {
    cwd: WORKSPACE,
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KAFKA_BROKERS: required('KAFKA_BROKERS'),
      DATABASE_URL: required('DATABASE_URL'),
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      GATEWAY_ADMIN_PORT: String(adminPort),
      GATEWAY_PROXY_PORT: String(proxyPort),
      MCP_ADMIN_KEY: stack.adminKey,
      RPC_TIMEOUT_MS: '10000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const log = createWriteStream(logFile);
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((done) => child.once('exit', (code) => done(code)));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
    const code = await exited;
    clearTimeout(killer);
    return code;
  };
  try {
    await waitUntilReady('gateway', adminPort, child, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    adminUrl: `http://127.0.0.1:${adminPort}`,
    proxyUrl: `http://127.0.0.1:${proxyPort}`,
    logFile,
    stop,
  };
}

export interface RegistryReplica {
  /** Its HTTP port (health, metrics). */
  port: number;
  pid: number;
  logFile: string;
  /** Sends `signal` (SIGKILL for a crash) and waits until the process has exited. */
  kill(signal: NodeJS.Signals): Promise<ProcessExit>;
  /** SIGTERM (SIGKILL after 20 s) and report how it exited. */
  stop(): Promise<number | null>;
}

/**
 * Starts one more registry process beside the stack's own, on an HTTP port of its own and sharing
 * its Kafka and Postgres: it joins the same consumer groups, so it takes a share of the lease
 * partitions and of the request topics.
 */
export async function startRegistryReplica(stack: Stack): Promise<RegistryReplica> {
  const port = await freePort();
  const logFile = join(stack.logDir, `registry-replica-${port}.log`);
  const { child, exited } = spawnApp(
    'registry',
    {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      KAFKA_BROKERS: required('KAFKA_BROKERS'),
      DATABASE_URL: required('DATABASE_URL'),
      LOG_LEVEL: 'info',
      OTEL_EXPORTER_OTLP_ENDPOINT: stack.otlpEndpoint,
      OTEL_BSP_SCHEDULE_DELAY: '100',
      HTTP_PORT: String(port),
    },
    logFile,
    'w',
  );
  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    return exited;
  };
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), 20000);
    const { code } = await exited;
    clearTimeout(killer);
    return code;
  };
  try {
    await waitUntilReady('registry', port, child, logFile);
  } catch (error) {
    await stop();
    throw error;
  }
  return { port, pid: child.pid as number, logFile, kill, stop };
}

interface AppChild {
  child: ChildProcess;
  exited: Promise<ProcessExit>;
}

/** Runs a built app as a child process with its stdout and stderr going to `logFile`. */
function spawnApp(app: App, env: NodeJS.ProcessEnv, logFile: string, flags: 'w' | 'a'): AppChild {
  const log = createWriteStream(logFile, { flags });
  const child = spawn(process.execPath, [mainOf(app)], {
    cwd: WORKSPACE,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<ProcessExit>((done) =>
    child.once('exit', (code, signal) => done({ code, signal })),
  );
  return { child, exited };
}

export function mainOf(app: App): string {
  return join(WORKSPACE, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
}

async function waitUntilReady(
  app: App,
  port: number,
  child: ChildProcess,
  log: string,
): Promise<void> {
  const deadline = Date.now() + 90000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${app} exited with ${child.exitCode} before it was ready:\n${tail(log)}`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${port}/health/ready`);
      if (res.status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`${app} was not ready within 90 s:\n${tail(log)}`);
}

function tail(file: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-30).join('\n');
  } catch {
    return '(no log)';
  }
}

function required(name: string): string {
  const value = process.env[name];
  if (!value)
    throw new Error(`${name} is not set: run the e2e suite through npm test or nx e2e e2e`);
  return value;
}
