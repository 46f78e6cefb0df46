/**
 * Brings up what the services need — Kafka, Postgres and optionally Zipkin — reusing any the
 * environment already names (KAFKA_BROKERS, DATABASE_URL), and stops all of it again.
 */
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  readdirSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { infraErrors } from './infra-error';
import { brokerAnswers, startKafka } from './kafka';
import { portFromEnv } from './ports';
import { databaseAnswers, startPostgres } from './postgres';
import { isAlive, reapStale } from './supervised-process';
import { startZipkin } from './zipkin';

export interface InfraOptions {
  /** Where Kafka/Postgres keep data (persistent for npm start; a temp dir for tests). */
  dataDir: string;
  /** true: free ports, data removed on stop. */
  ephemeral: boolean;
  kafkaPort?: number;
  postgresPort?: number;
  zipkin?: boolean;
  zipkinPort?: number;
  /** Defaults to process.env; KAFKA_BROKERS / DATABASE_URL are honoured. */
  env?: NodeJS.ProcessEnv;
  /** Progress lines for humans. */
  log?: (line: string) => void;
}

export interface RunningInfra {
  kafkaBrokers: string;
  databaseUrl: string;
  zipkinUrl?: string;
  /** What this call started itself ("kafka", "postgres", "zipkin"); the rest was given. */
  started: string[];
  stop(): Promise<void>;
}

type Stop = () => Promise<void>;

export async function startInfra(opts: InfraOptions): Promise<RunningInfra> {
  const env = opts.env ?? process.env;
  const log = opts.log ?? (() => undefined);
  mkdirSync(opts.dataDir, { recursive: true });
  const started: string[] = [];
  const stops: Stop[] = [];
  const removeData = (): void => {
    if (opts.ephemeral) rmSync(opts.dataDir, { recursive: true, force: true });
  };
  if (opts.ephemeral) process.once('exit', removeData);
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => {
    stopped ??= (async () => {
      await Promise.allSettled(stops.map((s) => s()));
      removeData();
      process.removeListener('exit', removeData);
    })();
    return stopped;
  };
  const track = <T extends { stop: Stop }>(name: string, running: T): T => {
    started.push(name);
    stops.push(running.stop);
    return running;
  };

  const kafkaPart = async (): Promise<string> => {
    const given = env['KAFKA_BROKERS']?.trim();
    if (given) {
      if (!(await brokerAnswers(given, 10000))) throw infraErrors.brokersUnreachable(given);
      log(`kafka: using KAFKA_BROKERS=${given}`);
      return given;
    }
    const port = opts.kafkaPort ?? (opts.ephemeral ? 0 : portFromEnv(env, 'KAFKA_PORT', 9092));
    const kafka = track(
      'kafka',
      await startKafka({ dir: join(opts.dataDir, 'kafka'), port, env, log }),
    );
    return kafka.brokers;
  };
  const postgresPart = async (): Promise<string> => {
    const given = env['DATABASE_URL']?.trim();
    if (given) {
      const answer = await databaseAnswers(given, 5000);
      if (answer !== true) throw infraErrors.databaseUnreachable(given, answer);
      log('postgres: using DATABASE_URL');
      return given;
    }
    const port =
      opts.postgresPort ?? (opts.ephemeral ? 0 : portFromEnv(env, 'POSTGRES_PORT', 5433));
    const dir = join(opts.dataDir, 'postgres');
    const pg = track(
      'postgres',
      await startPostgres({ dir, port, ephemeral: opts.ephemeral, env, log }),
    );
    return pg.databaseUrl;
  };
  const zipkinPart = async (): Promise<string | undefined> => {
    if (!opts.zipkin) return undefined;
    const port = opts.zipkinPort ?? (opts.ephemeral ? 0 : portFromEnv(env, 'ZIPKIN_PORT', 9411));
    const zipkin = await startZipkin({ dir: join(opts.dataDir, 'zipkin'), port, env, log });
    if (zipkin.startedByUs) track('zipkin', zipkin);
    return zipkin.url;
  };

  // Side by side: each waits mostly on a JVM or initdb. All settle before we judge, so nothing
  // that came up is left running when another part failed.
  const [kafka, postgres, zipkin] = await Promise.allSettled([
    kafkaPart(),
    postgresPart(),
    zipkinPart(),
  ]);
  if (
    kafka.status === 'rejected' ||
    postgres.status === 'rejected' ||
    zipkin.status === 'rejected'
  ) {
    await stop();
    const failed = [kafka, postgres, zipkin].find(
      (r) => r.status === 'rejected',
    ) as PromiseRejectedResult;
    throw failed.reason;
  }
  return {
    kafkaBrokers: kafka.value,
    databaseUrl: postgres.value,
    ...(zipkin.value ? { zipkinUrl: zipkin.value } : {}),
    started,
    stop,
  };
}

/** One folder per OS user, so a root CI run and a developer never share (or fight over) it. */
const ephemeralRoot = (): string =>
  join(
    tmpdir(),
    typeof process.getuid === 'function' ? `mcp-infra-${process.getuid()}` : 'mcp-infra',
  );

/**
 * A fresh temporary data directory for a throwaway run. Directories whose owning process died
 * without cleaning up (killed hard) are swept first, with any Kafka or Postgres still running there.
 */
export async function createEphemeralDataDir(): Promise<string> {
  const root = ephemeralRoot();
  mkdirSync(root, { recursive: true });
  for (const entry of readdirSync(root)) {
    const dir = join(root, entry);
    let owner = NaN;
    try {
      owner = Number(readFileSync(join(dir, 'owner.pid'), 'utf8'));
    } catch {
      // no owner file yet: a run still creating it, or not ours
      continue;
    }
    if (Number.isInteger(owner) && owner !== process.pid && !isAlive(owner)) {
      await reapStale(join(dir, 'kafka', 'kafka.pid'), dir, 'Kafka', 'SIGKILL').catch(() => false);
      await reapStale(join(dir, 'postgres', 'postgres.pid'), dir, 'Postgres', 'SIGKILL').catch(
        () => false,
      );
      await reapStale(join(dir, 'zipkin', 'zipkin.pid'), dir, 'Zipkin', 'SIGKILL').catch(
        () => false,
      );
      rmSync(dir, { recursive: true, force: true });
    }
  }
  const dir = mkdtempSync(join(root, 'run-'));
  // Postgres may run as another OS user (when we are root) and must reach its folder.
  chmodSync(dir, 0o755);
  writeFileSync(join(dir, 'owner.pid'), String(process.pid));
  return dir;
}
