/**
 * A single-node Apache Kafka broker in KRaft mode, run from jars Maven fetched into the cache:
 * no Kafka download, no Docker.
 */
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { findJava, systemProbe } from './binaries';
import { infraErrors } from './infra-error';
import { fetchWithMaven } from './maven-fetch';
import { freePorts, isPortFree, sleep } from './ports';
import { reapStale, spawnSupervised, tailOf } from './supervised-process';
import { cacheDir, workspaceRoot } from './workspace';

export const KAFKA_VERSION = '3.9.1';

export interface KafkaLayout {
  brokerPort: number;
  controllerPort: number;
  /** Where the broker keeps its log segments and KRaft metadata. */
  logDir: string;
}

/** Backslashes and the separators are special in .properties values. */
const propertyValue = (value: string): string =>
  value.replace(/\\/g, '\\\\').replace(/([:=])/g, '\\$1');

/** server.properties for one node that is both broker and controller, listening on 127.0.0.1 only. */
export function renderServerProperties(layout: KafkaLayout): string {
  const { brokerPort, controllerPort } = layout;
  return [
    '# Written by tools/infra on every start; edits are lost.',
    'process.roles=broker,controller',
    'node.id=1',
    `controller.quorum.voters=1@127.0.0.1:${controllerPort}`,
    `listeners=PLAINTEXT://127.0.0.1:${brokerPort},CONTROLLER://127.0.0.1:${controllerPort}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${brokerPort}`,
    'listener.security.protocol.map=PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'inter.broker.listener.name=PLAINTEXT',
    'controller.listener.names=CONTROLLER',
    `log.dirs=${propertyValue(layout.logDir)}`,
    // The services provision their own topics; a typo must not silently create one.
    'auto.create.topics.enable=false',
    'num.partitions=1',
    'default.replication.factor=1',
    'min.insync.replicas=1',
    'offsets.topic.replication.factor=1',
    // Fewer internal partitions: faster first start, same semantics on one node.
    'offsets.topic.num.partitions=10',
    'transaction.state.log.replication.factor=1',
    'transaction.state.log.min.isr=1',
    'transaction.state.log.num.partitions=10',
    // Consumers in tests and dev join at once instead of after the default 3 s.
    'group.initial.rebalance.delay.ms=0',
    'log.retention.hours=168',
    '',
  ].join('\n');
}

/** log4j configuration sending everything to one rolling file in the data directory. */
export function renderLog4jProperties(logFile: string): string {
  return [
    'log4j.rootLogger=INFO, file',
    'log4j.appender.file=org.apache.log4j.RollingFileAppender',
    `log4j.appender.file.File=${logFile.replace(/\\/g, '\\\\')}`,
    'log4j.appender.file.MaxFileSize=10MB',
    'log4j.appender.file.MaxBackupIndex=2',
    'log4j.appender.file.layout=org.apache.log4j.PatternLayout',
    'log4j.appender.file.layout.ConversionPattern=[%d] %p %m (%c)%n',
    'log4j.logger.kafka.request.logger=WARN',
    'log4j.logger.state.change.logger=WARN',
    '',
  ].join('\n');
}

/**
 * A KRaft cluster id: 16 random bytes, base64url without padding, as Kafka's Uuid prints them.
 * Like Kafka's own Uuid.randomUuid it never starts with "-", which a command line would take for a flag.
 */
export function newClusterId(random: () => Buffer = () => randomBytes(16)): string {
  for (;;) {
    const id = random().toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/** The folder of Kafka's jars, fetched by Maven on first use. */
export async function ensureKafkaJars(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<string> {
  const libs = join(cacheDir(env), 'kafka', KAFKA_VERSION, 'libs');
  await fetchWithMaven({
    what: `Kafka ${KAFKA_VERSION} jars`,
    args: [
      '-f',
      join(workspaceRoot(), 'tools', 'infra', 'kafka', 'pom.xml'),
      `-Dkafka.version=${KAFKA_VERSION}`,
      'dependency:copy-dependencies',
      '-DincludeScope=runtime',
      '-DoutputDirectory={out}',
    ],
    target: libs,
    env,
    log,
    cwd: workspaceRoot(),
  });
  return libs;
}

/** Whether a broker answers a metadata request at `brokers` within `timeoutMs`. */
export async function brokerAnswers(brokers: string, timeoutMs: number): Promise<boolean> {
  const kafka = new Kafka({
    clientId: 'mcp-infra-probe',
    brokers: brokers.split(',').map((b) => b.trim()),
    logLevel: logLevel.NOTHING,
    connectionTimeout: Math.min(timeoutMs, 3000),
    requestTimeout: Math.min(timeoutMs, 5000),
    retry: { retries: 0 },
  });
  const admin = kafka.admin();
  const attempt = (async () => {
    try {
      await admin.connect();
      const cluster = await admin.describeCluster();
      await admin.listTopics();
      return cluster.brokers.length > 0;
    } catch {
      return false;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  })();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([attempt, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The most telling line of a log: the last error or exception, else the last line. */
function lastComplaint(...logFiles: string[]): string {
  const lines = logFiles.flatMap((f) => tailOf(f, 80).split('\n')).filter((l) => l.trim());
  const complaint = [...lines].reverse().find((l) => /ERROR|FATAL|Exception|Error:/.test(l));
  return (complaint ?? lines[lines.length - 1] ?? 'no output').trim().slice(0, 300);
}

export interface KafkaOptions {
  /** Kafka's own folder (server.properties, logs, data). */
  dir: string;
  /** The broker's port; 0 picks a free one. */
  port: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface RunningKafka {
  brokers: string;
  logFile: string;
  stop(): Promise<void>;
}

export async function startKafka(opts: KafkaOptions): Promise<RunningKafka> {
  const java = findJava(opts.env, systemProbe);
  const libs = await ensureKafkaJars(opts.env, opts.log);
  mkdirSync(opts.dir, { recursive: true });
  const pidFile = join(opts.dir, 'kafka.pid');
  if (await reapStale(pidFile, opts.dir, 'Kafka', 'SIGTERM')) {
    opts.log('kafka: stopped a broker left running by an earlier run');
  }

  // Nobody but the broker itself talks to the controller listener, so any free port will do.
  const [freeBroker, controllerPort] = await freePorts(2);
  const brokerPort = opts.port || freeBroker;
  if (opts.port && !(await isPortFree(opts.port))) {
    throw infraErrors.portTaken(
      'Kafka',
      opts.port,
      'KAFKA_PORT',
      'KAFKA_BROKERS to a running broker',
    );
  }

  const logDir = join(opts.dir, 'data');
  const serverProperties = join(opts.dir, 'server.properties');
  const log4jProperties = join(opts.dir, 'log4j.properties');
  const logFile = join(opts.dir, 'server.log');
  const outFile = join(opts.dir, 'kafka.out');
  writeFileSync(serverProperties, renderServerProperties({ brokerPort, controllerPort, logDir }));
  writeFileSync(log4jProperties, renderLog4jProperties(logFile));
  const jvm = [
    '-Xmx512m',
    '-XX:+UseG1GC',
    '-XX:MaxGCPauseMillis=20',
    '-XX:+ExitOnOutOfMemoryError',
    '-Djava.awt.headless=true',
    `-Dlog4j.configuration=file:${log4jProperties}`,
    `-Dkafka.logs.dir=${opts.dir}`,
    '-cp',
    join(libs, '*'),
  ];

  if (!existsSync(join(logDir, 'meta.properties'))) {
    opts.log(`kafka: formatting KRaft storage in ${logDir}`);
    await formatStorage(java, jvm, serverProperties, outFile);
  }

  const brokers = `127.0.0.1:${brokerPort}`;
  opts.log(`kafka: starting Apache Kafka ${KAFKA_VERSION} on ${brokers} (log: ${logFile})`);
  const started = Date.now();
  const child = spawnSupervised({
    name: 'kafka',
    command: java,
    args: [...jvm, 'kafka.Kafka', serverProperties],
    cwd: opts.dir,
    env: opts.env,
    logFile: outFile,
    pidFile,
  });
  const stop = (): Promise<void> => child.stop('SIGTERM', 15000);

  const deadline = Date.now() + 120000;
  for (;;) {
    if (child.hasExited()) {
      throw infraErrors.didNotStart('Kafka', `exited: ${lastComplaint(outFile, logFile)}`, logFile);
    }
    if (await brokerAnswers(brokers, 3000)) break;
    if (Date.now() > deadline) {
      await stop();
      throw infraErrors.didNotStart('Kafka', 'no answer within 2 minutes', logFile);
    }
    await sleep(300);
  }
  opts.log(`kafka: ready on ${brokers} in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { brokers, logFile, stop };
}

async function formatStorage(
  java: string,
  jvm: string[],
  serverProperties: string,
  outFile: string,
): Promise<void> {
  const out = openSync(outFile, 'a');
  try {
    const child = spawn(
      java,
      [...jvm, 'kafka.tools.StorageTool', 'format', '-t', newClusterId(), '-c', serverProperties],
      { stdio: ['ignore', out, out] },
    );
    const code = await new Promise<number | string>((resolve) => {
      child.once('error', (e) => resolve(e.message));
      child.once('exit', (c, s) => resolve(c ?? s ?? 'unknown'));
    });
    if (code !== 0) {
      const reason = readFileSync(outFile, 'utf8').trim().split('\n').pop() ?? `exit ${code}`;
      throw infraErrors.didNotStart('Kafka', `formatting its storage failed: ${reason}`, outFile);
    }
  } finally {
    closeSync(out);
  }
}
