import { z } from 'zod';
import { ErrorCode, NotFoundError, defineRpc } from '@mcp/protocol';
import { createLogger } from '@mcp/telemetry';
import { answerRpc } from './answer-rpc';

const Echo = defineRpc({
  pattern: 'mcp.registry.rpc.echo-test',
  description: 'test only',
  request: z.strictObject({ text: z.string() }),
  reply: z.object({ text: z.string(), length: z.number() }),
});

const logger = createLogger({ service: 'registry', level: 'fatal' });

describe('answerRpc', () => {
  it('answers a valid request with the service result', async () => {
    const reply = await answerRpc(
      Echo,
      { text: 'hi' },
      async ({ text }) => ({ text, length: text.length }),
      logger,
    );
    expect(reply).toEqual({ text: 'hi', length: 2 });
  });

  it('answers an invalid request with a typed invalid_input error instead of calling the service', async () => {
    const serve = jest.fn();
    const reply = await answerRpc(Echo, { text: 1, extra: true }, serve, logger);
    expect(reply).toMatchObject({ error: { code: ErrorCode.InvalidInput } });
    expect(serve).not.toHaveBeenCalled();
  });

  it("passes a domain error's code through to the caller", async () => {
    const reply = await answerRpc(
      Echo,
      { text: 'x' },
      async () => {
        throw new NotFoundError('No such instance.');
      },
      logger,
    );
    expect(reply).toEqual({ error: { code: ErrorCode.NotFound, detail: 'No such instance.' } });
  });

  it('answers internal for an unexpected failure, without leaking its message', async () => {
    const reply = await answerRpc(
      Echo,
      { text: 'x' },
      async () => {
        throw new Error('password=hunter2');
      },
      logger,
    );
    expect(reply).toMatchObject({ error: { code: ErrorCode.Internal } });
    expect(JSON.stringify(reply)).not.toContain('hunter2');
  });

  it('refuses to send a reply that breaks its own schema', async () => {
    const reply = await answerRpc(
      Echo,
      { text: 'x' },
      async () => ({ text: 'x' }) as never,
      logger,
    );
    expect(reply).toMatchObject({ error: { code: ErrorCode.Internal } });
  });
});
