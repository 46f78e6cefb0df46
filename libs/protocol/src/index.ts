// @mcp/protocol — the single source of truth for what MCP says on the wire: topics, the
// CloudEvents envelope, one schema per message, domain errors and the generated API documents.
export * from './services';
export * from './topics';
export * from './envelope';
export * from './errors';
export * from './events';
export * from './rpc';
export * from './ingress';
export * from './catalog';
export * from './labels';

export * from './gateway/http';
export * from './gateway/tenant-created.event';
export * from './gateway/api-keys';
export * from './system/service-status.rpc';
export * from './registry/instances';
export * from './registry/instance-events';
export * from './registry/lease-records';
export * from './registry/heartbeat-records';
export * from './registry/registry.rpc';

export type { HttpOperation, HttpResponseSpec } from './docs/http-operations';
export { httpOperations } from './docs/http-operations';
export type { JsonSchema } from './docs/json-schema';
export { jsonSchemaOf } from './docs/json-schema';
export { buildOpenApiDocument, type OpenApiOptions } from './docs/openapi';
export { buildAsyncApiDocument, type AsyncApiOptions } from './docs/asyncapi';
