export { ConfigError, commonServiceEnv, env, loadConfig } from './config/load-config';
export { ProblemDetailsFilter, sendProblem, toDomainError } from './http/problem-details.filter';
export { installFastRoutes } from './http/fast-routes';
export type { FastRoute } from './http/fast-routes';
export { parseInput } from './http/parse-input';
export { traceIdHeader } from './http/trace-id.middleware';
export { KafkaHealthIndicator } from './health/kafka.health';
export { EventPublisher } from './messaging/event-publishing';
export { RpcClient, RPC_CLIENT_OPTIONS, type RpcClientOptions } from './rpc/rpc-client';
export { answerRpc } from './rpc/answer-rpc';
export { ServiceStatus, serviceStatusController } from './status/service-status';
export {
  ServicePlatformModule,
  serviceDatabaseOptions,
  type ServicePlatformOptions,
} from './service-platform.module';
export { exitWhenConsumerDies, runService, type RunServiceOptions } from './bootstrap/run-service';
export {
  launchService,
  type CommonServiceConfig,
  type ServiceLaunch,
} from './bootstrap/launch-service';
export {
  KAFKA,
  KAFKA_PRODUCER,
  SERVICE_IDENTITY,
  SERVICE_LOGGER,
  type ServiceIdentity,
  type ServiceLogger,
} from './tokens';
