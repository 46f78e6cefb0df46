/** The gateway's published HTTP contract (OpenAPI 3.1), generated from the protocol schemas. */
import type { z } from 'zod';
import { ProblemDetailsSchema } from '../errors';
import { httpOperations, type HttpOperation, type HttpResponseSpec } from './http-operations';
import { jsonSchemaOf, schemaNameOf, type JsonSchema } from './json-schema';

const PROBLEM_CONTENT_TYPE = 'application/problem+json';
const JSON_CONTENT_TYPE = 'application/json';

export interface OpenApiOptions {
  /** Where the admin API is served, e.g. `https://mcp.example.com`; omitted means "this host". */
  serverUrl?: string;
  version?: string;
  operations?: readonly HttpOperation[];
}

export function buildOpenApiDocument(opts: OpenApiOptions = {}): Record<string, unknown> {
  const components = new SchemaComponents();
  components.add(ProblemDetailsSchema, 'output');

  const paths: Record<string, Record<string, unknown>> = {};
  for (const op of opts.operations ?? httpOperations) {
    paths[op.path] ??= {};
    paths[op.path][op.method] = operationObject(op, components);
  }

  return {
    openapi: '3.1.0',
    jsonSchemaDialect: 'https://json-schema.org/draft/2020-12/schema',
    info: {
      title: 'MCP gateway admin API',
      version: opts.version ?? '1.0.0',
      description:
        'Tenants, keys and the front door to the registry, config and scheduler services. ' +
        'Errors are application/problem+json (RFC 9457) with a stable `code`; unknown body ' +
        "fields are rejected; another tenant's resources answer 404.",
    },
    ...(opts.serverUrl ? { servers: [{ url: opts.serverUrl }] } : {}),
    paths,
    components: {
      schemas: components.toJSON(),
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          description:
            "The operator's key (MCP_ADMIN_KEY), or a tenant's API key or JWT, as a bearer token.",
        },
      },
      headers: {
        TraceId: {
          description: 'The trace id of this request (from W3C traceparent), for support and logs.',
          schema: { type: 'string' },
        },
      },
    },
  };
}

function operationObject(op: HttpOperation, components: SchemaComponents): Record<string, unknown> {
  const operation: Record<string, unknown> = {
    operationId: op.operationId,
    summary: op.summary,
    'x-mcp-auth': op.auth,
    security: op.auth === 'none' ? [] : [{ bearerAuth: [] }],
  };
  if (op.auth !== 'none') {
    operation['description'] =
      op.auth === 'operator'
        ? "Requires the operator's key."
        : 'Requires a credential of the tenant.';
  }
  const parameters = [...parametersOf(op.params, 'path'), ...parametersOf(op.query, 'query')];
  if (parameters.length > 0) operation['parameters'] = parameters;
  if (op.body) {
    operation['requestBody'] = {
      required: true,
      content: { [JSON_CONTENT_TYPE]: { schema: components.refOrInline(op.body, 'input') } },
    };
  }
  const responses: Record<string, unknown> = {};
  for (const [status, spec] of Object.entries(op.responses) as [string, HttpResponseSpec][]) {
    responses[status] = responseObject(Number(status), spec, components);
  }
  operation['responses'] = responses;
  return operation;
}

function responseObject(
  status: number,
  spec: HttpResponseSpec,
  components: SchemaComponents,
): Record<string, unknown> {
  const isError = status >= 400;
  const headers = { 'x-trace-id': { $ref: '#/components/headers/TraceId' } };
  let contentType = spec.contentType;
  let schema: JsonSchema | undefined;
  if (spec.schema) {
    schema = components.refOrInline(spec.schema, 'output');
    contentType ??= JSON_CONTENT_TYPE;
  } else if (isError && contentType === undefined) {
    schema = components.refOrInline(ProblemDetailsSchema, 'output');
    contentType = PROBLEM_CONTENT_TYPE;
  } else if (contentType !== undefined) {
    schema = { type: 'string' };
  }
  if (status === 204 || contentType === undefined || schema === undefined) {
    return { description: spec.description, headers };
  }
  return { description: spec.description, headers, content: { [contentType]: { schema } } };
}

function parametersOf(shape: z.ZodObject | undefined, where: 'path' | 'query'): unknown[] {
  if (!shape) return [];
  const schema = jsonSchemaOf(shape, 'input');
  const properties = (schema['properties'] ?? {}) as Record<string, JsonSchema>;
  const required = new Set((schema['required'] ?? []) as string[]);
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property;
    return {
      name,
      in: where,
      required: where === 'path' || required.has(name),
      ...(typeof description === 'string' ? { description } : {}),
      schema: rest,
    };
  });
}

/** Named schemas become shared components; unnamed ones are written inline where used. */
class SchemaComponents {
  private readonly schemas = new Map<string, { json: JsonSchema; source: z.ZodType; io: string }>();

  add(schema: z.ZodType, io: 'input' | 'output'): string | undefined {
    const name = schemaNameOf(schema);
    if (!name) return undefined;
    const existing = this.schemas.get(name);
    if (existing && existing.source === schema && existing.io === io) return name;
    const json = jsonSchemaOf(schema, io);
    if (!existing) {
      this.schemas.set(name, { json, source: schema, io });
      return name;
    }
    if (JSON.stringify(existing.json) === JSON.stringify(json)) return name;
    // The same title for a different shape (e.g. a body read with defaults): keep both apart.
    const variant = `${name}${io === 'input' ? 'Input' : 'Output'}`;
    this.schemas.set(variant, { json, source: schema, io });
    return variant;
  }

  refOrInline(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
    const name = this.add(schema, io);
    return name ? { $ref: `#/components/schemas/${name}` } : jsonSchemaOf(schema, io);
  }

  toJSON(): Record<string, JsonSchema> {
    return Object.fromEntries([...this.schemas].map(([name, { json }]) => [name, json]));
  }
}
