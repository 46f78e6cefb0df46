/** The bench result: one JSON document, the verdicts against the targets, and the table. */
import type { BenchOptions } from './options';
import type { LoadResult } from './heartbeat-load';
import { ratioOf, type LatencySummary } from './latency';
import type { UsageReport } from './process-usage';
import type { PropagationResult } from './propagation';
import type { RpcBreakdown } from './rpc-tap';

export interface MachineInfo {
  cores: number;
  cpuModel: string;
  memoryGb: number;
  node: string;
  kernel: string;
  loadAverageAtStart: number[];
  loadAverageAtEnd?: number[];
}

export interface RunSide {
  heartbeats: LoadResult;
  propagation: PropagationResult;
  usage: UsageReport;
  /** With --breakdown (MCP run only). */
  breakdown?: RpcBreakdown;
}

export interface Verdict {
  pass: boolean;
  reason: string;
}

export interface BenchResult {
  tool: 'mcp-bench-registry';
  startedAt: string;
  finishedAt?: string;
  options: BenchOptions;
  machine: MachineInfo;
  infra: { kafka: string; postgres: string };
  registration?: {
    instances: number;
    registered: number;
    seconds: number;
    perSecond: number;
    outcomes: Record<string, number>;
  };
  mcp?: RunSide;
  floor?: RunSide;
  ratios?: {
    heartbeatP50: number | null;
    heartbeatP99: number | null;
    propagationP50: number | null;
    propagationP99: number | null;
  };
  targets?: { heldWithoutBacklog: Verdict; propagationP99Within50ms: Verdict };
  error?: string;
}

/** At most this share of offered heartbeats may go unanswered (or answered non-2xx). */
const BACKLOG_TOLERANCE = 0.01;
/** The second half's p99 may exceed the first half's by this factor plus this much, no more. */
const GROWTH_FACTOR = 1.5;
const GROWTH_SLACK_MS = 5;
const PROPAGATION_P99_LIMIT_MS = 50;

export function judgeHeld(h: LoadResult): Verdict {
  const shortfall = h.offered > 0 ? h.backlog / h.offered : 1;
  const first = h.firstHalf.p99;
  const second = h.secondHalf.p99;
  const grew =
    first === null || second === null || second > first * GROWTH_FACTOR + GROWTH_SLACK_MS;
  const facts = `${h.ok}/${h.offered} answered 2xx (backlog ${h.backlog}, ${(shortfall * 100).toFixed(2)}%), p99 ${fmt(first)} → ${fmt(second)} ms first → second half`;
  if (shortfall > BACKLOG_TOLERANCE) {
    return { pass: false, reason: `backlog over ${BACKLOG_TOLERANCE * 100}%: ${facts}` };
  }
  if (grew) return { pass: false, reason: `latency grew over the run: ${facts}` };
  return { pass: true, reason: facts };
}

export function judgePropagation(p: PropagationResult): Verdict {
  const p99 = p.latency.p99;
  if (p.answered < p.samples) {
    return {
      pass: false,
      reason: `only ${p.answered} of ${p.samples} registrations answered 2xx; p99 of those ${fmt(p99)} ms, request sent → visible p99 ${fmt(p.fromSend.p99)} ms`,
    };
  }
  if (p.missing > 0 || p99 === null) {
    return {
      pass: false,
      reason: `${p.missing} of ${p.samples} events never seen; p99 ${fmt(p99)} ms`,
    };
  }
  return {
    pass: p99 <= PROPAGATION_P99_LIMIT_MS,
    reason: `p99 ${fmt(p99)} ms (limit ${PROPAGATION_P99_LIMIT_MS} ms), ${p.seen}/${p.samples} seen`,
  };
}

export function addJudgement(result: BenchResult): void {
  const { mcp, floor } = result;
  if (!mcp) return;
  result.targets = {
    heldWithoutBacklog: judgeHeld(mcp.heartbeats),
    propagationP99Within50ms: judgePropagation(mcp.propagation),
  };
  if (floor) {
    result.ratios = {
      heartbeatP50: ratioOf(mcp.heartbeats.latency.p50, floor.heartbeats.latency.p50),
      heartbeatP99: ratioOf(mcp.heartbeats.latency.p99, floor.heartbeats.latency.p99),
      propagationP50: ratioOf(mcp.propagation.latency.p50, floor.propagation.latency.p50),
      propagationP99: ratioOf(mcp.propagation.latency.p99, floor.propagation.latency.p99),
    };
  }
}

function fmt(value: number | null | undefined, digits = 1): string {
  if (value === null || value === undefined) return '—';
  return value.toFixed(digits);
}

function outcomesText(outcomes: Record<string, number> | undefined): string {
  if (!outcomes) return '—';
  const entries = Object.entries(outcomes).sort(([a], [b]) => a.localeCompare(b));
  return entries.length ? entries.map(([k, v]) => `${k}:${v}`).join(' ') : 'none';
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length)));
  return rows
    .map((r) =>
      r
        .map((cell, c) => (c === 0 ? cell.padEnd(widths[c]) : cell.padStart(widths[c])))
        .join('   ')
        .trimEnd(),
    )
    .join('\n');
}

function latencyRows(
  label: string,
  pick: (s: RunSide) => LatencySummary,
  mcp: RunSide,
  floor: RunSide | undefined,
): string[][] {
  return (['p50', 'p90', 'p99', 'max'] as const).map((p) => {
    const a = pick(mcp)[p];
    const b = floor ? pick(floor)[p] : null;
    const ratio = ratioOf(a, b);
    return [
      `  ${label} ${p} (ms)`,
      fmt(a),
      fmt(b),
      floor ? `${fmt(ratio, ratio !== null && ratio < 1 ? 2 : 1)}×` : '',
    ];
  });
}

export function renderReport(result: BenchResult, resultFile: string): string {
  const { mcp, floor, options: o, machine: m } = result;
  const lines: string[] = [];
  const offered = o.instances / o.intervalSeconds;
  lines.push(
    '',
    `MCP registry benchmark: ${o.instances} instances × 1 heartbeat / ${o.intervalSeconds} s = ${offered.toFixed(0)}/s offered,` +
      ` ${o.seconds} s measured after ${o.warmupSeconds} s warm-up, ≤${o.concurrency} in flight`,
    `machine: ${m.cores} cores (${m.cpuModel}), ${m.memoryGb} GB, node ${m.node}, load average at start ${m.loadAverageAtStart.map((l) => l.toFixed(2)).join(' ')}` +
      (m.loadAverageAtEnd
        ? `, at end ${m.loadAverageAtEnd.map((l) => l.toFixed(2)).join(' ')}`
        : ''),
    `infra: Kafka ${result.infra.kafka}, Postgres ${result.infra.postgres}`,
  );
  if (result.registration) {
    const r = result.registration;
    lines.push(
      `setup: registered ${r.registered}/${r.instances} instances in ${r.seconds.toFixed(1)} s (${r.perSecond.toFixed(0)}/s; ${outcomesText(r.outcomes)})`,
    );
  }
  if (!mcp) {
    lines.push('', `no measurement: ${result.error ?? 'the run stopped early'}`);
    return lines.join('\n');
  }
  const h = mcp.heartbeats;
  const fh = floor?.heartbeats;
  const rows: string[][] = [
    ['Heartbeats', 'MCP', floor ? 'floor' : '', floor ? 'MCP/floor' : ''],
    ['  offered', String(h.offered), fh ? String(fh.offered) : '', ''],
    ['  answered 2xx', String(h.ok), fh ? String(fh.ok) : '', ''],
    [
      '  throughput /s (offered ' + h.offeredPerSecond + ')',
      fmt(h.okPerSecond),
      fmt(fh?.okPerSecond),
      '',
    ],
    ['  backlog (offered − 2xx)', String(h.backlog), fh ? String(fh.backlog) : '', ''],
    ['  never sent (stale or queued at end)', String(h.notSent), fh ? String(fh.notSent) : '', ''],
    ...latencyRows('latency', (s) => s.heartbeats.latency, mcp, floor),
    [
      '  p99 first half / second half (ms)',
      `${fmt(h.firstHalf.p99)} / ${fmt(h.secondHalf.p99)}`,
      fh ? `${fmt(fh.firstHalf.p99)} / ${fmt(fh.secondHalf.p99)}` : '',
      '',
    ],
    [
      '  server part p50 / p99 (ms)',
      `${fmt(h.serviceTime.p50)} / ${fmt(h.serviceTime.p99)}`,
      fh ? `${fmt(fh.serviceTime.p50)} / ${fmt(fh.serviceTime.p99)}` : '',
      '',
    ],
    [
      '  most in flight / most queued',
      `${h.maxInFlight} / ${h.maxQueued}`,
      fh ? `${fh.maxInFlight} / ${fh.maxQueued}` : '',
      '',
    ],
    ['  outcomes', outcomesText(h.outcomes), fh ? outcomesText(fh.outcomes) : '', ''],
    ...(mcp.breakdown
      ? [
          [
            '  registry part p50 / p99 (ms, request → reply record)',
            `${fmt(mcp.breakdown.registrySide.p50)} / ${fmt(mcp.breakdown.registrySide.p99)}`,
            '',
            '',
          ],
          [
            '  RPCs requested / answered by registry /s',
            `${fmt(mcp.breakdown.requestedPerSecond)} / ${fmt(mcp.breakdown.answeredPerSecond)}`,
            '',
            '',
          ],
          ['  RPCs never answered', String(mcp.breakdown.unanswered), '', ''],
        ]
      : []),
  ];
  const p = mcp.propagation;
  const fp = floor?.propagation;
  const prop: string[][] = [
    [`Propagation (${p.samples} samples)`, 'MCP', floor ? 'floor' : '', floor ? 'MCP/floor' : ''],
    ...latencyRows('latency', (s) => s.propagation.latency, mcp, floor),
    ['  seen / missing', `${p.seen} / ${p.missing}`, fp ? `${fp.seen} / ${fp.missing}` : '', ''],
    ['  visible before the response', String(p.visibleBeforeAnswer), '', ''],
    [
      '  request sent → visible p50 / p99 (ms)',
      `${fmt(p.fromSend.p50)} / ${fmt(p.fromSend.p99)}`,
      fp ? `${fmt(fp.fromSend.p50)} / ${fmt(fp.fromSend.p99)}` : '',
      '',
    ],
    ['  outcomes', outcomesText(p.outcomes), fp ? outcomesText(fp.outcomes) : '', ''],
  ];
  const names = new Set([
    ...mcp.usage.groups.map((g) => g.name),
    ...(floor?.usage.groups.map((g) => g.name) ?? []),
  ]);
  const usageOf = (side: RunSide | undefined, name: string) =>
    side?.usage.groups.find((g) => g.name === name);
  const usage: string[][] = [
    ['CPU (% of one core) · RSS avg/max (MB)', 'MCP run', floor ? 'floor run' : '', ''],
    ...[...names].map((name) => {
      const a = usageOf(mcp, name);
      const b = usageOf(floor, name);
      const cell = (g: typeof a) =>
        g ? `${fmt(g.cpuPercent)}% · ${fmt(g.rssAvgMb, 0)}/${fmt(g.rssMaxMb, 0)}` : '—';
      return [`  ${name}`, cell(a), floor ? cell(b) : '', ''];
    }),
    [
      `  whole machine (all processes, ${m.cores} cores = ${m.cores * 100}%)`,
      `${fmt(mcp.usage.machineCpuPercent)}%`,
      floor ? `${fmt(floor.usage.machineCpuPercent)}%` : '',
      '',
    ],
  ];
  lines.push('', table([...rows, [''], ...prop, [''], ...usage]));
  if (result.targets) {
    const t = result.targets;
    const mark = (v: Verdict) => (v.pass ? 'PASS' : 'FAIL');
    lines.push(
      '',
      'Targets (from the issue; reported, not asserted)',
      `  held without backlog        ${mark(t.heldWithoutBacklog)}  ${t.heldWithoutBacklog.reason}`,
      `  propagation p99 ≤ 50 ms     ${mark(t.propagationP99Within50ms)}  ${t.propagationP99Within50ms.reason}`,
    );
  }
  lines.push(
    '',
    'MCP latency: heartbeat due → response (client wait for a free slot included); propagation:',
    'register response → `registered` event read by a kafkajs consumer. Floor: the same generator',
    'against a bare node:http 204 server; raw kafkajs produce call → consume on the same broker.',
    `result: ${resultFile}`,
  );
  return lines.join('\n');
}
