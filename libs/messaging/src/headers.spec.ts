import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import {
  DeadLetterHeader,
  deadLetterHeaders,
  headersAsText,
  type DeadLetterSource,
} from './headers';
import { kafkaHeadersOf } from './outbox/outbox-relay';
import { topicConfigOf } from './topics';

describe('deadLetterHeaders', () => {
  const source: DeadLetterSource = {
    topic: 'mcp.registry.events',
    partition: 4,
    offset: '1234',
    key: 'instance-1',
    value: '{"bad"',
    headers: {
      ce_id: Buffer.from('e-1'),
      ce_type: 'mcp.registry.instance.registered.v1',
      gone: undefined,
    },
  };

  it('keeps the original headers and adds where the record came from and why it was parked', () => {
    const headers = deadLetterHeaders(
      source,
      'not JSON',
      'decode',
      new Date('2025-03-01T10:00:00Z'),
    );
    expect(headersAsText(headers)).toEqual({
      ce_id: 'e-1',
      ce_type: 'mcp.registry.instance.registered.v1',
      [DeadLetterHeader.Reason]: 'not JSON',
      [DeadLetterHeader.Stage]: 'decode',
      [DeadLetterHeader.Topic]: 'mcp.registry.events',
      [DeadLetterHeader.Partition]: '4',
      [DeadLetterHeader.Offset]: '1234',
      [DeadLetterHeader.Time]: '2025-03-01T10:00:00.000Z',
    });
  });

  it('replaces dead-letter headers of a record that was parked before', () => {
    const replayed = { ...source, headers: { [DeadLetterHeader.Stage]: 'handle', ce_id: 'e-1' } };
    expect(deadLetterHeaders(replayed, 'still bad', 'validate')[DeadLetterHeader.Stage]).toBe(
      'validate',
    );
  });

  it('shortens a very long reason', () => {
    const reason = 'x'.repeat(10_000);
    const header = deadLetterHeaders(source, reason, 'handle')[DeadLetterHeader.Reason] as string;
    expect(header.length).toBe(2_000);
    expect(header.endsWith('…')).toBe(true);
  });
});

describe('kafkaHeadersOf', () => {
  const stored = {
    ce_id: 'e-1',
    ce_type: 'mcp.test.widget.created.v1',
    traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
    tracestate: 'vendor=1',
  };

  it('forwards the writer traceparent when there is no publish span', () => {
    expect(kafkaHeadersOf(stored)).toEqual({
      ce_id: 'e-1',
      ce_type: 'mcp.test.widget.created.v1',
      traceparent: stored.traceparent,
    });
  });

  it('sends the traceparent of the publish span so the consumer continues below it', () => {
    const contextManager = new AsyncLocalStorageContextManager();
    context.setGlobalContextManager(contextManager.enable());
    const provider = new BasicTracerProvider();
    try {
      const span = provider.getTracer('test').startSpan('send');
      const { traceId, spanId } = span.spanContext();
      expect(kafkaHeadersOf(stored, span).traceparent).toBe(`00-${traceId}-${spanId}-01`);
      span.end();
    } finally {
      context.disable();
      trace.disable();
    }
  });

  it('sends no traceparent when the writer had none', () => {
    expect(kafkaHeadersOf({ ce_id: 'e-1' })).toEqual({ ce_id: 'e-1' });
  });
});

describe('topicConfigOf', () => {
  it('asks for compaction and retention only when the spec does', () => {
    expect(topicConfigOf({ name: 'a', partitions: 6 })).toEqual({
      topic: 'a',
      numPartitions: 6,
      configEntries: [],
    });
    expect(
      topicConfigOf({ name: 'b.state', partitions: 3, compacted: true, retentionMs: 1000 }),
    ).toEqual({
      topic: 'b.state',
      numPartitions: 3,
      configEntries: [
        { name: 'cleanup.policy', value: 'compact' },
        { name: 'retention.ms', value: '1000' },
      ],
    });
  });

  it('has the broker stamp records of a topic written by clients whose clocks it does not trust', () => {
    expect(topicConfigOf({ name: 'c.ingress', partitions: 6, logAppendTime: true })).toEqual({
      topic: 'c.ingress',
      numPartitions: 6,
      configEntries: [{ name: 'message.timestamp.type', value: 'LogAppendTime' }],
    });
  });
});
