// Prometheus metrics: one registry per process, with the default Node metrics, scraped at /metrics.
import {
  collectDefaultMetrics,
  Counter,
  Gauge,
  Histogram,
  Registry,
  type CounterConfiguration,
  type GaugeConfiguration,
  type HistogramConfiguration,
  type Metric,
} from 'prom-client';

const registry = new Registry();
collectDefaultMetrics({ register: registry });

// Creating a metric twice returns the first one: modules that declare the same metric (or are
// loaded twice in tests) share it instead of failing with "already registered".
function existing<M extends Metric<string>>(
  name: string,
  kind: new (...args: never[]) => M,
): M | undefined {
  const metric = registry.getSingleMetric(name);
  if (!metric) return undefined;
  if (!(metric instanceof kind)) {
    throw new Error(`metric ${name} is already registered with another type`);
  }
  return metric;
}

export function createCounter<L extends string = string>(
  config: Omit<CounterConfiguration<L>, 'registers'>,
): Counter<L> {
  return (
    (existing(config.name, Counter) as Counter<L> | undefined) ??
    new Counter<L>({ ...config, registers: [registry] })
  );
}

export function createHistogram<L extends string = string>(
  config: Omit<HistogramConfiguration<L>, 'registers'>,
): Histogram<L> {
  return (
    (existing(config.name, Histogram) as Histogram<L> | undefined) ??
    new Histogram<L>({ ...config, registers: [registry] })
  );
}

export function createGauge<L extends string = string>(
  config: Omit<GaugeConfiguration<L>, 'registers'>,
): Gauge<L> {
  return (
    (existing(config.name, Gauge) as Gauge<L> | undefined) ??
    new Gauge<L>({ ...config, registers: [registry] })
  );
}

/** The Prometheus text exposition of every metric in the registry. */
export async function renderMetrics(): Promise<{ contentType: string; body: string }> {
  return { contentType: registry.contentType, body: await registry.metrics() };
}

export const metrics = {
  registry,
  counter: createCounter,
  histogram: createHistogram,
  gauge: createGauge,
  render: renderMetrics,
};
