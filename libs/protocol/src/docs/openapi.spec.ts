import { z } from 'zod';
import { httpOperations, type HttpOperation } from './http-operations';
import { buildOpenApiDocument } from './openapi';

type Json = Record<string, unknown>;

/** The document as a client receives it: through JSON, which also proves it survives that. */
function overTheWire(document: Record<string, unknown>) {
  return JSON.parse(JSON.stringify(document));
}

/** Follows every local $ref in the document and returns the ones that lead nowhere. */
function danglingRefs(doc: Json): string[] {
  const dangling: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string') {
        const target = value
          .replace(/^#\//, '')
          .split('/')
          .reduce<unknown>((at, part) => (at as Json | undefined)?.[part], doc);
        if (target === undefined) dangling.push(value);
      } else visit(value);
    }
  };
  visit(doc);
  return dangling;
}

describe('OpenAPI document', () => {
  const doc = overTheWire(buildOpenApiDocument({ serverUrl: 'https://mcp.example.com' }));

  it('is OpenAPI 3.1 with a bearer security scheme and the given server', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.components.securitySchemes.bearerAuth).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });
    expect(doc.servers).toEqual([{ url: 'https://mcp.example.com' }]);
    expect(buildOpenApiDocument()).not.toHaveProperty('servers');
  });

  it.each(httpOperations.map((op) => [op.method.toUpperCase(), op.path, op] as const))(
    'documents %s %s with each of its responses',
    (_method, _path, op) => {
      const operation = doc.paths[op.path]?.[op.method];
      expect(operation).toBeDefined();
      expect(operation.operationId).toBe(op.operationId);
      expect(Object.keys(operation.responses).sort()).toEqual(Object.keys(op.responses).sort());
      expect(operation.security).toEqual(op.auth === 'none' ? [] : [{ bearerAuth: [] }]);
    },
  );

  it('has unique operation ids', () => {
    const ids = httpOperations.map((op) => op.operationId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('answers errors as problem+json with the ProblemDetails schema', () => {
    const conflict = doc.paths['/v1/tenants'].post.responses['409'];
    expect(conflict.content['application/problem+json'].schema).toEqual({
      $ref: '#/components/schemas/ProblemDetails',
    });
    expect(doc.components.schemas.ProblemDetails.required).toEqual(
      expect.arrayContaining(['type', 'title', 'status', 'detail', 'code']),
    );
  });

  it('describes the create-tenant body as rejecting unknown fields', () => {
    const body = doc.paths['/v1/tenants'].post.requestBody.content['application/json'].schema;
    expect(body).toEqual({ $ref: '#/components/schemas/CreateTenantBody' });
    expect(doc.components.schemas.CreateTenantBody.additionalProperties).toBe(false);
    expect(doc.components.schemas.CreateTenantBody.properties.id.pattern).toBeDefined();
  });

  it('lists query parameters of the tenant list', () => {
    const names = doc.paths['/v1/tenants'].get.parameters.map(
      (p: { in: string; name: string }) => `${p.in}:${p.name}`,
    );
    expect(names).toEqual(['query:limit', 'query:cursor']);
  });

  it('serves metrics as Prometheus text', () => {
    expect(Object.keys(doc.paths['/metrics'].get.responses['200'].content)).toEqual([
      'text/plain; version=0.0.4',
    ]);
  });

  it('has no $ref that leads nowhere and no per-schema $schema keys', () => {
    expect(danglingRefs(doc)).toEqual([]);
    expect(JSON.stringify(doc)).not.toContain('"$schema"');
  });

  it('documents path parameters as required', () => {
    const op: HttpOperation = {
      method: 'delete',
      path: '/v1/tenants/{tenant}/keys/{keyId}',
      operationId: 'revokeKey',
      summary: 'Revoke a key',
      auth: 'tenant',
      params: z.object({ tenant: z.string(), keyId: z.string() }),
      responses: { 204: { description: 'Revoked' }, 404: { description: 'No such key' } },
    };
    const built = overTheWire(buildOpenApiDocument({ operations: [op] }));
    const operation = built.paths['/v1/tenants/{tenant}/keys/{keyId}'].delete;
    expect(operation.parameters).toEqual([
      { name: 'tenant', in: 'path', required: true, schema: { type: 'string' } },
      { name: 'keyId', in: 'path', required: true, schema: { type: 'string' } },
    ]);
    expect(operation.responses['204']).not.toHaveProperty('content');
  });
});
