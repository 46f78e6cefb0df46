/**
 * Child processes (Kafka, Postgres, Zipkin) that must never outlive us: each gets a pid file in
 * its data directory, is killed on exit, and a leftover from a run that was killed hard is found
 * and stopped on the next start.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { infraErrors } from './infra-error';

export interface RunAs {
  uid: number;
  gid: number;
}

export interface SupervisedSpawn {
  name: string;
  command: string;
  args: string[];
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** stdout and stderr are appended here, not to our terminal. */
  logFile: string;
  pidFile: string;
  runAs?: RunAs;
}

export interface SupervisedProcess {
  readonly name: string;
  readonly pid: number;
  readonly logFile: string;
  /** Resolves with the exit code (or the signal name) once the process has ended. */
  readonly exited: Promise<number | string>;
  hasExited(): boolean;
  /** Sends `signal`, waits up to `graceMs`, then kills the whole process group. */
  stop(signal: NodeJS.Signals, graceMs: number): Promise<void>;
}

interface PidRecord {
  pid: number;
  owner: number;
}

const live = new Set<SupervisedProcess>();
let exitHookInstalled = false;

/** Last resort when our process exits without stopping its children (an uncaught error, exit()). */
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.on('exit', () => {
    for (const child of live) killGroup(child.pid, 'SIGKILL');
  });
}

function killGroup(pid: number, signal: NodeJS.Signals): void {
  // Children are spawned detached, so each leads its own group (Postgres backends included).
  for (const target of [-pid, pid]) {
    try {
      process.kill(target, signal);
    } catch {
      // already gone
    }
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function commandLineOf(pid: number): string | undefined {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0').join(' ');
  } catch {
    try {
      return execFileSync('ps', ['-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    } catch {
      return undefined;
    }
  }
}

export function spawnSupervised(spec: SupervisedSpawn): SupervisedProcess {
  installExitHook();
  const logFd = openSync(spec.logFile, 'a');
  let child: ChildProcess;
  try {
    child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      stdio: ['ignore', logFd, logFd],
      // Its own process group: a Ctrl-C in the terminal reaches only us, and we stop children in order.
      detached: true,
      ...(spec.runAs ? { uid: spec.runAs.uid, gid: spec.runAs.gid } : {}),
    });
  } finally {
    closeSync(logFd);
  }
  let exitedAlready = false;
  const exited = new Promise<number | string>((resolve) => {
    child.once('exit', (code, signal) => {
      exitedAlready = true;
      resolve(code ?? signal ?? 'unknown');
    });
    child.once('error', (error) => {
      exitedAlready = true;
      resolve(error.message);
    });
  });
  const pid = child.pid ?? -1;
  if (pid > 0) {
    const record: PidRecord = { pid, owner: process.pid };
    writeFileSync(spec.pidFile, JSON.stringify(record));
  }

  const supervised: SupervisedProcess = {
    name: spec.name,
    pid,
    logFile: spec.logFile,
    exited,
    hasExited: () => exitedAlready || pid <= 0,
    async stop(signal, graceMs) {
      if (!supervised.hasExited()) {
        killGroup(pid, signal);
        const timer = new Promise<'timeout'>((resolve) => {
          const t = setTimeout(() => resolve('timeout'), graceMs);
          void exited.then(() => clearTimeout(t));
        });
        if ((await Promise.race([exited, timer])) === 'timeout') {
          killGroup(pid, 'SIGKILL');
          await exited;
        }
      }
      // Postgres backends may linger a moment after their postmaster.
      killGroup(pid, 'SIGKILL');
      live.delete(supervised);
      rmSync(spec.pidFile, { force: true });
    },
  };
  void exited.then(() => live.delete(supervised));
  live.add(supervised);
  return supervised;
}

async function waitUntilGone(pid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return !isAlive(pid);
}

/**
 * A pid file left by a run that was killed hard: if its owner is gone but the process still runs
 * (recognised by `marker` in its command line, so a recycled pid is never touched), stop it.
 */
export async function reapStale(
  pidFile: string,
  marker: string,
  what: string,
  signal: NodeJS.Signals,
): Promise<boolean> {
  if (!existsSync(pidFile)) return false;
  let record: PidRecord;
  try {
    record = JSON.parse(readFileSync(pidFile, 'utf8')) as PidRecord;
  } catch {
    rmSync(pidFile, { force: true });
    return false;
  }
  const running = isAlive(record.pid) && (commandLineOf(record.pid) ?? '').includes(marker);
  if (running && record.owner !== process.pid && isAlive(record.owner)) {
    throw infraErrors.alreadyRunning(what, record.owner, marker);
  }
  if (running) {
    killGroup(record.pid, signal);
    if (!(await waitUntilGone(record.pid, 15000))) {
      killGroup(record.pid, 'SIGKILL');
      await waitUntilGone(record.pid, 5000);
    }
  }
  rmSync(pidFile, { force: true });
  return running;
}

/** The last lines of a log file, for an error message or a terminal. */
export function tailOf(file: string, lines = 20): string {
  try {
    const text = readFileSync(file, 'utf8').trimEnd().split('\n');
    return text.slice(-lines).join('\n');
  } catch {
    return '';
  }
}
