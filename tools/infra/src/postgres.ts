/**
 * A private PostgreSQL cluster run from the machine's own server binaries, in the foreground as
 * our child process (never daemonised), so it stops when we do.
 */
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
} from 'node:fs';
import { join } from 'node:path';
import { Client } from 'pg';
import { findPostgresBin, postgresRunAs, systemProbe } from './binaries';
import { infraErrors } from './infra-error';
import { freePorts, isPortFree, sleep } from './ports';
import { reapStale, spawnSupervised, tailOf, type RunAs } from './supervised-process';

export const DATABASE_NAME = 'mcp';

export interface PostgresOptions {
  /** Our folder for Postgres: the cluster goes in `<dir>/data`, its log next to it. */
  dir: string;
  /** 0 picks a free port. */
  port: number;
  /** Trades durability for speed (fsync off): for throwaway test clusters only. */
  ephemeral: boolean;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface RunningPostgres {
  databaseUrl: string;
  logFile: string;
  stop(): Promise<void>;
}

/** The arguments of the foreground `postgres` process. */
export function postgresArgs(
  dataDir: string,
  port: number,
  socketDir: string,
  ephemeral: boolean,
): string[] {
  const args = [
    '-D',
    dataDir,
    '-p',
    String(port),
    '-k',
    socketDir,
    '-c',
    'listen_addresses=127.0.0.1',
  ];
  args.push('-c', 'max_connections=200');
  if (ephemeral) {
    args.push('-c', 'fsync=off', '-c', 'synchronous_commit=off', '-c', 'full_page_writes=off');
  }
  return args;
}

/** A unix socket path may not exceed ~107 bytes; a deep data folder falls back to /tmp. */
export function socketDirFor(dataDir: string, port: number): string {
  return `${dataDir}/.s.PGSQL.${port}`.length < 100 ? dataDir : '/tmp';
}

export function databaseUrlFor(port: number, database = DATABASE_NAME): string {
  return `postgres://postgres@127.0.0.1:${port}/${database}`;
}

/** Whether Postgres at `url` accepts a connection and answers `select 1`; the failure reason otherwise. */
export async function databaseAnswers(url: string, timeoutMs: number): Promise<true | string> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: timeoutMs });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('select 1');
    return true;
  } catch (error) {
    return (error as Error).message || String(error);
  } finally {
    await client.end().catch(() => undefined);
  }
}

function run(
  command: string,
  args: string[],
  logFile: string,
  runAs: RunAs | undefined,
): Promise<number | string> {
  const out = openSync(logFile, 'a');
  try {
    const child = spawn(command, args, {
      cwd: '/',
      stdio: ['ignore', out, out],
      ...(runAs ? { uid: runAs.uid, gid: runAs.gid } : {}),
    });
    return new Promise((resolve) => {
      child.once('error', (e) => resolve(e.message));
      child.once('exit', (c, s) => resolve(c ?? s ?? 'unknown'));
    });
  } finally {
    closeSync(out);
  }
}

export async function startPostgres(opts: PostgresOptions): Promise<RunningPostgres> {
  const bin = findPostgresBin(opts.env, systemProbe);
  if (!bin) throw infraErrors.postgresMissing();
  const runAs = postgresRunAs(systemProbe);
  const dataDir = join(opts.dir, 'data');
  const logFile = join(opts.dir, 'postgres.log');
  const pidFile = join(opts.dir, 'postgres.pid');
  mkdirSync(opts.dir, { recursive: true });
  if (!existsSync(dataDir)) mkdirSync(dataDir, { mode: 0o700 });
  if (runAs) {
    // The postgres OS user must reach and own its cluster folder.
    chmodSync(opts.dir, 0o755);
    chownSync(dataDir, runAs.uid, runAs.gid);
  }
  if (await reapStale(pidFile, dataDir, 'Postgres', 'SIGINT')) {
    opts.log('postgres: stopped a server left running by an earlier run');
  }

  if (readdirSync(dataDir).length === 0) {
    opts.log(`postgres: creating a cluster in ${dataDir} (initdb from ${bin})`);
    const code = await run(
      join(bin, 'initdb'),
      [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '--auth=trust',
        '--encoding=UTF8',
        '--locale=C',
        '--no-sync',
      ],
      logFile,
      runAs,
    );
    if (code !== 0) {
      throw infraErrors.didNotStart('Postgres', `initdb failed: ${tailOf(logFile, 1)}`, logFile);
    }
  }

  const port = opts.port || (await freePorts(1))[0];
  if (opts.port && !(await isPortFree(opts.port))) {
    throw infraErrors.portTaken(
      'Postgres',
      opts.port,
      'POSTGRES_PORT',
      'DATABASE_URL to a running server',
    );
  }
  const socketDir = socketDirFor(dataDir, port);
  opts.log(`postgres: starting on 127.0.0.1:${port} (log: ${logFile})`);
  const started = Date.now();
  const child = spawnSupervised({
    name: 'postgres',
    command: join(bin, 'postgres'),
    args: postgresArgs(dataDir, port, socketDir, opts.ephemeral),
    cwd: '/',
    env: { ...opts.env, LC_ALL: 'C' },
    logFile,
    pidFile,
    runAs,
  });
  // SIGINT is Postgres's "fast shutdown": roll back sessions, checkpoint, exit.
  const stop = (): Promise<void> => child.stop('SIGINT', 15000);

  const adminUrl = databaseUrlFor(port, 'postgres');
  const deadline = Date.now() + 60000;
  for (;;) {
    if (child.hasExited()) {
      throw infraErrors.didNotStart('Postgres', `exited: ${tailOf(logFile, 1)}`, logFile);
    }
    if ((await databaseAnswers(adminUrl, 2000)) === true) break;
    if (Date.now() > deadline) {
      await stop();
      throw infraErrors.didNotStart('Postgres', 'no connection accepted within a minute', logFile);
    }
    await sleep(200);
  }
  await createDatabaseIfAbsent(adminUrl, DATABASE_NAME);
  opts.log(
    `postgres: ready on 127.0.0.1:${port} in ${((Date.now() - started) / 1000).toFixed(1)} s`,
  );
  return { databaseUrl: databaseUrlFor(port), logFile, stop };
}

async function createDatabaseIfAbsent(adminUrl: string, name: string): Promise<void> {
  const client = new Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const found = await client.query('select 1 from pg_database where datname = $1', [name]);
    if (found.rowCount === 0) await client.query(`create database "${name}"`);
  } finally {
    await client.end();
  }
}
