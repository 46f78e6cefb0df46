/** The gateway's tenant HTTP API, as the SDK calls it: the only door a tenant's service uses. */
import type { z } from 'zod';
import type { HealthCheckSpec, InstanceList, InstanceView } from '@mcp/protocol';

export type FetchFunction = typeof fetch;

/** A problem+json answer from the gateway (or a non-JSON error status). */
export class McpApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
    /** From `Retry-After`, when the gateway sent one. */
    readonly retryAfterMs?: number,
  ) {
    super(detail);
    this.name = 'McpApiError';
  }
}

/**
 * Failures retrying cannot fix: the request itself is wrong or the key may not make it.
 * Everything else (network errors, 5xx, 408, 429, timeouts) is worth another try later.
 */
export function isPermanentFailure(error: unknown): boolean {
  return error instanceof McpApiError && [400, 401, 403, 413, 422].includes(error.status);
}

export interface InstanceRegistration {
  host: string;
  port: number;
  weight?: number;
  labels?: Record<string, string>;
  ttlSeconds?: number;
  /** An active HTTP check the registry runs against the instance; it is `down` while failing. */
  healthCheck?: z.input<typeof HealthCheckSpec>;
}

export interface RegistrationAnswer {
  instance: InstanceView;
  leaseExpiresAt: string;
}

/** The registry calls the SDK makes; an interface so lease timing can be tested without HTTP. */
export interface RegistryApi {
  register(
    service: string,
    instanceId: string,
    body: InstanceRegistration,
    signal?: AbortSignal,
  ): Promise<RegistrationAnswer>;
  /** Rejects with a 404 McpApiError when the lease is gone. */
  heartbeat(service: string, instanceId: string, signal?: AbortSignal): Promise<void>;
  /** Resolves also when the instance was already gone. */
  deregister(service: string, instanceId: string, signal?: AbortSignal): Promise<void>;
  /** Every instance of the service (none when it has none). */
  listInstances(service: string, signal?: AbortSignal): Promise<InstanceView[]>;
}

export interface GatewayApiOptions {
  gatewayUrl: string;
  apiKey: string;
  fetch?: FetchFunction;
  /** How long one request may take; default 10 s. */
  requestTimeoutMs?: number;
}

export class GatewayApi implements RegistryApi {
  readonly baseUrl: string;
  private readonly apiKey: string;
  private readonly fetch: FetchFunction;
  private readonly timeoutMs: number;

  constructor(opts: GatewayApiOptions) {
    this.baseUrl = opts.gatewayUrl.replace(/\/+$/, '');
    this.apiKey = opts.apiKey;
    this.fetch = opts.fetch ?? fetch;
    this.timeoutMs = opts.requestTimeoutMs ?? 10_000;
  }

  /** Headers of every call: the tenant's key. */
  authorization(): Record<string, string> {
    return { authorization: `Bearer ${this.apiKey}` };
  }

  async register(
    service: string,
    instanceId: string,
    body: InstanceRegistration,
    signal?: AbortSignal,
  ): Promise<RegistrationAnswer> {
    const res = await this.call('PUT', instancePath(service, instanceId), body, signal);
    return (await res.json()) as RegistrationAnswer;
  }

  async heartbeat(service: string, instanceId: string, signal?: AbortSignal): Promise<void> {
    await this.call('PUT', `${instancePath(service, instanceId)}/heartbeat`, undefined, signal);
  }

  async deregister(service: string, instanceId: string, signal?: AbortSignal): Promise<void> {
    try {
      await this.call('DELETE', instancePath(service, instanceId), undefined, signal);
    } catch (error) {
      if (error instanceof McpApiError && error.status === 404) return;
      throw error;
    }
  }

  async listInstances(service: string, signal?: AbortSignal): Promise<InstanceView[]> {
    try {
      const res = await this.call(
        'GET',
        `/v1/services/${encodeURIComponent(service)}/instances`,
        undefined,
        signal,
      );
      return ((await res.json()) as InstanceList).items;
    } catch (error) {
      // The registry knows a service only while it has instances.
      if (error instanceof McpApiError && error.status === 404) return [];
      throw error;
    }
  }

  private async call(
    method: string,
    path: string,
    body: unknown,
    signal: AbortSignal | undefined,
  ): Promise<Response> {
    const timeout = AbortSignal.timeout(this.timeoutMs);
    const res = await this.fetch(`${this.baseUrl}${path}`, {
      method,
      headers: {
        ...this.authorization(),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
    });
    if (res.ok) return res;
    throw await apiErrorOf(res);
  }
}

function instancePath(service: string, instanceId: string): string {
  return `/v1/services/${encodeURIComponent(service)}/instances/${encodeURIComponent(instanceId)}`;
}

/** Reads a problem+json answer into an McpApiError; any other error body still gives the status. */
export async function apiErrorOf(res: Response): Promise<McpApiError> {
  let code = 'http_error';
  let detail = `The gateway answered ${res.status} ${res.statusText}`.trim();
  try {
    const problem = (await res.json()) as { code?: unknown; detail?: unknown };
    if (typeof problem.code === 'string') code = problem.code;
    if (typeof problem.detail === 'string') detail = problem.detail;
  } catch {
    // Not JSON: the status says enough.
  }
  const retryAfter = Number(res.headers.get('retry-after'));
  const retryAfterMs =
    Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : undefined;
  return new McpApiError(res.status, code, detail, retryAfterMs);
}
