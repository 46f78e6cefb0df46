/** @mcp/test-infra: real Kafka and Postgres (and Zipkin) for tests and `npm start`, without Docker. */
export { startInfra, createEphemeralDataDir } from './infra';
export type { InfraOptions, RunningInfra } from './infra';
export { InfraError } from './infra-error';
export { startKafka, brokerAnswers, KAFKA_VERSION } from './kafka';
export type { KafkaOptions, RunningKafka } from './kafka';
export { startPostgres, databaseAnswers, DATABASE_NAME } from './postgres';
export type { PostgresOptions, RunningPostgres } from './postgres';
export { startZipkin, ZIPKIN_VERSION } from './zipkin';
export type { ZipkinOptions, RunningZipkin } from './zipkin';
export { workspaceRoot } from './workspace';
export { redactUrl } from './infra-error';
export { spawnSupervised, reapStale, tailOf } from './supervised-process';
export type { SupervisedProcess, SupervisedSpawn } from './supervised-process';
export { freePort } from './ports';
