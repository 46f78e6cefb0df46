import { createCounter, createHistogram, renderMetrics } from './metrics';

describe('metrics', () => {
  it('renders default Node metrics and the metrics created through the helpers', async () => {
    const counter = createCounter({
      name: 'mcp_test_events_total',
      help: 'events seen by the test',
      labelNames: ['tenant'],
    });
    counter.inc({ tenant: 't1' }, 2);

    const { contentType, body } = await renderMetrics();
    expect(contentType).toContain('text/plain');
    expect(body).toContain('mcp_test_events_total{tenant="t1"} 2');
    expect(body).toContain('process_cpu_user_seconds_total');
  });

  it('returns the existing metric when one is declared twice, and refuses a type clash', () => {
    const first = createCounter({ name: 'mcp_test_twice_total', help: 'declared twice' });
    expect(createCounter({ name: 'mcp_test_twice_total', help: 'again' })).toBe(first);
    expect(() => createHistogram({ name: 'mcp_test_twice_total', help: 'clash' })).toThrow(
      /another type/,
    );
  });
});
