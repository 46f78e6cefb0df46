import type { Tracer } from '@opentelemetry/api';
import { createLogger } from './logger';
import { captureLogLines } from './testing/log-capture';
import { inMemoryTracing } from './testing/in-memory-tracing';

describe('createLogger', () => {
  let tracing: { tracer: Tracer; stop(): Promise<void> };

  beforeAll(() => {
    tracing = inMemoryTracing();
  });

  afterAll(async () => {
    await tracing.stop();
  });

  it('writes JSON lines with time, level label, service and message', () => {
    const { stream, lines } = captureLogLines();
    createLogger({ service: 'registry', destination: stream }).warn({ tenant: 't-1' }, 'slow');

    const [line] = lines();
    expect(line).toEqual({
      time: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      level: 'warn',
      service: 'registry',
      tenant: 't-1',
      msg: 'slow',
    });
  });

  it('adds trace_id and span_id inside a span and omits them outside', () => {
    const { stream, lines } = captureLogLines();
    const logger = createLogger({ service: 'registry', destination: stream });

    logger.info('outside');
    let ids = { traceId: '', spanId: '' };
    tracing.tracer.startActiveSpan('work', (span) => {
      ids = span.spanContext();
      logger.info('inside');
      span.end();
    });

    const [outside, inside] = lines();
    expect(outside).toMatchObject({ msg: 'outside' });
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).not.toHaveProperty('span_id');
    expect(inside).toMatchObject({ msg: 'inside', trace_id: ids.traceId, span_id: ids.spanId });
  });

  it('drops lines below the configured level', () => {
    const { stream, lines } = captureLogLines();
    const logger = createLogger({ service: 'registry', level: 'warn', destination: stream });
    logger.info('chatter');
    logger.error('broken');
    expect(lines().map((line) => line['msg'])).toEqual(['broken']);
  });
});
