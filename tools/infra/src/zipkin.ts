/** The Zipkin trace viewer for `npm start`, run from its executable jar fetched by Maven. */
import { join } from 'node:path';
import { findJava, systemProbe } from './binaries';
import { infraErrors } from './infra-error';
import { fetchWithMaven } from './maven-fetch';
import { freePorts, isPortFree, sleep } from './ports';
import { reapStale, spawnSupervised } from './supervised-process';
import { cacheDir } from './workspace';
import { mkdirSync } from 'node:fs';

export const ZIPKIN_VERSION = '3.5.1';

export interface ZipkinOptions {
  dir: string;
  /** 0 picks a free port. */
  port: number;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
}

export interface RunningZipkin {
  /** e.g. http://127.0.0.1:9411 — the UI is under /zipkin/, spans go to /api/v2/spans. */
  url: string;
  /** False when a Zipkin already answered on the port and was reused. */
  startedByUs: boolean;
  stop(): Promise<void>;
}

async function healthy(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/health`, { signal: AbortSignal.timeout(2000) });
    return response.ok;
  } catch {
    return false;
  }
}

export async function ensureZipkinJar(
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
): Promise<string> {
  const folder = join(cacheDir(env), 'zipkin', ZIPKIN_VERSION, 'jar');
  await fetchWithMaven({
    what: `Zipkin ${ZIPKIN_VERSION} (one ~130 MB jar)`,
    args: [
      'dependency:copy',
      `-Dartifact=io.zipkin:zipkin-server:${ZIPKIN_VERSION}:jar:exec`,
      '-DoutputDirectory={out}',
    ],
    target: folder,
    env,
    log,
    cwd: cacheDir(env),
  });
  return join(folder, `zipkin-server-${ZIPKIN_VERSION}-exec.jar`);
}

export async function startZipkin(opts: ZipkinOptions): Promise<RunningZipkin> {
  const java = findJava(opts.env, systemProbe);
  mkdirSync(opts.dir, { recursive: true });
  const pidFile = join(opts.dir, 'zipkin.pid');
  if (await reapStale(pidFile, opts.dir, 'Zipkin', 'SIGTERM')) {
    opts.log('zipkin: stopped a Zipkin left running by an earlier run');
  }
  const port = opts.port || (await freePorts(1))[0];
  const url = `http://127.0.0.1:${port}`;
  if (opts.port && !(await isPortFree(port))) {
    if (await healthy(url)) {
      opts.log(`zipkin: one already answers on ${url}, using it`);
      return { url, startedByUs: false, stop: async () => undefined };
    }
    throw infraErrors.portTaken('Zipkin', port, 'ZIPKIN_PORT', 'stop the program using it');
  }
  const jar = await ensureZipkinJar(opts.env, opts.log);
  const logFile = join(opts.dir, 'zipkin.log');
  opts.log(`zipkin: starting on ${url} (log: ${logFile})`);
  const child = spawnSupervised({
    name: 'zipkin',
    command: java,
    // The marker argument lets a later run recognise a Zipkin it left behind.
    args: ['-Xmx256m', '-XX:+ExitOnOutOfMemoryError', `-Dmcp.data=${opts.dir}`, '-jar', jar],
    cwd: opts.dir,
    env: { ...opts.env, QUERY_PORT: String(port), STORAGE_TYPE: 'mem' },
    logFile,
    pidFile,
  });
  const stop = (): Promise<void> => child.stop('SIGTERM', 10000);
  const deadline = Date.now() + 90000;
  while (!(await healthy(url))) {
    if (child.hasExited()) throw infraErrors.didNotStart('Zipkin', 'it exited', logFile);
    if (Date.now() > deadline) {
      await stop();
      throw infraErrors.didNotStart('Zipkin', 'no healthy answer within 90 s', logFile);
    }
    await sleep(500);
  }
  opts.log(`zipkin: ready, UI at ${url}/zipkin/`);
  return { url, startedByUs: true, stop };
}
