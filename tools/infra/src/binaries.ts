/**
 * Finds the programs the infrastructure runs on: java and mvn for Kafka and Zipkin, Postgres's
 * server binaries. The file system and process probes are injected so the search order is testable.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { infraErrors } from './infra-error';

export interface SystemProbe {
  exists(path: string): boolean;
  listDir(dir: string): string[];
  /** stdout + stderr of a command, or undefined when it cannot be run. */
  run(command: string, args: string[]): string | undefined;
}

export const systemProbe: SystemProbe = {
  exists: (path) => existsSync(path),
  listDir: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
  run: (command, args) => {
    try {
      return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    } catch (error) {
      const failed = error as { code?: string; stdout?: string; stderr?: string };
      if (failed.code === 'ENOENT' || failed.stdout === undefined) return undefined;
      return `${failed.stdout ?? ''}${failed.stderr ?? ''}`;
    }
  },
};

/** The first PATH entry holding `name`, as a full path. */
export function onPath(
  name: string,
  env: NodeJS.ProcessEnv,
  probe: SystemProbe,
): string | undefined {
  for (const dir of (env['PATH'] ?? '').split(delimiter)) {
    if (dir && probe.exists(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

const hasPostgresServer = (dir: string, probe: SystemProbe): boolean =>
  probe.exists(join(dir, 'initdb')) && probe.exists(join(dir, 'postgres'));

/** Debian/Ubuntu folders such as /usr/lib/postgresql/15/bin, newest major version first. */
function debianBinDirs(probe: SystemProbe, root = '/usr/lib/postgresql'): string[] {
  return probe
    .listDir(root)
    .filter((v) => /^\d+(\.\d+)?$/.test(v))
    .sort((a, b) => Number(b) - Number(a))
    .map((v) => join(root, v, 'bin'));
}

/** Where Postgres's initdb and postgres live: PG_BIN, then pg_config --bindir, then the newest Debian install, then PATH. */
export function findPostgresBin(env: NodeJS.ProcessEnv, probe: SystemProbe): string | undefined {
  const candidates: string[] = [];
  if (env['PG_BIN']) candidates.push(env['PG_BIN']);
  const pgConfig = probe.run('pg_config', ['--bindir'])?.trim();
  if (pgConfig && !pgConfig.includes('\n')) candidates.push(pgConfig);
  candidates.push(...debianBinDirs(probe));
  const initdb = onPath('initdb', env, probe);
  if (initdb) candidates.push(initdb.slice(0, -'/initdb'.length));
  return candidates.find((dir) => hasPostgresServer(dir, probe));
}

/** The major version from `java -version` output ("17.0.15" gives 17, "1.8.0_381" gives 8). */
export function parseJavaMajor(output: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?/.exec(output);
  if (!match) return undefined;
  const first = Number(match[1]);
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/** java from JAVA_HOME or PATH, at least version 17, or an InfraError saying what to install. */
export function findJava(env: NodeJS.ProcessEnv, probe: SystemProbe): string {
  const fromHome = env['JAVA_HOME'] ? join(env['JAVA_HOME'], 'bin', 'java') : undefined;
  const java = fromHome && probe.exists(fromHome) ? fromHome : onPath('java', env, probe);
  if (!java) throw infraErrors.javaMissing();
  const output = probe.run(java, ['-version']);
  if (output === undefined) throw infraErrors.javaMissing();
  const major = parseJavaMajor(output);
  if (major !== undefined && major < 17) throw infraErrors.javaTooOld(major);
  return java;
}

/** mvn from MAVEN_HOME or PATH; only needed while the cache is empty. */
export function findMaven(env: NodeJS.ProcessEnv, probe: SystemProbe, what: string): string {
  const fromHome = env['MAVEN_HOME'] ? join(env['MAVEN_HOME'], 'bin', 'mvn') : undefined;
  const mvn = fromHome && probe.exists(fromHome) ? fromHome : onPath('mvn', env, probe);
  if (!mvn) throw infraErrors.mavenMissing(what);
  return mvn;
}

/**
 * initdb refuses to run as root, so as root Postgres runs as the `postgres` OS user; as anyone
 * else it runs as ourselves (undefined).
 */
export function postgresRunAs(probe: SystemProbe): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  const uid = Number(probe.run('id', ['-u', 'postgres'])?.trim());
  const gid = Number(probe.run('id', ['-g', 'postgres'])?.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) {
    throw infraErrors.postgresUserMissing();
  }
  return { uid, gid };
}
