/**
 * `npm run bench:registry`: N instances heartbeating against one gateway and one registry on a
 * throwaway Kafka + Postgres, with propagation timed on a sample of registrations, then the same
 * load against a bare HTTP server and raw Kafka as the floor. Prints a table, writes JSON to tmp/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, release, totalmem } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import {
  InfraError,
  createEphemeralDataDir,
  redactUrl,
  startInfra,
  workspaceRoot,
  type RunningInfra,
} from '../infra/src/index';
import { KeepAliveClient, inPool, type LoadPlan } from './src/heartbeat-load';
import { runLoadInThread, type LoadThreadInput } from './src/load-thread';
import { startFloorServer, type FloorServer } from './src/floor-server';
import { buildApps, createTenant, startApps, type RunningApps } from './src/mcp-apps';
import { UsageError, USAGE, parseBenchArgs, type BenchOptions } from './src/options';
import {
  UsageSampler,
  listenerOf,
  withChildren,
  type UsageReport,
  type WatchedGroup,
} from './src/process-usage';
import {
  KafkaFloorProbe,
  RegistrationPropagationProbe,
  benchKafka,
  type PropagationResult,
} from './src/propagation';
import { RpcTap } from './src/rpc-tap';
import { addJudgement, renderReport, type BenchResult, type RunSide } from './src/report';

const root = workspaceRoot();
/** After the window: how long the last sample's event may take before it counts as missing. */
const PROPAGATION_GRACE_MS = 10_000;
const REGISTRATION_WIDTH = 32;
/** Registration is setup, not the scenario, but it is bounded too: 2 min plus 50 ms an instance. */
const REGISTRATION_BUDGET_MS = (instances: number): number => 120_000 + instances * 50;

const log = (line: string): void => console.log(line);
const seconds = (since: number): string => `${((Date.now() - since) / 1000).toFixed(1)} s`;

// ---- everything started, stopped once in reverse order (also on Ctrl-C or the watchdog) ----

const cleanups: (() => Promise<void>)[] = [];
let cleaning: Promise<void> | undefined;
function cleanUp(): Promise<void> {
  cleaning ??= (async () => {
    for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
  })();
  return cleaning;
}
function onCleanUp(cleanup: () => Promise<void>): void {
  cleanups.push(cleanup);
}

function machineInfo(): BenchResult['machine'] {
  const cores = cpus();
  return {
    cores: cores.length,
    cpuModel: cores[0]?.model.trim() ?? 'unknown',
    memoryGb: Math.round(totalmem() / 1024 ** 3),
    node: process.version,
    kernel: release(),
    loadAverageAtStart: loadavg().map((l) => Math.round(l * 100) / 100),
  };
}

function portOf(address: string, fallback: number): number {
  const port = Number(/:(\d+)$/.exec(address.trim())?.[1]);
  return Number.isInteger(port) && port > 0 ? port : fallback;
}

function infraGroups(infra: RunningInfra): WatchedGroup[] {
  const groups: WatchedGroup[] = [];
  const kafkaPid = listenerOf(portOf(infra.kafkaBrokers.split(',')[0], 9092));
  if (kafkaPid) groups.push({ name: 'kafka (java)', pids: () => [kafkaPid] });
  const pgPid = listenerOf(Number(new URL(infra.databaseUrl).port || 5432));
  if (pgPid) groups.push({ name: 'postgres (all backends)', pids: () => withChildren(pgPid) });
  return groups;
}

const benchGroup: WatchedGroup = { name: 'bench (load generator)', pids: () => [process.pid] };

/** Runs the heartbeat load and a propagation probe over the same measured window. */
async function measure(
  load: LoadThreadInput,
  groups: WatchedGroup[],
  probe: () => Promise<PropagationResult>,
): Promise<{ side: RunSide; window: { from: number; to: number } }> {
  const sampler = new UsageSampler(groups);
  let usage: UsageReport | undefined;
  let propagation: Promise<PropagationResult> | undefined;
  const window = { from: 0, to: 0 };
  const thread = runLoadInThread(load, {
    onMeasureStart: () => {
      window.from = Date.now();
      sampler.start();
      propagation = probe();
    },
    onMeasureEnd: () => {
      window.to = Date.now();
      usage = sampler.stop();
    },
  });
  onCleanUp(thread.stop);
  const heartbeats = await thread.result;
  usage ??= sampler.stop();
  if (!propagation) throw new Error('the measured window never opened');
  return { side: { heartbeats, propagation: await propagation, usage }, window };
}

async function run(options: BenchOptions, result: BenchResult, runId: string, runDir: string) {
  const started = Date.now();
  if (options.build) {
    log('▶ building gateway and registry (nx, cached when unchanged)');
    await buildApps(root, join(runDir, 'build.log'));
    log(`  built in ${seconds(started)}`);
  }

  const given = Boolean(
    process.env['KAFKA_BROKERS']?.trim() && process.env['DATABASE_URL']?.trim(),
  );
  log(given ? '▶ using KAFKA_BROKERS and DATABASE_URL' : '▶ starting a throwaway Kafka + Postgres');
  const infra = await startInfra({
    dataDir: await createEphemeralDataDir(),
    ephemeral: true,
    log: (line) => log(`  ${line}`),
  });
  onCleanUp(() => infra.stop());
  result.infra = {
    kafka: infra.started.includes('kafka')
      ? `throwaway on ${infra.kafkaBrokers}`
      : `given (${infra.kafkaBrokers})`,
    postgres: infra.started.includes('postgres')
      ? `throwaway on ${redactUrl(infra.databaseUrl)} (fsync and synchronous_commit off)`
      : `given (${redactUrl(infra.databaseUrl)})`,
  };

  log('▶ starting one registry and one gateway');
  const appsStarted = Date.now();
  let apps: RunningApps | undefined = await startApps({
    root,
    runDir,
    kafkaBrokers: infra.kafkaBrokers,
    databaseUrl: infra.databaseUrl,
  });
  const stopApps = async (): Promise<void> => {
    const running = apps;
    apps = undefined;
    await running?.stop();
  };
  onCleanUp(stopApps);
  log(`  ready in ${seconds(appsStarted)} (logs: ${relative(process.cwd(), runDir)}/)`);
  const { tenant, key } = await createTenant(apps, `bench-${runId}`);

  const kafka = benchKafka(infra.kafkaBrokers);
  const propagationProbe = new RegistrationPropagationProbe(kafka, tenant, runId);
  onCleanUp(() => propagationProbe.stop());
  await propagationProbe.prepare();

  const timeoutMs = options.requestTimeoutSeconds * 1000;
  const client = new KeepAliveClient(apps.adminUrl, options.concurrency, timeoutMs);
  const probeClient = new KeepAliveClient(apps.adminUrl, 8, timeoutMs);
  onCleanUp(async () => {
    client.close();
    probeClient.close();
  });
  const ttlSeconds = options.ttlSeconds;
  const pathOf = Array.from(
    { length: options.instances },
    (_, i) => `/v1/services/bench-svc-${i % options.services}/instances/hb-${i}`,
  );
  const auth = { authorization: `Bearer ${key}` };

  log(`▶ registering ${options.instances} instances (TTL ${ttlSeconds} s)`);
  const registrationStarted = Date.now();
  const outcomes: Record<string, number> = {};
  const confirmed = new Uint8Array(options.instances);
  let registered = 0;
  const registrationDeadline = registrationStarted + REGISTRATION_BUDGET_MS(options.instances);
  const progress = setInterval(
    () => log(`  … ${registered} registered after ${seconds(registrationStarted)}`),
    15_000,
  );
  const register = async (i: number): Promise<void> => {
    const outcome = await client.send({
      method: 'PUT',
      path: pathOf[i],
      headers: auth,
      body: JSON.stringify({ host: '127.0.0.1', port: 10_000 + (i % 50_000), ttlSeconds }),
    });
    outcomes[String(outcome)] = (outcomes[String(outcome)] ?? 0) + 1;
    if (outcome === 200 || outcome === 201) {
      confirmed[i] = 1;
      registered++;
    }
  };
  try {
    await inPool(options.instances, REGISTRATION_WIDTH, registrationDeadline, register);
    // A PUT that timed out may still have registered; asking again is idempotent (200).
    const unconfirmed = [...confirmed.keys()].filter((i) => confirmed[i] === 0);
    if (unconfirmed.length > 0) {
      log(`  asking again for ${unconfirmed.length} instances without a 2xx answer`);
      await inPool(unconfirmed.length, REGISTRATION_WIDTH, registrationDeadline, (k) =>
        register(unconfirmed[k]),
      );
    }
  } finally {
    clearInterval(progress);
  }
  const registrationSeconds = (Date.now() - registrationStarted) / 1000;
  result.registration = {
    instances: options.instances,
    registered,
    seconds: Math.round(registrationSeconds * 10) / 10,
    perSecond: Math.round((registered / registrationSeconds) * 10) / 10,
    outcomes,
  };
  log(
    `  ${registered} registered in ${registrationSeconds.toFixed(1)} s (${JSON.stringify(outcomes)})`,
  );
  if (registered < options.instances * 0.99) {
    throw new Error(`only ${registered} of ${options.instances} instances registered in time`);
  }

  const plan: LoadPlan = {
    instances: options.instances,
    intervalMs: options.intervalSeconds * 1000,
    warmupMs: options.warmupSeconds * 1000,
    measureMs: options.seconds * 1000,
    concurrency: options.concurrency,
  };
  const load = (baseUrl: string): LoadThreadInput => ({
    baseUrl,
    plan,
    requestTimeoutMs: timeoutMs,
    paths: pathOf.map((path) => `${path}/heartbeat`),
    headers: auth,
  });
  const groups = (): WatchedGroup[] => [
    ...(apps
      ? [
          { name: 'gateway', pids: () => [apps?.pids.gateway ?? -1] },
          { name: 'registry', pids: () => [apps?.pids.registry ?? -1] },
        ]
      : []),
    ...infraGroups(infra),
    benchGroup,
  ];
  const measureLine = `${options.warmupSeconds} s warm-up + ${options.seconds} s measured`;
  let tap: RpcTap | undefined;
  if (options.breakdown) {
    tap = new RpcTap(kafka, runId);
    onCleanUp(async () => tap?.stop());
    await tap.prepare();
  }
  log(`▶ MCP: ${plan.instances} heartbeats per ${options.intervalSeconds} s, ${measureLine}`);
  // The setup's connections are not needed any more: the load thread opens its own.
  client.close();
  const mcp = await measure(load(apps.adminUrl), groups(), () =>
    propagationProbe.run(probeClient, key, options.samples, plan.measureMs, PROPAGATION_GRACE_MS),
  );
  result.mcp = mcp.side;
  if (tap) {
    result.mcp.breakdown = tap.breakdown(mcp.window.from, mcp.window.to);
    await tap.stop();
  }
  log(
    `  ${result.mcp.heartbeats.ok}/${result.mcp.heartbeats.offered} heartbeats 2xx, ` +
      `p99 ${result.mcp.heartbeats.latency.p99} ms; propagation p99 ${result.mcp.propagation.latency.p99} ms`,
  );
  await propagationProbe.stop();

  if (!options.floor) return;
  // The floor runs without the apps, so their idle work does not weigh on it.
  await stopApps();
  log(`▶ floor: the same load against a bare node:http server, raw kafkajs alongside`);
  const floorServer: FloorServer = await startFloorServer(runDir);
  onCleanUp(() => floorServer.stop());
  const floorProbe = new KafkaFloorProbe(kafka, runId);
  onCleanUp(() => floorProbe.stop());
  await floorProbe.prepare();
  const floorGroups: WatchedGroup[] = [
    { name: 'floor server (bare node:http)', pids: () => [floorServer.pid] },
    ...groups(),
  ];
  result.floor = (
    await measure(load(floorServer.url), floorGroups, () =>
      floorProbe.run(options.samples, plan.measureMs, PROPAGATION_GRACE_MS),
    )
  ).side;
  log(
    `  ${result.floor.heartbeats.ok}/${result.floor.heartbeats.offered} 2xx, ` +
      `p99 ${result.floor.heartbeats.latency.p99} ms; produce → consume p99 ${result.floor.propagation.latency.p99} ms`,
  );
}

async function main(): Promise<number> {
  let options: BenchOptions;
  try {
    const parsed = parseBenchArgs(process.argv.slice(2));
    if (parsed === 'help') {
      console.log(USAGE);
      return 0;
    }
    options = parsed;
  } catch (error) {
    if (error instanceof UsageError) {
      console.error(`${error.message}\n\n${USAGE}`);
      return 2;
    }
    throw error;
  }
  const runId = new Date()
    .toISOString()
    .replace(/[-:]/g, '')
    .replace('T', '-')
    .slice(0, 15)
    .toLowerCase();
  const runDir = join(root, 'tmp', 'bench', runId);
  mkdirSync(runDir, { recursive: true });
  const resultFile = resolve(options.out ?? join(root, 'tmp', 'bench', `registry-${runId}.json`));
  const result: BenchResult = {
    tool: 'mcp-bench-registry',
    startedAt: new Date().toISOString(),
    options,
    machine: machineInfo(),
    infra: { kafka: 'not started', postgres: 'not started' },
  };

  // Hard bound on the whole run: setup, both measured runs and their drains, then some slack.
  const measuredMs = (options.warmupSeconds + options.seconds) * 1000;
  const budgetMs =
    10 * 60_000 + REGISTRATION_BUDGET_MS(options.instances) + 2 * (measuredMs + 30_000);
  // Whatever ends the run — done, failed, Ctrl-C, watchdog — stops everything and writes the result.
  let finished: Promise<void> | undefined;
  const finish = (error?: string): Promise<void> => {
    finished ??= (async () => {
      if (error) {
        result.error ??= error;
        console.error(`\n✘ ${error}`);
      }
      log('▶ stopping');
      await cleanUp();
      result.machine.loadAverageAtEnd = loadavg().map((l) => Math.round(l * 100) / 100);
      result.finishedAt = new Date().toISOString();
      addJudgement(result);
      mkdirSync(dirname(resultFile), { recursive: true });
      writeFileSync(resultFile, `${JSON.stringify(result, null, 2)}\n`);
      console.log(renderReport(result, relative(process.cwd(), resultFile)));
    })();
    return finished;
  };
  const watchdog = setTimeout(() => {
    const minutes = Math.round(budgetMs / 60_000);
    void finish(`the benchmark ran past its ${minutes} min budget`).then(() => process.exit(3));
  }, budgetMs);
  watchdog.unref();
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      void finish(`stopped by ${signal}`).then(() => process.exit(130));
    });
  }

  try {
    await run(options, result, runId, runDir);
  } catch (error) {
    await finish(
      error instanceof InfraError ? error.message : String((error as Error)?.stack ?? error),
    );
    return 1;
  }
  await finish();
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    void cleanUp().then(() => process.exit(1));
  },
);
