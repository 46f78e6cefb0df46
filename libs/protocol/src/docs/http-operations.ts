/** The gateway admin API's operations, declared once for the OpenAPI document and the /docs page. */
import { z } from 'zod';
import {
  CreateTenantBody,
  ListTenantsQuery,
  SystemStatusView,
  TenantList,
  TenantView,
} from '../gateway/http';
import {
  ApiKeyList,
  ApiKeyPathParams,
  CreateApiKeyBody,
  CreatedApiKeyView,
  ListApiKeysQuery,
  TenantKeysPathParams,
} from '../gateway/api-keys';

export interface HttpResponseSpec {
  description: string;
  /** Absent on an error status: the answer is problem+json with the ProblemDetails schema. */
  schema?: z.ZodType;
  /** Defaults to application/json (application/problem+json for error statuses). */
  contentType?: string;
}

export interface HttpOperation {
  method: 'get' | 'post' | 'put' | 'delete';
  /** OpenAPI path template, e.g. `/v1/tenants/{tenant}/keys`. */
  path: string;
  operationId: string;
  summary: string;
  /** Which credential the call needs: the operator's key, a tenant's key/JWT, or none. */
  auth: 'operator' | 'tenant' | 'none';
  body?: z.ZodType;
  /** Path parameters, one property per `{name}` in the path. */
  params?: z.ZodObject;
  query?: z.ZodObject;
  responses: Record<number, HttpResponseSpec>;
}

const JsonDocument = z.record(z.string(), z.unknown());

const HealthReport = z
  .object({
    status: z.enum(['ok', 'error', 'shutting_down']),
    info: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    error: z.record(z.string(), z.record(z.string(), z.unknown())).optional(),
    details: z.record(z.string(), z.record(z.string(), z.unknown())),
  })
  .meta({ title: 'HealthReport', description: 'Each checked dependency and whether it is up.' });

const unauthorized = { description: 'Missing or invalid operator credential' };

const operations: HttpOperation[] = [
  {
    method: 'post',
    path: '/v1/tenants',
    operationId: 'createTenant',
    summary: 'Create a tenant',
    auth: 'operator',
    body: CreateTenantBody,
    responses: {
      201: { description: 'The tenant was created', schema: TenantView },
      400: { description: 'The body is not a valid tenant (unknown fields are rejected)' },
      401: unauthorized,
      409: { description: 'A tenant with this id already exists' },
    },
  },
  {
    method: 'get',
    path: '/v1/tenants',
    operationId: 'listTenants',
    summary: 'List tenants, a page at a time',
    auth: 'operator',
    query: ListTenantsQuery,
    responses: {
      200: { description: 'One page of tenants', schema: TenantList },
      400: { description: 'Invalid limit or cursor' },
      401: unauthorized,
    },
  },
  {
    method: 'post',
    path: '/v1/tenants/{tenant}/keys',
    operationId: 'createApiKey',
    summary: "Create an API key of the tenant (operator, or the tenant's admin key)",
    auth: 'tenant',
    params: TenantKeysPathParams,
    body: CreateApiKeyBody,
    responses: {
      201: { description: 'The key, with its secret shown this once', schema: CreatedApiKeyView },
      400: { description: 'The body is not a valid key (unknown fields are rejected)' },
      401: { description: 'Missing, invalid or revoked credential' },
      403: { description: "The tenant's key lacks the admin scope" },
      404: { description: 'No such tenant (also for a key of another tenant)' },
    },
  },
  {
    method: 'get',
    path: '/v1/tenants/{tenant}/keys',
    operationId: 'listApiKeys',
    summary: "List the tenant's active API keys, without secrets",
    auth: 'tenant',
    params: TenantKeysPathParams,
    query: ListApiKeysQuery,
    responses: {
      200: { description: 'One page of keys', schema: ApiKeyList },
      400: { description: 'Invalid limit or cursor' },
      401: { description: 'Missing, invalid or revoked credential' },
      403: { description: "The tenant's key lacks the admin scope" },
      404: { description: 'No such tenant (also for a key of another tenant)' },
    },
  },
  {
    method: 'delete',
    path: '/v1/tenants/{tenant}/keys/{keyId}',
    operationId: 'revokeApiKey',
    summary: 'Revoke an API key; every gateway replica refuses it within a second',
    auth: 'tenant',
    params: ApiKeyPathParams,
    responses: {
      204: { description: 'The key is revoked (also when it already was)' },
      401: { description: 'Missing, invalid or revoked credential' },
      403: { description: "The tenant's key lacks the admin scope" },
      404: { description: 'No such tenant or key (also for a key of another tenant)' },
    },
  },
  {
    method: 'get',
    path: '/v1/system/status',
    operationId: 'getSystemStatus',
    summary: 'Status of every service, asked over Kafka',
    auth: 'operator',
    responses: {
      200: {
        description: 'Each service as it answered (or why it could not)',
        schema: SystemStatusView,
      },
      401: unauthorized,
    },
  },
  {
    method: 'get',
    path: '/v1/events',
    operationId: 'streamEvents',
    summary:
      "The caller's tenant's CloudEvents as Server-Sent Events (id: position, event: type, data: the structured CloudEvent); send Last-Event-ID to resume exactly after an event, none to start from now",
    auth: 'tenant',
    query: z.object({
      types: z
        .string()
        .optional()
        .describe(
          'Comma list of type patterns: a full type (registry.instance.expired.v1, "mcp." optional) or a prefix ending in .* (registry.*); default: every family the key may read',
        ),
    }),
    responses: {
      200: {
        description:
          'The event stream, open until the client leaves; a comment every 15 s keeps it alive',
        contentType: 'text/event-stream',
      },
      400: { description: 'A bad types pattern, or a Last-Event-ID this gateway did not send' },
      401: { description: 'Missing, invalid or revoked credential' },
      403: { description: 'The key lacks the read scope of a family asked for (registry:read)' },
      429: { description: 'Too many open streams for this tenant on this gateway' },
      503: { description: 'Kafka cannot be read right now' },
    },
  },
  {
    method: 'get',
    path: '/v1/openapi.json',
    operationId: 'getOpenApiDocument',
    summary: 'This document: the HTTP API as OpenAPI 3.1',
    auth: 'none',
    responses: { 200: { description: 'OpenAPI 3.1 document', schema: JsonDocument } },
  },
  {
    method: 'get',
    path: '/v1/asyncapi.json',
    operationId: 'getAsyncApiDocument',
    summary: 'The Kafka events and requests as AsyncAPI 3.0',
    auth: 'none',
    responses: { 200: { description: 'AsyncAPI 3.0 document', schema: JsonDocument } },
  },
  {
    method: 'get',
    path: '/docs',
    operationId: 'getApiDocsPage',
    summary: 'A human-readable list of these operations',
    auth: 'none',
    responses: { 200: { description: 'HTML page', contentType: 'text/html' } },
  },
  {
    method: 'get',
    path: '/health/live',
    operationId: 'getLiveness',
    summary: 'Liveness: the process answers',
    auth: 'none',
    responses: { 200: { description: 'Alive', schema: HealthReport } },
  },
  {
    method: 'get',
    path: '/health/ready',
    operationId: 'getReadiness',
    summary: 'Readiness: Postgres and Kafka answer',
    auth: 'none',
    responses: {
      200: { description: 'Ready to serve', schema: HealthReport },
      503: { description: 'A dependency is down', schema: HealthReport },
    },
  },
  {
    method: 'get',
    path: '/metrics',
    operationId: 'getMetrics',
    summary: 'Prometheus metrics',
    auth: 'none',
    responses: {
      200: {
        description: 'Prometheus text exposition format',
        contentType: 'text/plain; version=0.0.4',
      },
    },
  },
];

export const httpOperations: readonly HttpOperation[] = Object.freeze(operations);
