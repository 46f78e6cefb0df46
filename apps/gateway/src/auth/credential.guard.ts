import { CanActivate, ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import {
  ForbiddenError,
  NotFoundError,
  UnauthorizedError,
  UnavailableError,
  type ApiKeyScope,
} from '@mcp/protocol';
import { SERVICE_LOGGER, type ServiceLogger } from '@mcp/platform';
import { GATEWAY_CONFIG, type GatewayConfig } from '../gateway.config';
import { ApiKeyCache, type ActiveApiKey } from './api-key.cache';
import { parseApiKey, secretMatches } from './api-key-token';
import { bearerToken, sameSecret } from './bearer';
import { attachCredential, type CallerIdentity } from './caller-identity';
import { REQUIRED_SCOPES, TENANT_PATH_PARAM } from './require-scopes.decorator';
import { missingScopes } from './scopes';

/** The one answer for a tenant the caller may not see, whether or not it exists. */
export function noSuchTenant(tenant: string): NotFoundError {
  return new NotFoundError(`Tenant "${tenant}" does not exist.`);
}

const NOT_A_KEY = 'The API key is not valid (unknown, revoked or malformed).';

/**
 * Authenticates tenant routes (those marked `@RequireScopes` or `@TenantFromPath`) against this
 * replica's ApiKeyCache, so no request reads Postgres for its key; other routes pass through
 * untouched to their own guards.
 */
@Injectable()
export class CredentialGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly keys: ApiKeyCache,
    @Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig,
    @Inject(SERVICE_LOGGER) private readonly logger: ServiceLogger,
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
    const token = bearerToken(request.headers.authorization);
    if (!token) throw new UnauthorizedError('Send an API key as "Authorization: Bearer <key>".');

    if (tenantParam !== undefined && sameSecret(token, this.config.MCP_ADMIN_KEY)) {
      attachCredential(request, { kind: 'operator' });
      return true;
    }

    const caller = await this.authenticate(token);
    if (tenantParam !== undefined) {
      const tenant = request.params[tenantParam];
      if (caller.tenant !== tenant) throw noSuchTenant(String(tenant));
    }
    const missing = missingScopes(caller.scopes, scopes ?? []);
    if (missing.length > 0) {
      throw new ForbiddenError(`This key lacks the scope(s) ${missing.join(', ')}.`);
    }
    attachCredential(request, { kind: 'api-key', ...caller });
    return true;
  }

  private async authenticate(token: string): Promise<CallerIdentity> {
    const parsed = parseApiKey(token);
    if (!parsed) {
      if (sameSecret(token, this.config.MCP_ADMIN_KEY)) {
        throw new UnauthorizedError(
          'The operator key is not a tenant credential; send an API key.',
        );
      }
      throw new UnauthorizedError(NOT_A_KEY);
    }
    let key: ActiveApiKey | undefined;
    try {
      key = await this.keys.find(parsed.keyId);
    } catch (error) {
      this.logger.error({ err: error, keyId: parsed.keyId }, 'could not read an API key');
      throw new UnavailableError('Credentials cannot be checked right now; try again shortly.');
    }
    if (!key || !secretMatches(parsed.secret, key.secretSha256)) {
      throw new UnauthorizedError(NOT_A_KEY);
    }
    return { tenant: key.tenant, keyId: key.keyId, scopes: key.scopes };
  }
}
