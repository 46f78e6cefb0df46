/** The command line of `npm run bench:registry`, parsed into one checked object. */

export interface BenchOptions {
  /** Instances registered once, then heartbeating for the whole run. */
  instances: number;
  /** Seconds between two heartbeats of one instance. */
  intervalSeconds: number;
  /** Seconds measured, after the warm-up. */
  seconds: number;
  /** Seconds of load before measuring starts (JIT, connection pools, Kafka fetch sessions). */
  warmupSeconds: number;
  /** Most heartbeat requests in flight at once. */
  concurrency: number;
  /** Registrations timed end to end (register response → `registered` event), spread over the run. */
  samples: number;
  /** Service names the instances are spread over (events are keyed by tenant/service). */
  services: number;
  /** Seconds a single HTTP request may take before it counts as a timeout. */
  requestTimeoutSeconds: number;
  /**
   * Lease TTL the instances register with. Long by default so instances registered early in a
   * slow setup are still there when heartbeats start; a heartbeat costs the same whatever the TTL.
   */
  ttlSeconds: number;
  build: boolean;
  floor: boolean;
  /** Also read the heartbeat RPC topics to split latency into the registry's part and the rest. */
  breakdown: boolean;
  /** Where the JSON result goes; default tmp/bench/registry-<time>.json. */
  out?: string;
}

export const DEFAULT_OPTIONS: BenchOptions = {
  instances: 10_000,
  intervalSeconds: 5,
  seconds: 60,
  warmupSeconds: 10,
  concurrency: 256,
  samples: 200,
  services: 20,
  requestTimeoutSeconds: 10,
  ttlSeconds: 3600,
  build: true,
  floor: true,
  breakdown: false,
};

export const USAGE = `npm run bench:registry -- [options]

  --instances N      instances heartbeating (default ${DEFAULT_OPTIONS.instances})
  --interval S       seconds between heartbeats of one instance (default ${DEFAULT_OPTIONS.intervalSeconds})
  --seconds S        seconds measured after the warm-up (default ${DEFAULT_OPTIONS.seconds})
  --warmup S         seconds of warm-up load, not measured (default ${DEFAULT_OPTIONS.warmupSeconds})
  --concurrency C    most heartbeat requests in flight (default ${DEFAULT_OPTIONS.concurrency})
  --samples K        registrations timed to their event, and Kafka floor messages (default ${DEFAULT_OPTIONS.samples})
  --services S       service names the instances are spread over (default ${DEFAULT_OPTIONS.services})
  --timeout S        seconds before one HTTP request counts as timed out (default ${DEFAULT_OPTIONS.requestTimeoutSeconds})
  --ttl S            lease TTL of the instances (default ${DEFAULT_OPTIONS.ttlSeconds}; must outlast the registration phase)
  --skip-build       use the apps already in dist/ instead of building gateway and registry
  --no-floor         skip the reference run (bare HTTP server, raw kafkajs)
  --breakdown        also read the heartbeat RPC topics: the registry's share of the latency
                     (adds a Kafka reader to the MCP run; off by default)
  --out FILE         JSON result file (default tmp/bench/registry-<time>.json)

KAFKA_BROKERS / DATABASE_URL: use these servers instead of a throwaway Kafka + Postgres.
RPC_TIMEOUT_MS, OTEL_* are passed through to the apps.`;

export class UsageError extends Error {}

interface NumberFlag {
  key: keyof BenchOptions;
  min: number;
  max: number;
  integer: boolean;
}

const NUMBER_FLAGS: Record<string, NumberFlag> = {
  '--instances': { key: 'instances', min: 1, max: 200_000, integer: true },
  '--interval': { key: 'intervalSeconds', min: 0.1, max: 600, integer: false },
  '--seconds': { key: 'seconds', min: 1, max: 3_600, integer: false },
  '--warmup': { key: 'warmupSeconds', min: 0, max: 600, integer: false },
  '--concurrency': { key: 'concurrency', min: 1, max: 4_096, integer: true },
  '--samples': { key: 'samples', min: 1, max: 10_000, integer: true },
  '--services': { key: 'services', min: 1, max: 10_000, integer: true },
  '--timeout': { key: 'requestTimeoutSeconds', min: 0.1, max: 120, integer: false },
  '--ttl': { key: 'ttlSeconds', min: 1, max: 3600, integer: true },
};

/** Parses `argv` (without node and the script); throws UsageError with one sentence on a bad flag. */
export function parseBenchArgs(argv: readonly string[]): BenchOptions | 'help' {
  const options: BenchOptions = { ...DEFAULT_OPTIONS };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split(/=(.*)/s, 2);
    if (flag === '--help' || flag === '-h') return 'help';
    if (flag === '--skip-build') {
      options.build = false;
      continue;
    }
    if (flag === '--no-floor') {
      options.floor = false;
      continue;
    }
    if (flag === '--breakdown') {
      options.breakdown = true;
      continue;
    }
    const value = inline ?? argv[++i];
    if (flag === '--out') {
      if (!value) throw new UsageError('--out needs a file name.');
      options.out = value;
      continue;
    }
    const spec = NUMBER_FLAGS[flag];
    if (!spec) throw new UsageError(`Unknown option "${argv[i]}"; see --help.`);
    const number = Number(value);
    if (
      value === undefined ||
      value.trim() === '' ||
      !Number.isFinite(number) ||
      number < spec.min ||
      number > spec.max ||
      (spec.integer && !Number.isInteger(number))
    ) {
      throw new UsageError(
        `${flag} must be ${spec.integer ? 'a whole number' : 'a number'} from ${spec.min} to ${spec.max}, not "${value ?? ''}".`,
      );
    }
    (options[spec.key] as number) = number;
  }
  if (options.instances < options.services) options.services = options.instances;
  return options;
}
