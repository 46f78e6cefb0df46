import {
  SetMetadata,
  createParamDecorator,
  type CustomDecorator,
  type ExecutionContext,
} from '@nestjs/common';
import type { Request } from 'express';
import { InternalError, type ApiKeyScope } from '@mcp/protocol';
import { credentialOf, type CallerIdentity } from './caller-identity';

export const REQUIRED_SCOPES = 'mcp:required-scopes';
export const TENANT_PATH_PARAM = 'mcp:tenant-path-param';

/**
 * Makes a controller or handler a tenant route: the caller must send a tenant API key holding
 * every listed scope (`admin` holds all). A handler's list replaces its controller's.
 * Missing/invalid/revoked key → 401; a key lacking a scope → 403. The operator key is not a
 * tenant credential here unless the route also has `@TenantFromPath`.
 */
export function RequireScopes(...scopes: ApiKeyScope[]): CustomDecorator<string> {
  return SetMetadata(REQUIRED_SCOPES, scopes);
}

/**
 * The route names its tenant in the path (`/v1/tenants/:tenant/...`): the operator may act on any
 * tenant, a tenant key only on its own; another tenant's answers 404, exactly like a tenant that
 * does not exist.
 */
export function TenantFromPath(param = 'tenant'): CustomDecorator<string> {
  return SetMetadata(TENANT_PATH_PARAM, param);
}

/** The authenticated tenant caller of a route guarded by `@RequireScopes`. */
export const Caller = createParamDecorator(
  (_data: unknown, context: ExecutionContext): CallerIdentity => {
    const credential = credentialOf(context.switchToHttp().getRequest<Request>());
    if (credential?.kind !== 'api-key') {
      // A route without @RequireScopes, or one the operator reached: a programming error.
      throw new InternalError('@Caller() used on a route that has no tenant caller.');
    }
    const { kind: _kind, ...caller } = credential;
    return caller;
  },
);
