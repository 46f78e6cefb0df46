import 'reflect-metadata';
import { randomUUID } from 'node:crypto';
import { Controller, type INestMicroservice, Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { MessagePattern, Payload, Transport } from '@nestjs/microservices';
import { z } from 'zod';
import { NotFoundError, TimeoutError, defineRpc, replyTopicOf } from '@mcp/protocol';
import { createKafka, ensureTopics, kafkaLogCreator } from '@mcp/messaging';
import { createLogger } from '@mcp/telemetry';
import { answerRpc } from './answer-rpc';
import { DEADLINE_HEADER, ExpiredRequestInterceptor } from './request-deadline';
import { RpcClient } from './rpc-client';

const logger = createLogger({ service: 'registry', level: 'warn' });
const brokers = (process.env.KAFKA_BROKERS as string).split(',');
const suffix = randomUUID().slice(0, 8);

const Lookup = defineRpc({
  pattern: `mcp.registry.rpc.lookup-${suffix}`,
  description: 'test only',
  request: z.strictObject({ name: z.string() }),
  reply: z.object({ name: z.string(), port: z.number() }),
});
const Silent = defineRpc({
  pattern: `mcp.registry.rpc.silent-${suffix}`,
  description: 'test only: nobody serves it',
  request: z.strictObject({}),
  reply: z.object({}),
});

let served = 0;

@Controller()
class LookupController {
  @MessagePattern(Lookup.pattern)
  answer(@Payload() payload: unknown) {
    served += 1;
    return answerRpc(
      Lookup,
      payload,
      async ({ name }) => {
        if (name === 'ghost') throw new NotFoundError(`No service "${name}".`);
        return { name, port: 8080 };
      },
      logger,
    );
  }
}

@Module({ controllers: [LookupController] })
class LookupModule {}

let server: INestMicroservice;
let client: RpcClient;

beforeAll(async () => {
  const topics = [Lookup.pattern, Silent.pattern].flatMap((p) => [p, replyTopicOf(p)]);
  await ensureTopics(
    createKafka({ brokers, clientId: 'rpc-int-setup', logger }),
    topics.map((name) => ({ name, partitions: 1 })),
  );
  server = await NestFactory.createMicroservice(LookupModule, {
    logger: false,
    transport: Transport.KAFKA,
    options: {
      client: {
        clientId: `rpc-int-server-${suffix}`,
        brokers,
        logCreator: kafkaLogCreator(logger),
      },
      consumer: { groupId: `rpc-int-${suffix}` },
    },
  });
  server.useGlobalInterceptors(new ExpiredRequestInterceptor());
  await server.listen();
  client = new RpcClient({
    clientId: `rpc-int-client-${suffix}`,
    brokers,
    definitions: [Lookup, Silent],
    timeoutMs: 3000,
    logger,
  });
  await client.onModuleInit();
}, 60000);

afterAll(async () => {
  await client?.onModuleDestroy();
  await server?.close();
});

describe('Kafka request/reply', () => {
  it('carries a request to the serving app and its validated reply back', async () => {
    await expect(client.request(Lookup, { name: 'orders' })).resolves.toEqual({
      name: 'orders',
      port: 8080,
    });
  });

  it("turns the server's typed error reply into the same domain error for the caller", async () => {
    await expect(client.request(Lookup, { name: 'ghost' })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('rejects a request that breaks its schema before sending it', async () => {
    await expect(client.request(Lookup, { name: 1 } as never)).rejects.toThrow();
  });

  it('gives up with a TimeoutError when nobody answers', async () => {
    const started = Date.now();
    await expect(client.request(Silent, {})).rejects.toBeInstanceOf(TimeoutError);
    expect(Date.now() - started).toBeGreaterThanOrEqual(2900);
  });

  it('answers a request whose caller stopped waiting with a timeout, without serving it', async () => {
    const kafka = createKafka({ brokers, clientId: `rpc-int-raw-${suffix}`, logger });
    const producer = kafka.producer();
    const consumer = kafka.consumer({ groupId: `rpc-int-raw-${suffix}` });
    const correlationId = randomUUID();
    const replies: string[] = [];
    await producer.connect();
    await consumer.connect();
    try {
      await consumer.subscribe({ topic: replyTopicOf(Lookup.pattern), fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ message }) => {
          if (message.headers?.kafka_correlationId?.toString() === correlationId) {
            replies.push(String(message.value));
          }
        },
      });
      const servedBefore = served;
      await producer.send({
        topic: Lookup.pattern,
        messages: [
          {
            value: JSON.stringify({ name: 'late' }),
            headers: {
              kafka_correlationId: correlationId,
              kafka_replyTopic: replyTopicOf(Lookup.pattern),
              kafka_replyPartition: '0',
              [DEADLINE_HEADER]: String(Date.now() - 10_000),
            },
          },
        ],
      });
      const deadline = Date.now() + 20_000;
      while (replies.length === 0 && Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, 100));
      }
      expect(replies).toHaveLength(1);
      expect(JSON.parse(replies[0])).toEqual({
        error: { code: 'timeout', detail: expect.any(String) },
      });
      expect(served).toBe(servedBefore);
      // A request in time is still served.
      await expect(client.request(Lookup, { name: 'orders' })).resolves.toMatchObject({
        port: 8080,
      });
      expect(served).toBe(servedBefore + 1);
    } finally {
      await consumer.disconnect();
      await producer.disconnect();
    }
  }, 60000);
});
