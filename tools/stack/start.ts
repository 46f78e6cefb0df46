/**
 * `npm start`: Kafka, Postgres and Zipkin (kept in .data/), then the four services built, migrated
 * and running, ending with one banner of URLs and keys. Ctrl-C stops all of it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, openSync, closeSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import {
  InfraError,
  redactUrl,
  reapStale,
  spawnSupervised,
  startInfra,
  tailOf,
  workspaceRoot,
  type RunningInfra,
  type SupervisedProcess,
} from '../infra/src/index';
import { createLogger } from '@mcp/telemetry';
import pino from 'pino';
import {
  DEMO_SERVICE,
  DEMO_TENANT,
  ensureDemoTenant,
  startDemo,
  type RunningDemo,
} from '../demo/src/index';

const APPS = ['registry', 'config', 'scheduler', 'gateway'] as const;
type App = (typeof APPS)[number];
type Service = Exclude<App, 'gateway'>;

const DEVELOPMENT_ADMIN_KEY = 'mcp-dev-admin-key';
const SERVICE_PORTS: Record<Service, number> = { registry: 8081, config: 8082, scheduler: 8083 };

const root = workspaceRoot();
const dataDir = join(root, '.data');
const logDir = join(dataDir, 'logs');
const pidDir = join(dataDir, 'pids');
const env = process.env;

interface Settings {
  logLevel: string;
  adminPort: number;
  proxyPort: number;
  adminKey: string;
  adminKeyFromEnv: boolean;
  /** Health + metrics port of each app (the gateway's is its admin port). */
  ports: Record<App, number>;
}

function port(variable: string, fallback: number): number {
  const raw = env[variable]?.trim();
  if (!raw) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1 || value > 65535) {
    throw new InfraError(
      `${variable} must be a TCP port number (1-65535) but is "${raw}": fix or unset it.`,
    );
  }
  return value;
}

function readSettings(): Settings {
  const adminPort = port('GATEWAY_ADMIN_PORT', 8080);
  return {
    logLevel: env['LOG_LEVEL'] || 'info',
    adminPort,
    proxyPort: port('GATEWAY_PROXY_PORT', 8000),
    adminKey: env['MCP_ADMIN_KEY'] || DEVELOPMENT_ADMIN_KEY,
    adminKeyFromEnv: Boolean(env['MCP_ADMIN_KEY']),
    // HTTP_PORT is one name for three apps, so each is overridden by <APP>_HTTP_PORT here.
    ports: {
      registry: port('REGISTRY_HTTP_PORT', SERVICE_PORTS.registry),
      config: port('CONFIG_HTTP_PORT', SERVICE_PORTS.config),
      scheduler: port('SCHEDULER_HTTP_PORT', SERVICE_PORTS.scheduler),
      gateway: adminPort,
    },
  };
}

function appEnv(app: App, settings: Settings, infra: RunningInfra): NodeJS.ProcessEnv {
  const common: NodeJS.ProcessEnv = {
    ...env,
    KAFKA_BROKERS: infra.kafkaBrokers,
    DATABASE_URL: infra.databaseUrl,
    OTEL_EXPORTER_ZIPKIN_ENDPOINT:
      env['OTEL_EXPORTER_ZIPKIN_ENDPOINT'] ||
      (infra.zipkinUrl ? `${infra.zipkinUrl}/api/v2/spans` : undefined),
    LOG_LEVEL: settings.logLevel,
  };
  if (app === 'gateway') {
    return {
      ...common,
      GATEWAY_ADMIN_PORT: String(settings.adminPort),
      GATEWAY_PROXY_PORT: String(settings.proxyPort),
      MCP_ADMIN_KEY: settings.adminKey,
    };
  }
  return { ...common, HTTP_PORT: String(settings.ports[app]) };
}

const mainOf = (app: App): string => join(root, 'dist', 'apps', app, 'apps', app, 'src', 'main.js');
const logOf = (app: App): string => join(logDir, `${app}.log`);
const shown = (path: string): string => relative(process.cwd(), path) || '.';
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

// ---- lifecycle: everything started so far, stopped in reverse order exactly once ----

let foreground: ChildProcess | undefined;
let infraStarting: Promise<RunningInfra> | undefined;
const running = new Map<App, SupervisedProcess>();
let shuttingDown: Promise<void> | undefined;
let demo: RunningDemo | undefined;

function shutdown(code: number): Promise<void> {
  shuttingDown ??= (async () => {
    foreground?.kill('SIGTERM');
    // The demo deregisters while the gateway can still hear it.
    await demo?.close().catch(() => undefined);
    if (running.size > 0) console.log(`stopping ${[...running.keys()].join(', ')}…`);
    // The gateway first, so nothing new comes in while the services drain.
    const gateway = running.get('gateway');
    await gateway?.stop('SIGTERM', 10000);
    await Promise.allSettled([...running.values()].map((child) => child.stop('SIGTERM', 10000)));
    const infra = await infraStarting?.catch(() => undefined);
    if (infra && infra.started.length > 0) {
      console.log(`stopping ${infra.started.join(', ')}…`);
      await infra.stop();
    }
    console.log('stopped.');
    process.exit(code);
  })();
  return shuttingDown;
}

function fail(message: string, logFile?: string): Promise<void> {
  if (shuttingDown) return shuttingDown;
  console.error(`\n✘ ${message}`);
  if (logFile) {
    console.error(`--- last lines of ${shown(logFile)} ---\n${tailOf(logFile, 30)}\n---`);
  }
  return shutdown(1);
}

/** A command in the foreground whose output goes to `logFile`; resolves with its exit code. */
function runLogged(
  command: string,
  args: string[],
  childEnv: NodeJS.ProcessEnv,
  logFile: string,
): Promise<number> {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, { cwd: root, env: childEnv, stdio: ['ignore', out, out] });
    foreground = child;
    return new Promise((resolve) => {
      child.once('error', () => resolve(127));
      child.once('exit', (code) => {
        foreground = undefined;
        resolve(code ?? 1);
      });
    });
  } finally {
    closeSync(out);
  }
}

async function ready(app: App, portNumber: number, child: SupervisedProcess): Promise<boolean> {
  const deadline = Date.now() + 120000;
  while (Date.now() < deadline && !child.hasExited()) {
    try {
      const response = await fetch(`http://127.0.0.1:${portNumber}/health/ready`, {
        signal: AbortSignal.timeout(2000),
      });
      if (response.status === 200) return true;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
  }
  return false;
}

/** The demo tenant's service, registered through the SDK so GET /v1/services shows it at once. */
async function startDemoService(
  settings: Settings,
): Promise<{ key: string; url: string } | undefined> {
  const gatewayUrl = `http://127.0.0.1:${settings.adminPort}`;
  try {
    const key = await ensureDemoTenant({ gatewayUrl, adminKey: settings.adminKey });
    const logger = createLogger({
      service: 'demo',
      destination: pino.destination(join(logDir, 'demo.log')),
    });
    demo = await startDemo({ gatewayUrl, apiKey: key, logger, closeOnSignals: false });
    await demo.instance.ready();
    console.log(`  demo: ${DEMO_SERVICE} registered itself through the SDK (${demo.url})`);
    return { key, url: demo.url };
  } catch (error) {
    console.log(`  demo: not started (${error instanceof Error ? error.message : String(error)})`);
    return undefined;
  }
}

function banner(
  settings: Settings,
  infra: RunningInfra,
  demoInfo?: { key: string; url: string },
): void {
  const admin = `http://127.0.0.1:${settings.adminPort}`;
  const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
  const auth = quote(`Authorization: Bearer ${settings.adminKey}`);
  const keySource = settings.adminKeyFromEnv
    ? 'from MCP_ADMIN_KEY'
    : 'development default; set MCP_ADMIN_KEY to choose your own';
  const line = '─'.repeat(78);
  console.log(
    [
      '',
      line,
      ' MCP is running. Ctrl-C stops everything.',
      '',
      `   gateway admin API   ${admin}  (API docs: ${admin}/docs)`,
      `   gateway proxy       http://127.0.0.1:${settings.proxyPort}`,
      `   operator key        ${settings.adminKey}  (${keySource})`,
      `   Kafka brokers       ${infra.kafkaBrokers}`,
      `   Postgres            ${redactUrl(infra.databaseUrl)}`,
      `   Zipkin UI           ${infra.zipkinUrl ? `${infra.zipkinUrl}/zipkin/` : '(not running)'}`,
      `   logs                ${shown(logDir)}/  (${APPS.map((a) => `${a}.log`).join(', ')})`,
      '',
      ' Try:',
      `   curl -s -H ${auth} ${admin}/v1/system/status`,
      `   curl -s -H ${auth} -H 'content-type: application/json' \\`,
      `     -d '{"id":"acme","name":"Acme Corp"}' ${admin}/v1/tenants`,
      ...(demoInfo
        ? [
            '',
            ` Demo: tenant "${DEMO_TENANT}", service ${DEMO_SERVICE} at ${demoInfo.url}, key ${demoInfo.key}`,
            `   curl -s -H ${quote(`Authorization: Bearer ${demoInfo.key}`)} ${admin}/v1/services`,
          ]
        : []),
      line,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));
  const settings = readSettings();
  mkdirSync(logDir, { recursive: true });
  mkdirSync(pidDir, { recursive: true });
  // Apps left running by an `npm start` that was killed hard would hold the ports.
  for (const app of APPS) {
    if (await reapStale(join(pidDir, `${app}.pid`), mainOf(app), `The ${app} app`, 'SIGTERM')) {
      console.log(`  stopped a ${app} left running by an earlier npm start`);
    }
  }

  console.log('▶ [1/4] Kafka, Postgres and Zipkin (data in .data/)');
  infraStarting = startInfra({
    dataDir,
    ephemeral: false,
    zipkin: true,
    log: (l) => console.log(`  ${l}`),
  });
  const infra = await infraStarting;

  console.log('▶ [2/4] building gateway, registry, config and scheduler');
  const buildLog = join(logDir, 'build.log');
  writeFileSync(buildLog, '');
  const buildStarted = Date.now();
  const projects = '--projects=gateway,registry,config,scheduler';
  const built = await runLogged(
    'npx',
    ['nx', 'run-many', '-t', 'build', projects],
    { ...env, NX_TUI: 'false' },
    buildLog,
  );
  if (built !== 0) return fail(`the build failed (exit code ${built})`, buildLog);
  console.log(`  built in ${seconds(buildStarted)} (log: ${shown(buildLog)})`);

  console.log('▶ [3/4] migrating the databases');
  for (const app of APPS) {
    writeFileSync(logOf(app), '');
    const started = Date.now();
    const code = await runLogged(
      process.execPath,
      [mainOf(app), 'migrate'],
      appEnv(app, settings, infra),
      logOf(app),
    );
    if (shuttingDown) return;
    if (code !== 0) return fail(`${app} migrations failed (exit code ${code})`, logOf(app));
    console.log(`  ${app}: schema up to date (${seconds(started)})`);
  }

  console.log(`▶ [4/4] starting the services (logs in ${shown(logDir)}/)`);
  for (const app of APPS) {
    const child = spawnSupervised({
      name: app,
      command: process.execPath,
      args: [mainOf(app)],
      cwd: root,
      env: appEnv(app, settings, infra),
      logFile: logOf(app),
      pidFile: join(pidDir, `${app}.pid`),
    });
    running.set(app, child);
    void child.exited.then((code) =>
      fail(
        `${app} stopped unexpectedly (${typeof code === 'number' ? `exit code ${code}` : code})`,
        logOf(app),
      ),
    );
  }
  const started = Date.now();
  const readiness = APPS.map(async (app) => {
    const child = running.get(app) as SupervisedProcess;
    const portNumber = settings.ports[app];
    if (await ready(app, portNumber, child)) {
      console.log(`  ${app} ready on :${portNumber} (${seconds(started)})`);
      return true;
    }
    if (!child.hasExited())
      void fail(`${app} was not ready on :${portNumber}/health/ready within 2 minutes`, logOf(app));
    return false;
  });
  if ((await Promise.all(readiness)).every(Boolean) && !shuttingDown) {
    const demoInfo = await startDemoService(settings);
    if (!shuttingDown) banner(settings, infra, demoInfo);
  }
}

main().catch((error: unknown) => {
  void fail(error instanceof InfraError ? error.message : String((error as Error)?.stack ?? error));
});
