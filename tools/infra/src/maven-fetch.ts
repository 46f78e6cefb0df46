/**
 * Fetches jars (Kafka, Zipkin) through Maven into the git-ignored cache, once per version, showing a
 * short progress line instead of Maven's own output.
 */
import { spawn } from 'node:child_process';
import {
  createWriteStream,
  existsSync,
  mkdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { systemProbe, findMaven } from './binaries';
import { infraErrors } from './infra-error';

// eslint-disable-next-line no-control-regex
const ansi = /\u001b\[[0-9;]*m/g;

/** Reads Maven's batch-mode output line by line: counts downloads and keeps the errors. */
export class MavenProgress {
  files = 0;
  readonly errors: string[] = [];

  /** Returns true when the line was a finished download. */
  feed(rawLine: string): boolean {
    const line = rawLine.replace(ansi, '').trim();
    if (/^\[INFO\] Downloaded from /.test(line) || /^Downloaded from /.test(line)) {
      this.files += 1;
      return true;
    }
    const error = /^\[ERROR\]\s*(.*)$/.exec(line)?.[1]?.trim();
    if (error) this.errors.push(error);
    return false;
  }

  /** e.g. "fetching Kafka 3.9.1 jars… 37 files" */
  describe(what: string): string {
    return `fetching ${what}… ${this.files} file${this.files === 1 ? '' : 's'}`;
  }

  /** The one Maven error line that says what went wrong, shortened for a sentence. */
  reason(): string {
    const useful =
      this.errors.find((e) => /Failed to execute goal|Could not (resolve|transfer|find)/.test(e)) ??
      this.errors.find((e) => e.length > 0) ??
      'Maven exited with an error';
    return useful.length > 300 ? `${useful.slice(0, 297)}...` : useful;
  }
}

export interface MavenFetch {
  /** For humans: "Kafka 3.9.1 jars". */
  what: string;
  /** Maven arguments; `{out}` is replaced by the folder to fill. */
  args: string[];
  /** The folder that holds the result once complete; it appears atomically. */
  target: string;
  env: NodeJS.ProcessEnv;
  log: (line: string) => void;
  /** Working directory for mvn (where a pom given with -f is resolved from). */
  cwd: string;
}

/**
 * Runs Maven into a private folder next to `target` and renames it into place when it succeeded,
 * so an interrupted or concurrent fetch never leaves a half-filled cache behind.
 */
export async function fetchWithMaven(fetch: MavenFetch): Promise<void> {
  if (existsSync(fetch.target)) return;
  const mvn = findMaven(fetch.env, systemProbe, fetch.what);
  mkdirSync(dirname(fetch.target), { recursive: true });
  const partial = `${fetch.target}.partial-${process.pid}`;
  rmSync(partial, { recursive: true, force: true });
  mkdirSync(partial, { recursive: true });
  const logFile = join(dirname(fetch.target), 'maven.log');
  writeFileSync(logFile, '');
  fetch.log(`fetching ${fetch.what} with Maven (first run only; full output in ${logFile})`);
  // One retry: a fresh CI machine's first contact with Maven Central is where a flaky network shows.
  let progress = await runMaven(mvn, fetch, partial, logFile);
  if (progress.exitCode !== 0) {
    fetch.log(`Maven failed (${progress.reason()}); trying once more`);
    progress = await runMaven(mvn, fetch, partial, logFile);
  }
  if (progress.exitCode !== 0) {
    rmSync(partial, { recursive: true, force: true });
    throw infraErrors.mavenFailed(fetch.what, progress.reason(), logFile);
  }
  try {
    renameSync(partial, fetch.target);
  } catch (error) {
    // Another process finished the same fetch first; its copy is as good as ours.
    rmSync(partial, { recursive: true, force: true });
    if (!existsSync(fetch.target)) throw error;
  }
  fetch.log(`${fetch.what} ready in ${fetch.target} (${progress.files} files downloaded)`);
}

async function runMaven(
  mvn: string,
  fetch: MavenFetch,
  partial: string,
  logFile: string,
): Promise<MavenProgress & { exitCode: number | string }> {
  const logStream = createWriteStream(logFile, { flags: 'a' });
  const progress = new MavenProgress();
  const child = spawn(
    mvn,
    ['-B', '-Dstyle.color=never', ...fetch.args.map((a) => a.split('{out}').join(partial))],
    { cwd: fetch.cwd, env: fetch.env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let lastReport = Date.now();
  for (const stream of [child.stdout, child.stderr]) {
    createInterface({ input: stream }).on('line', (line) => {
      logStream.write(`${line}\n`);
      if (progress.feed(line) && Date.now() - lastReport > 5000) {
        lastReport = Date.now();
        fetch.log(progress.describe(fetch.what));
      }
    });
  }
  const exitCode = await new Promise<number | string>((resolve) => {
    child.once('error', (error) => resolve(error.message));
    child.once('close', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  await new Promise((resolve) => logStream.end(resolve));
  return Object.assign(progress, { exitCode });
}
