// The gateway's HTTP API as the specs use it: tenants, keys, tenant requests and their answers.
import { randomUUID } from 'node:crypto';
import type { InstanceView } from '@mcp/sdk';
import type { Stack } from './stack';

/** A tenant and one of its API keys, made through the gateway like a real operator would. */
export interface TenantCredential {
  tenant: string;
  key: string;
}

/** A key as the gateway answers its creation: the only time the secret is shown. */
export interface CreatedKey {
  id: string;
  key: string;
  name: string;
  scopes: string[];
  createdAt: string;
}

/** What a problem+json answer carries. */
export type Problem = Record<string, unknown>;

export const REGISTRY_SCOPES = ['registry:write', 'registry:read'];

/**
 * A request to the gateway API at `baseUrl`, with `key` (if any) as the bearer and `body` (if
 * any) as JSON; a string body is sent as it is, to test what is not JSON. A request given
 * `timeoutMs` is aborted when it has had no answer by then.
 */
export function gatewayRequest(
  baseUrl: string,
  method: string,
  path: string,
  key: string | null,
  body?: unknown,
  options: { timeoutMs?: number } = {},
): Promise<Response> {
  const headers: Record<string, string> = {};
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers['content-type'] = 'application/json';
  return fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    signal: options.timeoutMs === undefined ? undefined : AbortSignal.timeout(options.timeoutMs),
  });
}

/** A request to the stack's gateway as the tenant of `cred`. */
export function call(
  stack: Stack,
  cred: TenantCredential,
  method: string,
  path: string,
  body?: unknown,
  options: { timeoutMs?: number } = {},
): Promise<Response> {
  return gatewayRequest(stack.adminUrl, method, path, cred.key, body, options);
}

/** A request to the stack's gateway with the operator key. */
export function asOperator(
  stack: Stack,
  method: string,
  path: string,
  body?: unknown,
): Promise<Response> {
  return gatewayRequest(stack.adminUrl, method, path, stack.adminKey, body);
}

/** Creates a tenant with a fresh id (`prefix-` and eight hex digits, also its name); answers the id. */
export async function createTenant(stack: Stack, prefix = 't'): Promise<string> {
  const id = `${prefix}-${randomUUID().slice(0, 8)}`;
  const res = await asOperator(stack, 'POST', '/v1/tenants', { id, name: id });
  expect(res.status).toBe(201);
  return id;
}

/** Creates a key of `tenant` with `scopes`, as the operator. */
export async function createKey(
  stack: Stack,
  tenant: string,
  scopes: string[],
  name = 'e2e',
): Promise<CreatedKey> {
  const res = await asOperator(stack, 'POST', `/v1/tenants/${tenant}/keys`, { name, scopes });
  expect(res.status).toBe(201);
  return (await res.json()) as CreatedKey;
}

/** A new tenant with one key of `scopes` (by default, to register and discover instances). */
export async function newTenant(
  stack: Stack,
  scopes: string[] = REGISTRY_SCOPES,
): Promise<TenantCredential> {
  const tenant = await createTenant(stack);
  const { key } = await createKey(stack, tenant, scopes);
  return { tenant, key };
}

/** Asserts `res` is a problem+json answer with `status` and `code`; answers the problem. */
export async function expectProblem(res: Response, status: number, code: string): Promise<Problem> {
  expect(res.status).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const problem = (await res.json()) as Problem;
  expect(problem).toMatchObject({ status, code });
  return problem;
}

/** The instances of `service` the tenant sees (none for a service it does not have). */
export async function instancesOf(
  stack: Stack,
  cred: TenantCredential,
  service: string,
  query = '',
): Promise<InstanceView[]> {
  const res = await call(stack, cred, 'GET', `/v1/services/${service}/instances${query}`);
  if (res.status === 404) return [];
  expect(res.status).toBe(200);
  return ((await res.json()) as { items: InstanceView[] }).items;
}

/** The ids of the instances of `service` the tenant sees. */
export async function instanceIds(
  stack: Stack,
  cred: TenantCredential,
  service: string,
  query = '',
): Promise<string[]> {
  return (await instancesOf(stack, cred, service, query)).map((i) => i.instanceId);
}
