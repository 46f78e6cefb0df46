import type { DynamicModule, INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Transport, type MicroserviceOptions } from '@nestjs/microservices';
import type { Consumer } from 'kafkajs';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { DataSource } from 'typeorm';
import type { TopicSpec } from '@mcp/protocol';
import { createKafka, ensureTopics, kafkaLogCreator } from '@mcp/messaging';
import { runMigrations } from '@mcp/persistence';
import { RetryPolicy } from '@mcp/resilience';
import { NestLoggerAdapter } from '@mcp/telemetry';
import type { Server } from 'node:http';
import { installFastRoutes, type FastRoute } from '../http/fast-routes';
import { ProblemDetailsFilter } from '../http/problem-details.filter';
import { ExpiredRequestInterceptor } from '../rpc/request-deadline';
import { requestMetrics } from '../http/request-metrics.middleware';
import { traceIdHeader } from '../http/trace-id.middleware';
import { serviceDatabaseOptions, type ServicePlatformOptions } from '../service-platform.module';

export interface RunServiceOptions {
  platform: ServicePlatformOptions;
  /** The app's root module, which imports ServicePlatformModule.forService(platform). */
  rootModule: DynamicModule;
  httpPort: number;
  /** Topics this service produces to or consumes from; created if missing before Nest starts. */
  topics: readonly TopicSpec[];
  /** Serve Kafka request/reply handlers (`@MessagePattern`) in this process. */
  rpcServer: boolean;
  /** How long a graceful shutdown may take before the process gives up and exits 1. */
  shutdownTimeoutMs?: number;
  /** Largest JSON body accepted, e.g. '1mb'. */
  bodyLimit?: string;
  argv?: string[];
  /** Hot, body-less routes served ahead of Express (see installFastRoutes). */
  fastRoutes?: (app: INestApplication) => FastRoute[];
  /** Called after the HTTP port listens (e.g. to open a second listener). */
  afterListen?: (app: INestApplication) => Promise<void>;
}

/**
 * Starts an MCP service: `migrate` applies migrations and exits; otherwise wait for Kafka,
 * provision topics, start Nest with structured logs, problem+json errors and trace ids, serve
 * request/reply over Kafka and HTTP, and shut down gracefully on SIGTERM/SIGINT.
 */
export async function runService(
  options: RunServiceOptions,
): Promise<INestApplication | undefined> {
  const { platform } = options;
  const logger = platform.logger;
  const argv = options.argv ?? process.argv.slice(2);

  if (argv[0] === 'migrate') {
    await migrateAndExit(platform);
    return undefined;
  }

  await provisionTopics(platform, options.topics);

  const app = await NestFactory.create<NestExpressApplication>(options.rootModule, {
    logger: new NestLoggerAdapter(logger),
    bodyParser: false,
  });
  app.useBodyParser('json', { limit: options.bodyLimit ?? '1mb' });
  app.use(traceIdHeader);
  app.use(requestMetrics);
  app.useGlobalFilters(new ProblemDetailsFilter());
  app.useGlobalInterceptors(new ExpiredRequestInterceptor());
  app.disable('x-powered-by');

  if (options.rpcServer) {
    app.connectMicroservice<MicroserviceOptions>(
      {
        transport: Transport.KAFKA,
        options: {
          client: {
            clientId: `mcp-${platform.identity.name}`,
            brokers: platform.kafkaBrokers,
            logCreator: kafkaLogCreator(platform.logger),
          },
          // A dead replica's request partitions move to a live one after the session timeout;
          // kafkajs's default (30 s) would leave a third of requests unanswered that long.
          consumer: {
            groupId: `mcp-${platform.identity.name}`,
            allowAutoTopicCreation: false,
            sessionTimeout: 10_000,
            heartbeatInterval: 1_000,
          },
          producer: { allowAutoTopicCreation: false },
          subscribe: { fromBeginning: false },
          // One request at a time per partition, but all partitions at once.
          run: { partitionsConsumedConcurrently: 3 },
        },
      },
      { inheritAppConfig: true },
    );
    await app.startAllMicroservices();
    for (const server of app.getMicroservices()) {
      const [, consumer] = server.unwrap<[unknown, Consumer]>();
      exitWhenConsumerDies(consumer, platform, 'request/reply server');
    }
  }

  if (options.fastRoutes) {
    await app.init();
    installFastRoutes(app.getHttpServer() as Server, options.fastRoutes(app));
  }
  await app.listen(options.httpPort, '0.0.0.0');
  await options.afterListen?.(app);
  stopGracefullyOnSignal(app, platform, options.shutdownTimeoutMs ?? 10_000);
  logger.info(
    { port: options.httpPort },
    `${platform.identity.name} listening on :${options.httpPort}`,
  );
  return app;
}

async function migrateAndExit(platform: ServicePlatformOptions): Promise<void> {
  const dataSource = new DataSource(serviceDatabaseOptions(platform));
  await dataSource.initialize();
  try {
    const applied = await runMigrations(dataSource, (msg) => platform.logger.info(msg));
    platform.logger.info(
      { applied },
      `${platform.identity.name}: ${applied.length} migration(s) applied`,
    );
  } finally {
    await dataSource.destroy();
  }
}

/** Kafka may still be starting (compose, a restarting broker): wait for it, then create topics. */
async function provisionTopics(
  platform: ServicePlatformOptions,
  topics: readonly TopicSpec[],
): Promise<void> {
  const kafka = createKafka({
    brokers: platform.kafkaBrokers,
    clientId: `mcp-${platform.identity.name}-setup`,
    logger: platform.logger,
  });
  const waiting = new RetryPolicy({
    maxAttempts: 30,
    backoff: { baseMs: 250, maxMs: 5000, jitter: 'equal' },
    isRetryable: () => true,
  });
  const name = platform.identity.name;
  // Right after a broker starts, its group coordinator may not be ready yet; a consumer that
  // joins then can be given up on by kafkajs. Waiting here keeps that out of the services.
  const groups = [`mcp-${name}-server`, `mcp-${name}-rpc-client`, `mcp-${name}`];
  await waiting.execute(
    async () => {
      await ensureTopics(kafka, topics);
      const admin = kafka.admin();
      await admin.connect();
      try {
        await admin.describeGroups(groups);
      } finally {
        await admin.disconnect();
      }
    },
    {
      onRetry: (error, attempt, delayMs) =>
        platform.logger.warn(
          { attempt, delayMs, brokers: platform.kafkaBrokers, err: error },
          'waiting for Kafka (topics, group coordinator)',
        ),
    },
  );
}

/**
 * SIGTERM/SIGINT close the app (consumers leave their groups, the outbox relay drains, spans are
 * flushed) and exit 0, so supervisors can tell a clean stop from a crash; a stop that hangs past
 * the timeout exits 1.
 */
function stopGracefullyOnSignal(
  app: INestApplication,
  platform: ServicePlatformOptions,
  timeoutMs: number,
): void {
  let stopping = false;
  const stop = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    platform.logger.info({ signal }, `${platform.identity.name} shutting down`);
    const deadline = setTimeout(() => {
      platform.logger.error({ timeoutMs }, 'graceful shutdown timed out');
      process.exit(1);
    }, timeoutMs);
    deadline.unref();
    app.close().then(
      () => {
        platform.logger.info(`${platform.identity.name} stopped`);
        process.exit(0);
      },
      (error: unknown) => {
        platform.logger.error({ err: error }, 'graceful shutdown failed');
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

/**
 * kafkajs gives up on a consumer after a non-retriable failure and leaves the process running
 * without it. A service that can no longer hear its requests must not keep answering "ready":
 * it exits, and its supervisor (npm start, compose, Kubernetes) starts it again.
 */
export function exitWhenConsumerDies(
  consumer: Consumer,
  platform: Pick<ServicePlatformOptions, 'logger' | 'identity'>,
  what: string,
): void {
  consumer.on(consumer.events.CRASH, ({ payload }) => {
    if (payload.restart) return;
    platform.logger.fatal(
      { err: payload.error, groupId: payload.groupId },
      `${platform.identity.name}: the Kafka consumer of its ${what} stopped for good; exiting to be restarted`,
    );
    process.exit(1);
  });
}
