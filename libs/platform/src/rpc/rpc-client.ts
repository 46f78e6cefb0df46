import { Inject, Injectable, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { ClientKafka, ClientProxyFactory, Transport } from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import { firstValueFrom, timeout } from 'rxjs';
import type { z } from 'zod';
import { kafkaLogCreator } from '@mcp/messaging';
import { DEADLINE_HEADER } from './request-deadline';
import type { Logger } from '@mcp/telemetry';
import {
  RpcErrorReply,
  TimeoutError,
  UnavailableError,
  domainErrorFromCode,
  type RpcDefinition,
} from '@mcp/protocol';

export interface RpcClientOptions {
  clientId: string;
  brokers: string[];
  /** Every request this client may send; their reply topics are subscribed before connecting. */
  definitions: readonly RpcDefinition<z.ZodType, z.ZodType>[];
  timeoutMs: number;
  logger: Logger;
  /** Given the reply consumer once connected (e.g. to exit the process if it dies). */
  onConsumer?: (consumer: Consumer) => void;
}

export const RPC_CLIENT_OPTIONS = Symbol('RpcClientOptions');

/**
 * Kafka request/reply to another service. Requests and replies are validated against their
 * protocol schemas on this side too; a service's typed error reply becomes the same domain error
 * here, and silence becomes a TimeoutError instead of a hung request.
 */
@Injectable()
export class RpcClient implements OnModuleInit, OnModuleDestroy {
  private readonly client: ClientKafka;

  constructor(@Inject(RPC_CLIENT_OPTIONS) private readonly options: RpcClientOptions) {
    this.client = ClientProxyFactory.create({
      transport: Transport.KAFKA,
      options: {
        client: {
          clientId: options.clientId,
          brokers: options.brokers,
          logCreator: kafkaLogCreator(options.logger),
        },
        consumer: {
          groupId: `${options.clientId}-rpc`,
          allowAutoTopicCreation: false,
          sessionTimeout: 10_000,
          heartbeatInterval: 1_000,
        },
        producer: { allowAutoTopicCreation: false },
        subscribe: { fromBeginning: false },
      },
    }) as ClientKafka;
    for (const definition of options.definitions) {
      this.client.subscribeToResponseOf(definition.pattern);
    }
  }

  async onModuleInit(): Promise<void> {
    await this.client.connect();
    // ClientKafka keeps its reply consumer to itself; without it no reply would ever arrive.
    const consumer = (this.client as unknown as { consumer: Consumer | null }).consumer;
    if (consumer) this.options.onConsumer?.(consumer);
  }

  async onModuleDestroy(): Promise<void> {
    await this.client.close();
  }

  async request<Req extends z.ZodType, Rep extends z.ZodType>(
    definition: RpcDefinition<Req, Rep>,
    request: z.input<Req>,
  ): Promise<z.infer<Rep>> {
    const body = definition.request.parse(request);
    let answer: unknown;
    try {
      answer = await firstValueFrom(
        this.client
          .send(definition.pattern, {
            value: body,
            headers: { [DEADLINE_HEADER]: String(Date.now() + this.options.timeoutMs) },
          })
          .pipe(timeout(this.options.timeoutMs)),
      );
    } catch (error) {
      if (error instanceof Error && error.name === 'TimeoutError') {
        throw new TimeoutError(
          `${definition.pattern} did not answer within ${this.options.timeoutMs} ms.`,
        );
      }
      throw new UnavailableError(`${definition.pattern} failed: ${describe(error)}`);
    }
    const failure = RpcErrorReply.safeParse(answer);
    if (failure.success)
      throw domainErrorFromCode(failure.data.error.code, failure.data.error.detail);
    const reply = definition.reply.safeParse(answer);
    if (!reply.success) {
      throw new UnavailableError(
        `${definition.pattern} answered with a reply that breaks its schema.`,
      );
    }
    return reply.data;
  }
}

function describe(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  return JSON.stringify(error);
}
