import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import { NotFoundError, type ApiKeyScope } from '@mcp/protocol';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { sameSecret } from './bearer';
import { attachCredential } from './caller-identity';
import { REQUIRED_SCOPES, TENANT_PATH_PARAM } from './require-scopes.decorator';
import { TenantAuthenticator, requireScopes } from './tenant-authenticator';

/** The one answer for a tenant the caller may not see, whether or not it exists. */
export function noSuchTenant(tenant: string): NotFoundError {
  return new NotFoundError(`Tenant "${tenant}" does not exist.`);
}

/**
 * Authenticates tenant routes (those marked `@RequireScopes` or `@TenantFromPath`) against this
 * replica's ApiKeyCache, so no request reads Postgres for its key; other routes pass through
 * untouched to their own guards.
 */
@Injectable()
export class CredentialGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly authenticator: TenantAuthenticator,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const targets = [context.getHandler(), context.getClass()];
    const scopes = this.reflector.getAllAndOverride<ApiKeyScope[] | undefined>(
      REQUIRED_SCOPES,
      targets,
    );
    const tenantParam = this.reflector.getAllAndOverride<string | undefined>(
      TENANT_PATH_PARAM,
      targets,
    );
    if (scopes === undefined && tenantParam === undefined) return true;
    if (context.getType() !== 'http') return true;

    const request = context.switchToHttp().getRequest<Request>();
    const token = this.authenticator.tokenOf(request.headers.authorization);

    if (tenantParam !== undefined && sameSecret(token, this.config.MCP_ADMIN_KEY)) {
      attachCredential(request, { kind: 'operator' });
      return true;
    }

    const caller = await this.authenticator.authenticate(token);
    if (tenantParam !== undefined) {
      const tenant = request.params[tenantParam];
      if (caller.tenant !== tenant) throw noSuchTenant(String(tenant));
    }
    requireScopes(caller, scopes ?? []);
    attachCredential(request, { kind: 'api-key', ...caller });
    return true;
  }
}
