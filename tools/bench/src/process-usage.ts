/**
 * CPU and memory of the processes under test, read from /proc (Linux): CPU as utime + stime
 * deltas over a window, as a percentage of one core; RSS sampled once a second.
 */
import { readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { cpus } from 'node:os';

// USER_HZ is 100 on every Linux architecture Node runs on; `getconf CLK_TCK` says so.
const TICKS_PER_SECOND = 100;
const PAGE_BYTES = 4096;

interface ProcStat {
  ppid: number;
  ticks: number;
  rssBytes: number;
}

/** utime + stime and RSS of one process, or undefined when it is gone. */
export function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may hold spaces; fields are counted after it.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return {
    ppid: Number(fields[1]),
    ticks: Number(fields[11]) + Number(fields[12]),
    rssBytes: Number(fields[21]) * PAGE_BYTES,
  };
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

/** The process and all its children (one level: enough for Postgres backends and our apps). */
export function withChildren(pid: number): number[] {
  return [pid, ...allPids().filter((p) => readProcStat(p)?.ppid === pid)];
}

/** The pid listening on a TCP `port` (IPv4 or IPv6), found through its socket inode. */
export function listenerOf(port: number): number | undefined {
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols.length < 10 || cols[3] !== '0A') continue; // 0A: LISTEN
      if (parseInt(cols[1].split(':')[1], 16) === port) inodes.add(cols[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of allPids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const link = readlinkSync(`/proc/${pid}/fd/${fd}`);
        const inode = /^socket:\[(\d+)\]$/.exec(link)?.[1];
        if (inode && inodes.has(inode)) return pid;
      } catch {
        // closed while we looked
      }
    }
  }
  return undefined;
}

/** A named set of processes whose members may change (Postgres forks a backend per connection). */
export interface WatchedGroup {
  name: string;
  pids(): number[];
}

export interface GroupUsage {
  name: string;
  /** CPU over the window as a percentage of one core (200 = both cores of a 2-core machine). */
  cpuPercent: number;
  rssAvgMb: number;
  rssMaxMb: number;
  processes: number;
}

export interface UsageReport {
  seconds: number;
  groups: GroupUsage[];
  /** All processes on the machine, from /proc/stat, as a percentage of one core. */
  machineCpuPercent: number;
  cores: number;
}

function machineTicks(): { busy: number; total: number } {
  const line = readFileSync('/proc/stat', 'utf8').split('\n')[0];
  const [user, nice, system, idle, iowait, irq, softirq, steal] = line
    .split(/\s+/)
    .slice(1, 9)
    .map(Number);
  const busy = user + nice + system + irq + softirq + steal;
  return { busy, total: busy + idle + iowait };
}

interface GroupState {
  group: WatchedGroup;
  lastTicks: Map<number, number>;
  cpuTicks: number;
  rssSamples: number[];
  seen: Set<number>;
}

/** Samples the groups once a second between start() and stop(). */
export class UsageSampler {
  private states: GroupState[] = [];
  private timer: NodeJS.Timeout | undefined;
  private startedAt = 0;
  private machineStart = { busy: 0, total: 0 };

  constructor(private readonly groups: WatchedGroup[]) {}

  start(): void {
    this.startedAt = Date.now();
    this.machineStart = machineTicks();
    this.states = this.groups.map((group) => {
      const lastTicks = new Map<number, number>();
      for (const pid of group.pids()) {
        const stat = readProcStat(pid);
        if (stat) lastTicks.set(pid, stat.ticks);
      }
      return { group, lastTicks, cpuTicks: 0, rssSamples: [], seen: new Set(lastTicks.keys()) };
    });
    this.timer = setInterval(() => this.sample(), 1000);
  }

  private sample(): void {
    for (const state of this.states) {
      let rss = 0;
      for (const pid of state.group.pids()) {
        const stat = readProcStat(pid);
        if (!stat) continue;
        // A process born inside the window spent all its CPU inside it.
        const before = state.lastTicks.get(pid) ?? 0;
        state.cpuTicks += stat.ticks - before;
        state.lastTicks.set(pid, stat.ticks);
        state.seen.add(pid);
        rss += stat.rssBytes;
      }
      state.rssSamples.push(rss);
    }
  }

  stop(): UsageReport {
    if (this.timer) clearInterval(this.timer);
    this.sample();
    const seconds = (Date.now() - this.startedAt) / 1000;
    const machineEnd = machineTicks();
    const cores = cpus().length;
    const totalTicks = machineEnd.total - this.machineStart.total;
    const mb = (bytes: number): number => Math.round(bytes / 1024 / 102.4) / 10;
    return {
      seconds: Math.round(seconds * 10) / 10,
      cores,
      machineCpuPercent:
        totalTicks > 0
          ? Math.round(((machineEnd.busy - this.machineStart.busy) / totalTicks) * cores * 1000) /
            10
          : 0,
      groups: this.states.map((state) => ({
        name: state.group.name,
        cpuPercent:
          seconds > 0 ? Math.round((state.cpuTicks / TICKS_PER_SECOND / seconds) * 1000) / 10 : 0,
        rssAvgMb: mb(
          state.rssSamples.reduce((a, b) => a + b, 0) / Math.max(1, state.rssSamples.length),
        ),
        rssMaxMb: mb(Math.max(0, ...state.rssSamples)),
        processes: state.seen.size,
      })),
    };
  }
}
