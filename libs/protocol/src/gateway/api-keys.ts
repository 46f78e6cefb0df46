/**
 * Tenant API keys: the scopes a key may hold, the admin API's bodies and views, and the events
 * every gateway replica follows so a revocation reaches all of them within a second.
 */
import { z } from 'zod';
import { defineEvent, type EventDefinition } from '../events';
import { Topic } from '../topics';
import { TenantId } from './http';

export const ApiKeyScope = z
  .enum([
    'admin',
    'registry:write',
    'registry:read',
    'config:write',
    'config:read',
    'tasks:write',
    'tasks:read',
    'worker',
    'proxy',
  ])
  .describe('What a key may do; `admin` implies every scope of its tenant');
export type ApiKeyScope = z.infer<typeof ApiKeyScope>;

export const ApiKeyId = z
  .string()
  .regex(/^[0-9a-f]{16}$/, 'must be 16 lowercase hexadecimal characters')
  .describe('Key id: the public part of a key, `mcp_<id>_<secret>`');
export type ApiKeyId = z.infer<typeof ApiKeyId>;

const KeyName = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(200, 'must be at most 200 characters');

// A repeated scope is the same grant; keep the first mention of each.
const Scopes = z
  .array(ApiKeyScope)
  .min(1, 'must name at least one scope')
  .transform((scopes) => [...new Set(scopes)]);

export const CreateApiKeyBody = z
  .strictObject({ name: KeyName, scopes: Scopes })
  .meta({ title: 'CreateApiKeyBody', description: 'A new API key of the tenant.' });
export type CreateApiKeyBody = z.infer<typeof CreateApiKeyBody>;

export const ApiKeyView = z
  .object({
    id: ApiKeyId,
    name: z.string(),
    scopes: z.array(ApiKeyScope),
    createdAt: z.iso.datetime(),
  })
  .meta({ title: 'ApiKeyView', description: 'An API key, without its secret.' });
export type ApiKeyView = z.infer<typeof ApiKeyView>;

export const CreatedApiKeyView = ApiKeyView.extend({
  key: z
    .string()
    .describe('The whole key, `mcp_<id>_<secret>`: shown this once, never again (stored hashed)'),
}).meta({ title: 'CreatedApiKeyView', description: 'A new API key with its secret.' });
export type CreatedApiKeyView = z.infer<typeof CreatedApiKeyView>;

/** `GET /v1/tenants/{tenant}/keys?limit=&cursor=`: query strings are text, so the limit is coerced. */
export const ListApiKeysQuery = z
  .object({
    limit: z.coerce.number().int().min(1).max(200).default(50).describe('Page size (1-200)'),
    cursor: z.string().min(1).optional().describe('The nextCursor of the previous page'),
  })
  .meta({ title: 'ListApiKeysQuery' });
export type ListApiKeysQuery = z.infer<typeof ListApiKeysQuery>;

export const ApiKeyList = z
  .object({
    items: z.array(ApiKeyView),
    nextCursor: z.string().nullable().describe('null on the last page'),
  })
  .meta({
    title: 'ApiKeyList',
    description: "One page of the tenant's active keys, oldest first.",
  });
export type ApiKeyList = z.infer<typeof ApiKeyList>;

export const TenantKeysPathParams = z.object({ tenant: TenantId });
export const ApiKeyPathParams = z.object({ tenant: TenantId, keyId: ApiKeyId });

const ApiKeyChange = z
  .object({
    keyId: ApiKeyId,
    tenant: TenantId,
    name: z.string(),
    scopes: z.array(ApiKeyScope),
    time: z.iso.datetime(),
  })
  .meta({ title: 'ApiKeyChangeData' });
export type ApiKeyChange = z.infer<typeof ApiKeyChange>;

function apiKeyEvent(action: string, description: string): EventDefinition<typeof ApiKeyChange> {
  return defineEvent({
    type: `mcp.gateway.api-key.${action}.v1`,
    topic: Topic.GatewayEvents,
    source: '/mcp/gateway',
    description,
    schema: ApiKeyChange,
    partitionKey: (d: ApiKeyChange) => d.tenant,
    partitionKeyDescription: 'the tenant id',
    tenantOf: (d: ApiKeyChange) => d.tenant,
    subjectOf: (d: ApiKeyChange) => `keys/${d.keyId}`,
  });
}

export const ApiKeyCreated = apiKeyEvent(
  'created',
  'A tenant API key was created (the event never carries the secret or its hash).',
);
export const ApiKeyRevoked = apiKeyEvent(
  'revoked',
  'A tenant API key was revoked; every gateway replica refuses it from now on.',
);

export const apiKeyEvents = [ApiKeyCreated, ApiKeyRevoked] as const;
